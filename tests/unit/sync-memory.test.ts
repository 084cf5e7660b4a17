// The sync engine between two of our own repositories over the in-memory transport, on both
// database adapters: clone, push, pull, private content with and without x, unversioned files,
// configuration, and the per-round events.
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { utf8 } from '../../src/fossil/bytes.ts';
import { createCheckin } from '../../src/repo/authoring/checkin.ts';
import { writeWikiPage } from '../../src/repo/authoring/wiki.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { Repository } from '../../src/repo/repository.ts';
import { openNodeDb } from '../../src/db/better-sqlite3.ts';
import { cloneInto, isUnfinishedClone, prepareCloneTarget } from '../../src/sync/clone-client.ts';
import { syncWith, SyncError } from '../../src/sync/client-session.ts';
import { XferServer } from '../../src/sync/server-handler.ts';
import type { RoundReport } from '../../src/sync/sync-events.ts';
import { MemoryTransport } from '../../src/sync/transports/memory.ts';
import { writeUnversionedFile } from '../../src/sync/unversioned.ts';
import { forEachAdapter } from '../helpers/dbs.ts';

const BOB = { user: 'bob', password: 'bobpw' };
let clock = Date.parse('2025-05-01T10:00:00Z');
const nextDate = () => new Date((clock += 60_000));

function tip(repo: Repository): number {
  return repo.db.value<number>("SELECT objid FROM event WHERE type='ci' ORDER BY mtime DESC LIMIT 1")!;
}

function commit(repo: Repository, files: Record<string, string>, comment: string, opts: { isPrivate?: boolean; parent?: number } = {}) {
  const parent = opts.parent ?? tip(repo);
  const keep = repo.db.all<{ name: string; uuid: string }>(
    `SELECT f.name AS name, b.uuid AS uuid FROM mlink m JOIN filename f ON f.fnid=m.fnid JOIN blob b ON b.rid=m.fid WHERE m.mid=? AND m.fid>0`,
    parent,
  );
  const list = new Map(keep.map((k) => [k.name, { name: k.name, uuid: k.uuid }] as const));
  for (const [name, text] of Object.entries(files)) list.set(name, { name, content: utf8(text) } as never);
  return createCheckin(repo, { parent, files: [...list.values()], comment, user: 'bob', date: nextDate(), isPrivate: opts.isPrivate });
}

const publicArtifacts = (r: Repository) =>
  r.db.prepare('SELECT uuid FROM blob WHERE size>=0 AND rid NOT IN (SELECT rid FROM private) ORDER BY uuid').column<string>();
const allArtifacts = (r: Repository) => r.db.prepare('SELECT uuid FROM blob WHERE size>=0 ORDER BY uuid').column<string>();
const comments = (r: Repository) => r.db.prepare("SELECT comment FROM event WHERE type='ci' ORDER BY mtime").column<string>();

