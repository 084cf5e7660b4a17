// The mesh agent in simulation: the same MeshAgent the CLI and the browser run, on an in-memory
// NATS with the hub's subject permissions and a virtual clock, everything drawn from a seed.
// A hub-served repository, two writers, a reader and a rogue reader edit and sync; the rogue
// tries every way in (serving its copy, announcing by hand, answering the sync group, taking the
// hub's id, pushing with a login that may not write). At the end the honest peers hold exactly
// the honest check-ins, and none of the rogue's. SIM_MESH_SEEDS runs more seeds.
import { describe, expect, it } from 'vitest';
import { MeshAgent, SERVER_KINDS } from '../../src/mesh/agent.ts';
import { writeHere } from '../../src/mesh/local-write.ts';
import { addToOutbox, readOutbox, unaccepted } from '../../src/mesh/outbox.ts';
import { makeMember } from '../../src/nats/hub-members.ts';
import { permissionsFor, WRITER_CAPS, type Member } from '../../src/nats/hub-permissions.ts';
import { NatsTransport } from '../../src/nats/client-transport.ts';
import { Subjects } from '../../src/nats/subjects.ts';
import { utf8 } from '../../src/fossil/bytes.ts';
import { checkinTextOnTip, createCheckin } from '../../src/repo/authoring/checkin.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { Repository } from '../../src/repo/repository.ts';
import { tipCheckin } from '../../src/repo/queries/resolve.ts';
import { cloneInto, prepareCloneTarget } from '../../src/sync/clone-client.ts';
import { syncWith } from '../../src/sync/client-session.ts';
import { forEachAdapter, type Adapter } from '../helpers/dbs.ts';
import { drive, SimNet, VirtualClock, type SimConnection } from './mesh-net.ts';
import { Prng } from './prng.ts';

const SEEDS = Number(process.env.SIM_MESH_SEEDS ?? 2);
const STEPS = Number(process.env.SIM_MESH_STEPS ?? 16);

interface SimPeer {
  name: string;
  member: Member;
  conn: SimConnection;
  repo: Repository;
  agent?: MeshAgent;
  honest: boolean;
}

function checkins(repo: Repository): string[] {
  return repo.db.prepare("SELECT blob.uuid FROM event JOIN blob ON blob.rid=event.objid WHERE event.type='ci' ORDER BY 1").column<string>();
}

function commit(repo: Repository, who: string, n: number): string {
  const parent = tipCheckin(repo.db);
  return createCheckin(repo, { parent, user: who, comment: `${who} #${n}`, files: [{ name: `${who}-${n}.txt`, content: utf8(`${who} wrote ${n}\n`) }] }).uuid;
}

