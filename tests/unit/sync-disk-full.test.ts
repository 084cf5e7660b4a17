// A full disk in the middle of a sync, on both database adapters: the receiving repository's
// storage fills up (PRAGMA max_page_count just above what it holds) while what the peer sends is
// being stored. The failure is this device's own, so it must say so: code `local-storage`, the
// SQLite error kept as its cause, no word blaming the peer, and the repository exactly as it was.
import { expect, it } from 'vitest';
import { StorageError } from '../../src/db/storage-error.ts';
import { codeOf } from '../../src/errors.ts';
import { utf8 } from '../../src/fossil/bytes.ts';
import { createCheckin } from '../../src/repo/authoring/checkin.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { Repository } from '../../src/repo/repository.ts';
import { verifyRepo } from '../../src/repo/verify.ts';
import { cloneInto, prepareCloneTarget } from '../../src/sync/clone-client.ts';
import { syncWith, SyncError } from '../../src/sync/client-session.ts';
import { XferServer } from '../../src/sync/server-handler.ts';
import type { RoundReport } from '../../src/sync/sync-events.ts';
import { MemoryTransport } from '../../src/sync/transports/memory.ts';
import { forEachAdapter } from '../helpers/dbs.ts';
import { Prng } from '../sim/prng.ts';

const BOB = { user: 'bob', password: 'bobpw' };
const PEER = 'peer-far-away';
let clock = Date.parse('2025-06-01T10:00:00Z');
const nextDate = () => new Date((clock += 60_000));

/** Text that does not compress: each check-in adds tens of pages to whoever stores it. */
function noise(rng: Prng, bytes: number): string {
  let s = '';
  while (s.length < bytes) s += rng.next().toString(36).slice(2);
  return `${s.slice(0, bytes)}\n`;
}

function commitNoise(repo: Repository, rng: Prng, n: number, label: string): void {
  for (let i = 0; i < n; i++) {
    const parent = repo.db.value<number>("SELECT objid FROM event WHERE type='ci' ORDER BY mtime DESC LIMIT 1");
    const files = [{ name: `${label}-${i}.txt`, content: utf8(noise(rng, 24_000)) }];
    createCheckin(repo, { parent, files, comment: `${label} ${i}`, user: 'bob', date: nextDate() });
  }
}

/** Everything a sync could have touched, to compare before and after. */
function snapshot(repo: Repository): unknown {
  const db = repo.db;
  return {
    blobs: db.all('SELECT rid, uuid, size FROM blob ORDER BY rid'),
    phantoms: db.prepare('SELECT rid FROM phantom ORDER BY rid').column(),
    events: db.prepare('SELECT objid FROM event ORDER BY objid').column(),
    unclustered: db.prepare('SELECT rid FROM unclustered ORDER BY rid').column(),
    receipts: db.value('SELECT count(*) FROM rcvfrom'),
  };
}

/** Let the database grow by only a few more pages than it has now. */
function almostFull(repo: Repository, spare: number): void {
  const pages = repo.db.value<number>('PRAGMA page_count')!;
  repo.db.exec(`PRAGMA max_page_count = ${pages + spare}`);
}

/** The rejection of a promise (fails the test when it resolves). */
async function failureOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the sync to fail');
}