forEachAdapter((adapter) => {
  async function serverRepo(): Promise<Repository> {
    const db: Db = await adapter.open();
    const repo = Repository.create(db, { crosslinker: crosslinkerFactory, adminUser: 'alice', projectName: 'memory test', date: nextDate() });
    repo.users.add('bob', { password: 'bobpw', caps: 'gio' });
    commit(repo, { 'README.md': '# hello\n', 'src/main.c': 'int main(void) { return 0; }\n'.repeat(20) }, 'first');
    commit(repo, { 'src/main.c': 'int main(void) { return 1; }\n'.repeat(20) }, 'second');
    writeWikiPage(repo, { title: 'Home', text: 'Welcome\n', user: 'bob', date: nextDate() });
    commit(repo, { 'secret.txt': 'private stuff\n' }, 'private work', { isPrivate: true });
    return repo;
  }

  async function cloneOf(server: Repository, opts: { private?: boolean } = {}): Promise<{ repo: Repository; rounds: RoundReport[] }> {
    const repo = Repository.create(await adapter.open(), { date: null, adminUser: 'bob' });
    prepareCloneTarget(repo);
    const rounds: RoundReport[] = [];
    await cloneInto(repo, new MemoryTransport(new XferServer(server)), { login: BOB, private: opts.private, events: { round: (r) => rounds.push(r) } });
    repo.setCrosslinker(crosslinkerFactory);
    return { repo, rounds };
  }

  it('clones everything public, with the timeline and configuration', async () => {
    const server = await serverRepo();
    const { repo, rounds } = await cloneOf(server);
    expect(isUnfinishedClone(repo)).toBe(false);
    expect(repo.projectCode).toBe(server.projectCode);
    expect(allArtifacts(repo)).toEqual(publicArtifacts(server));
    expect(comments(repo)).toEqual(['initial empty check-in', 'first', 'second']);
    expect(repo.config.projectName).toBe('memory test');
    expect(rounds.length).toBeGreaterThanOrEqual(2);
    expect(rounds[0]!.received.files + rounds[0]!.received.deltas).toBe(publicArtifacts(server).length);
  });

  it('pushes a local check-in and pulls one made on the server', async () => {
    const server = await serverRepo();
    const { repo } = await cloneOf(server);
    const t = new MemoryTransport(new XferServer(server));
    const mine = commit(repo, { 'client.txt': 'from the client\n' }, 'client check-in');
    const pushed = await syncWith(repo, t, { push: true, login: BOB });
    expect(pushed.artifactsSent).toBeGreaterThanOrEqual(2);
    expect(server.content.ridOf(mine.uuid)).toBeDefined();
    expect(comments(server)).toContain('client check-in');
    expect(repo.db.value('SELECT count(*) FROM unsent')).toBe(0);

    commit(server, { 'server.txt': 'from the server\n'.repeat(30) }, 'server check-in');
    const pulled = await syncWith(repo, t, { pull: true, login: BOB });
    expect(pulled.artifactsReceived).toBeGreaterThanOrEqual(2);
    expect(comments(repo).at(-1)).toBe('server check-in');
    expect(allArtifacts(repo)).toEqual(publicArtifacts(server));
  });

  it('private content only with capability x and --private', async () => {
    const server = await serverRepo();
    const { repo } = await cloneOf(server);
    const t = new MemoryTransport(new XferServer(server));
    await expect(syncWith(repo, t, { pull: true, private: true, login: BOB })).rejects.toThrow(SyncError);
    await expect(syncWith(repo, t, { pull: true, private: true, login: BOB })).rejects.toThrow(/not authorized to sync private content/);
    server.users.setCaps('bob', 'giox');
    await syncWith(repo, t, { pull: true, private: true, login: BOB });
    expect(allArtifacts(repo)).toEqual(allArtifacts(server));
    const privateHere = repo.db.value<number>('SELECT count(*) FROM private');
    expect(privateHere).toBe(server.db.value<number>('SELECT count(*) FROM private'));
    // A plain pull afterwards keeps them private and sends nothing private back.
    await syncWith(repo, t, { pull: true, push: true, login: BOB });
    expect(repo.db.value<number>('SELECT count(*) FROM private')).toBe(privateHere);
  });

  it('syncs unversioned files both ways (push needs y)', async () => {
    const server = await serverRepo();
    const { repo } = await cloneOf(server);
    const t = new MemoryTransport(new XferServer(server));
    writeUnversionedFile(server.db, 'download/tool.tar', utf8('tarball bytes\n'.repeat(100)), 1_700_000_000);
    await syncWith(repo, t, { unversioned: true, login: BOB });
    expect(repo.db.value('SELECT name FROM unversioned')).toBe('download/tool.tar');
    writeUnversionedFile(repo.db, 'notes.txt', utf8('client notes\n'), 1_700_000_100);
    await syncWith(repo, t, { unversioned: true, login: BOB });
    expect(server.db.value('SELECT count(*) FROM unversioned')).toBe(1);
    server.users.setCaps('bob', 'gioy');
    await syncWith(repo, t, { unversioned: true, login: BOB });
    expect(server.db.prepare('SELECT name FROM unversioned ORDER BY name').column()).toEqual(['download/tool.tar', 'notes.txt']);
  });

  it('a clone\'s artifact count follows every change to the file, by this connection or another', async () => {
    const server = await serverRepo();
    const totalOfClone = async () => {
      const repo = Repository.create(await adapter.open(), { date: null, adminUser: 'bob' });
      prepareCloneTarget(repo);
      const totals: (number | undefined)[] = [];
      await cloneInto(repo, new MemoryTransport(new XferServer(server)), { login: BOB, events: { cloneProgress: (p) => totals.push(p.estimatedTotal) } });
      return totals.at(-1);
    };
    expect(await totalOfClone()).toBe(allArtifacts(server).length);
    // Twice unchanged, then a check-in through the serving connection.
    expect(await totalOfClone()).toBe(allArtifacts(server).length);
    commit(server, { 'more.txt': 'more\n' }, 'third');
    expect(await totalOfClone()).toBe(allArtifacts(server).length);
    // A check-in by another connection to the same file (the file adapter only).
    if (adapter.name === 'better-sqlite3') {
      const before = allArtifacts(server).length;
      const other = Repository.open(openNodeDb(server.db.filename), { crosslinker: crosslinkerFactory });
      commit(other, { 'other.txt': 'from another process\n' }, 'fourth');
      expect(allArtifacts(server).length).toBeGreaterThan(before);
      expect(await totalOfClone()).toBe(allArtifacts(server).length);
    }
  });

  it('a wrong password is refused and changes nothing', async () => {
    const server = await serverRepo();
    const { repo } = await cloneOf(server);
    commit(repo, { 'x.txt': 'x\n' }, 'never arrives');
    const before = allArtifacts(server);
    await expect(
      syncWith(repo, new MemoryTransport(new XferServer(server)), { push: true, login: { user: 'bob', password: 'nope' } }),
    ).rejects.toThrow(/server says: login failed/);
    expect(allArtifacts(server)).toEqual(before);
    expect(repo.db.value<number>('SELECT count(*) FROM unsent')).toBeGreaterThan(0);
  });
});

