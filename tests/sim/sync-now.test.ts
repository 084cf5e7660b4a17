// Sync now, as the page's button asks the mesh agent for it (MeshAgent.syncAll), in simulation:
// a hub-served repository, a writer's browser that serves it too, and a reader. Whatever else
// is going on, the answer says how the sync went: never "no peer serves this" when one did.
import { describe, expect, it } from 'vitest';
import { MeshAgent, type SyncOutcome } from '../../src/mesh/agent.ts';
import { makeMember } from '../../src/nats/hub-members.ts';
import { permissionsFor, WRITER_CAPS, type Member } from '../../src/nats/hub-permissions.ts';
import { NatsTransport } from '../../src/nats/client-transport.ts';
import { Subjects } from '../../src/nats/subjects.ts';
import { utf8 } from '../../src/fossil/bytes.ts';
import { createCheckin } from '../../src/repo/authoring/checkin.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { Repository } from '../../src/repo/repository.ts';
import { tipCheckin } from '../../src/repo/queries/resolve.ts';
import { cloneInto, prepareCloneTarget } from '../../src/sync/clone-client.ts';
import { forEachAdapter, type Adapter } from '../helpers/dbs.ts';
import { drive, SimNet, VirtualClock, type SimConnection } from './mesh-net.ts';
import { Prng } from './prng.ts';

interface Peer {
  conn: SimConnection;
  repo: Repository;
  agent: MeshAgent;
}

async function mesh(adapter: Adapter, opts: { startReader?: boolean } = {}) {
  const clock = new VirtualClock();
  const net = new SimNet(clock, new Prng(7));
  const hubRepo = Repository.create(await adapter.open(), { crosslinker: crosslinkerFactory, adminUser: 'owner', projectName: 'sync-now' });
  createCheckin(hubRepo, { parent: tipCheckin(hubRepo.db), user: 'owner', comment: 'first', files: [{ name: 'a.txt', content: utf8('a\n') }] });
  const code = hubRepo.projectCode;
  const make = (name: string, role: Member['role']) => makeMember({ name, role, projects: role === 'hub' ? '*' : [code], loginCaps: role === 'writer' ? WRITER_CAPS : undefined });
  const subjects = new Subjects(code);
  const join = async (member: Member, kind: 'hub' | 'browser'): Promise<Peer> => {
    const conn = net.connect(member.name, permissionsFor(member));
    let repo = hubRepo;
    if (kind !== 'hub') {
      repo = Repository.create(await adapter.open(), { date: null, adminUser: member.name });
      prepareCloneTarget(repo);
      await drive(clock, cloneInto(repo, new NatsTransport(conn, subjects, { clock }), {}));
      repo.setCrosslinker(crosslinkerFactory);
    }
    const agent = new MeshAgent(conn, repo, { peerId: `${member.name}.${kind}`, kind, clock, trust: kind === 'hub' ? { hubVouches: true } : undefined });
    return { conn, repo, agent };
  };
  const hub = await join(make('hub', 'hub'), 'hub');
  await drive(clock, hub.agent.start());
  const writer = await join(make('w1', 'writer'), 'browser');
  await drive(clock, writer.agent.start());
  const reader = await join(make('reader', 'reader'), 'browser');
  if (opts.startReader !== false) {
    await drive(clock, reader.agent.start());
    // Presence: the reader hears who serves the project.
    await clock.advance(3000);
  }
  const stop = async () => {
    for (const p of [reader, writer, hub]) {
      await drive(clock, p.agent.stop());
      p.repo.db.close();
    }
  };
  return { clock, hub, writer, reader, stop };
}

forEachAdapter((adapter) => {
  describe('Sync now', () => {
    it('while the same syncs wait in line, it gets their outcome, not "no peer"', { timeout: 120_000 }, async () => {
      const m = await mesh(adapter);
      expect(m.reader.agent.peers().map((p) => p.peerId).sort()).toEqual(['hub.hub', 'w1.browser']);
      // An automatic sync (the catch-up, a safety sync) is under way with both peers...
      const automatic = m.reader.agent.syncAll('sync');
      // ...when the button is pressed.
      const pressed = m.reader.agent.syncAll('sync');
      const [a, b] = await drive(m.clock, Promise.all([automatic, pressed]));
      expect(a).toMatchObject({ ok: true });
      expect(b).toMatchObject({ ok: true });
      await m.stop();
    });

    it('a writer\'s browser that stopped answering does not fail a sync the hub served', { timeout: 120_000 }, async () => {
      const m = await mesh(adapter);
      // The laptop is shut: its peer is still listed (no goodbye came) but nothing answers it.
      m.writer.conn.close();
      expect(m.reader.agent.peers().map((p) => p.peerId)).toContain('w1.browser');
      const outcome = await drive(m.clock, m.reader.agent.syncAll('sync'));
      expect(outcome).toMatchObject({ ok: true, peer: 'hub.hub' });
      await m.stop();
    });

    it('a server that fails is what it reports, even when a browser served', { timeout: 120_000 }, async () => {
      const m = await mesh(adapter);
      // The hub's copy is gone (its answers stop), the writer's browser still answers.
      m.hub.conn.close();
      const outcome = (await drive(m.clock, m.reader.agent.syncAll('sync'))) as SyncOutcome;
      expect(outcome.ok).toBe(false);
      expect(outcome.peer).toBe('hub.hub');
      await m.stop();
    });

    it('pressed while the agent is still starting, it syncs once the start has settled', { timeout: 120_000 }, async () => {
      const m = await mesh(adapter, { startReader: false });
      const starting = m.reader.agent.start();
      const pressed = m.reader.agent.syncAll('sync');
      const outcome = await drive(m.clock, pressed);
      await drive(m.clock, starting);
      expect(outcome).toMatchObject({ ok: true });
      await m.stop();
    });
  });
});