async function run(seed: number, adapter: Adapter): Promise<void> {
  const rng = new Prng(seed);
  const clock = new VirtualClock();
  const net = new SimNet(clock, rng.fork());
  const hubRepo = Repository.create(await adapter.open(), { crosslinker: crosslinkerFactory, adminUser: 'owner', projectName: 'mesh' });
  commit(hubRepo, 'owner', 0);
  const code = hubRepo.projectCode;
  const make = (name: string, role: Member['role']) => makeMember({ name, role, projects: role === 'hub' ? '*' : [code], loginCaps: role === 'writer' ? WRITER_CAPS : role === 'reader' && name === 'rogue' ? 'go' : undefined });
  const members = [make('hub', 'hub'), make('w1', 'writer'), make('w2', 'writer'), make('reader', 'reader'), make('rogue', 'reader')];
  for (const m of members) if (m.login) hubRepo.users.add(m.login.user, { password: m.login.password, caps: m.login.caps });
  const subjects = new Subjects(code);
  const peers: SimPeer[] = [];
  for (const m of members) {
    const conn = net.connect(m.name, permissionsFor(m));
    let repo = hubRepo;
    if (m.role !== 'hub') {
      repo = Repository.create(await adapter.open(), { date: null, adminUser: m.name });
      prepareCloneTarget(repo);
      // The hub's agent answers the clone while the clock runs.
      await drive(clock, cloneInto(repo, new NatsTransport(conn, subjects, { clock }), {}));
      repo.setCrosslinker(crosslinkerFactory);
    }
    peers.push({ name: m.name, member: m, conn, repo, honest: m.name !== 'rogue' });
    if (m.role === 'hub') {
      const agent = new MeshAgent(conn, repo, { peerId: 'hub.leaf', kind: 'hub', clock, trust: { hubVouches: true }, watchMs: 500 });
      peers[0]!.agent = agent;
      await drive(clock, agent.start());
    }
  }
  for (const p of peers.slice(1)) {
    const login = p.member.login ? { user: p.member.login.user, password: p.member.login.password } : undefined;
    const kind = p.name === 'rogue' ? 'leaf' : 'browser';
    p.agent = new MeshAgent(p.conn, p.repo, {
      peerId: `${p.name}.${kind}`, kind, clock, login, announceOutbox: true,
      pushTo: p.member.role === 'writer' || p.name === 'rogue' ? SERVER_KINDS : [],
    });
    await drive(clock, p.agent.start());
  }
  const [hub, w1, w2, reader, rogue] = peers as [SimPeer, SimPeer, SimPeer, SimPeer, SimPeer];
  expect(hub.agent!.serving && w1.agent!.serving && w2.agent!.serving).toBe(true);
  expect(reader.agent!.serving || rogue.agent!.serving).toBe(false);
  expect(w1.agent!.trust.hubVouches && reader.agent!.trust.hubVouches).toBe(true);

  const honest = new Set(checkins(hubRepo));
  const rogues = new Set<string>();
  const notes: { repo: Repository; uuid: string }[] = [];
  for (let step = 0; step < STEPS; step++) {
    // The rogue tries at the first step whatever the seed draws, so every run sees an attack.
    const roll = step === 0 ? 0.6 : rng.next();
    if (roll < 0.5) {
      const p = rng.pick([hub, w1, w2]);
      if (p === hub) {
        honest.add(commit(p.repo, p.name, step + 1));
        hub.agent!.lookForChanges();
      } else {
        // A writer's browser: a note through the one write path, then its after-write step.
        const n = step + 1;
        const uuid = writeHere(p.repo, (r) => {
          const { uuid } = checkinTextOnTip(r, { files: [{ name: `${p.name}-${n}.txt`, text: `${p.name} wrote ${n}\n` }], comment: `${p.name} #${n}`, user: p.name });
          return { uuid, kind: 'checkin', value: uuid };
        }, (w) => p.agent!.wrote(w.uuid, w.kind === 'checkin'), clock.now());
        honest.add(uuid);
        notes.push({ repo: p.repo, uuid });
      }
    } else if (roll < 0.8) {
      // The rogue commits and tries to get it in every way it has.
      const uuid = commit(rogue.repo, 'rogue', step + 1);
      rogues.add(uuid);
      addToOutbox(rogue.repo, [uuid], clock.now());
      rogue.agent!.wrote(uuid, true);
      rogue.conn.publish(subjects.commit, utf8(JSON.stringify({ rid: 1, uuid, peer_id: 'rogue.leaf' })));
      rogue.conn.publish(subjects.commit, utf8(JSON.stringify({ rid: 1, uuid, peer_id: 'hub.leaf' })));
      rogue.conn.subscribe(subjects.sync, () => undefined, { queue: subjects.queueGroup });
      rogue.conn.subscribe(subjects.syncPeer('hub.leaf'), () => undefined);
      rogue.conn.publish(subjects.presenceOf('hub.leaf'), utf8(JSON.stringify({ peer_id: 'hub.leaf', name: 'hub', kind: 'hub', serves: [code] })));
      const login = { user: rogue.member.login!.user, password: rogue.member.login!.password };
      const pushing = syncWith(rogue.repo, new NatsTransport(rogue.conn, subjects, { clock, retryForMs: 1000 }), { push: true, login }).catch((e: Error) => e);
      // Refused: by the hub (the login may not write) or by a writer (which does not know the login).
      expect(String(await drive(clock, pushing))).toMatch(/not authorized to write|login failed/);
    } else {
      await drive(clock, reader.agent!.syncAll('pull'));
    }
    await clock.advance(rng.int(3000));
  }
  // Quiet time: announcements settle, the five-minute safety syncs run.
  await clock.advance(6 * 60_000);
  for (const p of peers) await drive(clock, p.agent!.idle());

  const want = [...honest].sort();
  for (const p of [hub, w1, w2, reader]) {
    const have = checkins(p.repo);
    expect(have.filter((u) => rogues.has(u)), `${p.name} holds the rogue's check-ins (seed ${seed})`).toEqual([]);
    expect(have, `${p.name} has every honest check-in (seed ${seed})`).toEqual(want);
  }
  // Each note written in a browser was in its outbox, and a server was seen to have it.
  for (const n of notes) {
    expect(readOutbox(n.repo, clock.now()).map((e) => e.uuid), `seed ${seed}`).toContain(n.uuid);
    expect(unaccepted(n.repo, clock.now()).map((e) => e.uuid), `seed ${seed}`).not.toContain(n.uuid);
  }
  expect(net.violations.some((v) => v.startsWith('rogue: publish to') && v.endsWith('.commit'))).toBe(true);
  expect(net.violations.some((v) => v.startsWith('rogue: subscription to') && v.endsWith('.sync'))).toBe(true);
  for (const p of peers) {
    await drive(clock, p.agent!.stop());
    p.repo.db.close();
  }
}

forEachAdapter((adapter) => {
  describe('mesh agents on a hub with permissions', () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      it(`seed ${seed}: honest peers converge, the rogue's check-ins reach none of them`, { timeout: 360_000 }, async () => {
        await run(seed, adapter);
      });
    }
  });
});