describe('logins and transports', () => {
  it('the admin logs in with the clear-text password fossil init stores', async () => {
    const { openWasmDb } = await import('../../src/db/sqlite-wasm.ts');
    const server = Repository.create(await openWasmDb(), { crosslinker: crosslinkerFactory, adminUser: 'alice', adminPassword: 'Secret123', date: nextDate() });
    server.users.setCaps('nobody', '');
    server.users.setCaps('anonymous', '');
    const repo = Repository.create(await openWasmDb(), { date: null, adminUser: 'alice' });
    prepareCloneTarget(repo);
    const progress: { received: number; estimatedTotal?: number }[] = [];
    await cloneInto(repo, new MemoryTransport(new XferServer(server)), {
      login: { user: 'alice', password: 'Secret123' },
      events: { cloneProgress: (p) => progress.push(p) },
    });
    expect(allArtifacts(repo)).toEqual(allArtifacts(server));
    expect(progress.at(-1)).toMatchObject({ received: 1, estimatedTotal: 1 });
  });

  it('the Node HTTP client transport talks to the Node HTTP server', async () => {
    const { openWasmDb } = await import('../../src/db/sqlite-wasm.ts');
    const { NodeHttpTransport } = await import('../../src/sync/transports/http-client-node.ts');
    const { createXferHttpServer, listen } = await import('../../src/sync/transports/http-server-node.ts');
    const server = Repository.create(await openWasmDb(), { crosslinker: crosslinkerFactory, adminUser: 'alice', date: nextDate() });
    server.users.add('bob', { password: 'bobpw', caps: 'gio' });
    const http = createXferHttpServer(new XferServer(server));
    const addr = await listen(http, 0);
    try {
      const repo = Repository.create(await openWasmDb(), { date: null, adminUser: 'bob' });
      prepareCloneTarget(repo);
      await cloneInto(repo, new NodeHttpTransport(`http://127.0.0.1:${addr.port}/some/path`), { login: BOB });
      expect(allArtifacts(repo)).toEqual(allArtifacts(server));
      const page = await (await fetch(`http://127.0.0.1:${addr.port}/`)).text();
      expect(page).toMatch(/sync server/);
    } finally {
      http.close();
    }
  });
});