forEachAdapter((adapter) => {
  async function pair(): Promise<{ server: Repository; client: Repository; rng: Prng }> {
    const rng = new Prng(7);
    const server = Repository.create(await adapter.open(), { crosslinker: crosslinkerFactory, adminUser: 'alice', projectName: 'disk full', date: nextDate() });
    server.users.add('bob', { password: 'bobpw', caps: 'gio' });
    commitNoise(server, rng, 2, 'early');
    const client = Repository.create(await adapter.open(), { date: null, adminUser: 'bob' });
    prepareCloneTarget(client);
    await cloneInto(client, new MemoryTransport(new XferServer(server)), { login: BOB });
    client.setCrosslinker(crosslinkerFactory);
    return { server, client, rng };
  }

  it('a pull that fills the disk fails as a local problem and changes nothing', async () => {
    const { server, client, rng } = await pair();
    commitNoise(server, rng, 12, 'late');
    const before = snapshot(client);
    almostFull(client, 8);
    const rounds: RoundReport[] = [];
    const transport = new MemoryTransport(new XferServer(server), { label: PEER });

    const e = await failureOf(syncWith(client, transport, { pull: true, atomic: true, login: BOB, events: { round: (r) => rounds.push(r) } }));

    // Mid-sync: the peer's igots were taken in, the failure came while storing its files.
    expect(rounds.length).toBeGreaterThanOrEqual(1);
    expect(codeOf(e)).toBe('local-storage');
    expect(e).toBeInstanceOf(StorageError);
    expect(e).not.toBeInstanceOf(SyncError);
    expect(e.message).toMatch(/full/);
    expect(e.message).not.toContain(PEER);
    expect(e.message).not.toMatch(/bad artifact|from the peer|peer/i);
    // The error underneath is SQLite's own, from this adapter.
    const cause = e.cause as { code?: string; resultCode?: number } | undefined;
    expect(cause).toBeInstanceOf(Error);
    if (adapter.name === 'better-sqlite3') expect(cause!.code).toBe('SQLITE_FULL');
    else expect((cause!.resultCode ?? 0) & 0xff).toBe(13);

    // One transaction: nothing of the pull stayed, and what was there still checks out.
    client.db.exec('PRAGMA max_page_count = 1073741823');
    expect(snapshot(client)).toEqual(before);
    const verified = verifyRepo(client);
    expect(verified.problems).toEqual([]);
    expect(verified.ok).toBe(true);
    expect(client.db.value('PRAGMA integrity_check')).toBe('ok');

    // With room again, the same pull completes.
    await syncWith(client, transport, { pull: true, atomic: true, login: BOB });
    expect(client.db.value("SELECT count(*) FROM event WHERE type='ci'")).toBe(server.db.value("SELECT count(*) FROM event WHERE type='ci'"));
  });

  it('a clone that fills the disk stops as a local problem, keeps what it committed, and resumes', async () => {
    const { server, rng } = await pair();
    commitNoise(server, rng, 12, 'late');
    const target = Repository.create(await adapter.open(), { date: null, adminUser: 'bob' });
    prepareCloneTarget(target);
    // Room for the first rounds only (a small max-download makes many of them).
    almostFull(target, 40);
    server.config.set('max-download', 40_000);
    const transport = new MemoryTransport(new XferServer(server), { label: PEER });

    const e = await failureOf(cloneInto(target, transport, { login: BOB }));

    expect(codeOf(e)).toBe('local-storage');
    expect(e.message).not.toContain(PEER);
    expect(e.message).not.toMatch(/bad artifact|peer/i);
    expect(e.cause).toBeInstanceOf(Error);
    target.db.exec('PRAGMA max_page_count = 1073741823');
    expect(target.db.value('PRAGMA integrity_check')).toBe('ok');
    expect(verifyRepo(target).ok).toBe(true);
    const kept = target.db.value<number>('SELECT count(*) FROM blob WHERE size>=0')!;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(server.db.value<number>('SELECT count(*) FROM blob WHERE size>=0')!);
    // Nothing false was kept, and the next clone carries on from where this one stopped.
    const resumed = await cloneInto(target, transport, { login: BOB });
    expect(resumed.fresh).toBe(false);
    expect(target.db.value('SELECT count(*) FROM blob WHERE size>=0')).toBe(server.db.value('SELECT count(*) FROM blob WHERE size>=0'));
  });

  it('a push that fills the server\'s disk is the server\'s failure, and the server keeps nothing of it', async () => {
    const { server, client, rng } = await pair();
    commitNoise(client, rng, 12, 'pushed');
    const before = snapshot(server);
    almostFull(server, 8);
    const transport = new MemoryTransport(new XferServer(server), { label: PEER });

    const e = await failureOf(syncWith(client, transport, { push: true, login: BOB }));

    // The client hears the server's own trouble, not that what it sent was wrong.
    expect(e).toBeInstanceOf(SyncError);
    expect(codeOf(e)).toBe('peer-failed');
    expect((e as SyncError).serverError).toMatch(/^server error: local storage failed: .*full/);
    expect((e as SyncError).serverError).not.toMatch(/cannot store|bad|wrong hash/);
    server.db.exec('PRAGMA max_page_count = 1073741823');
    expect(snapshot(server)).toEqual(before);
    expect(verifyRepo(server).ok).toBe(true);
  });
});
