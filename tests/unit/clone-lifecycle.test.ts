// The clone lifecycle the CLI and the browser share (src/sync/clone-lifecycle.ts), on both Db
// adapters, with a storage that records what the lifecycle asks of it: a clone that got nothing
// leaves nothing; an interrupted one is left to resume, and resumes to what the server holds; a
// lying server's clone is kept without what did not check out and finishes from an honest one;
// a clone built where it cannot resume (the browser's, in memory) is discarded; every verifier
// made is closed; a refused login is dropped only when the source says so.
import { expect, it } from 'vitest';
import { compressBlob } from '../../src/fossil/blob-codec.ts';
import { utf8 } from '../../src/fossil/bytes.ts';
import { Repository } from '../../src/repo/repository.ts';
import { falseArtifacts } from '../../src/repo/verify.ts';
import { inlineVerifier } from '../../src/sync/artifact-verifier.ts';
import { CLONE_RECEIVED_SETTING } from '../../src/sync/client-session.ts';
import { isUnfinishedClone, prepareCloneTarget } from '../../src/sync/clone-client.ts';
import { CloneIncompleteError, runClone, type CloneSource, type CloneStorage } from '../../src/sync/clone-lifecycle.ts';
import type { CloneProgress } from '../../src/sync/sync-events.ts';
import { XferServer } from '../../src/sync/server-handler.ts';
import { TransportError, type SyncTransport, type WireMessage } from '../../src/sync/transport.ts';
import { MemoryTransport } from '../../src/sync/transports/memory.ts';
import { forEachAdapter, type Adapter } from '../helpers/dbs.ts';
import { tempDir } from '../helpers/tools.ts';
import { BOB, commit, targetRepo } from '../hostile/fixture.ts';

/** Fails from the failAt-th exchange on, like a dropped connection. */
class FailingTransport implements SyncTransport {
  private n = 0;
  readonly label = 'failing';
  constructor(private readonly inner: SyncTransport, private readonly failAt: number) {}
  exchange(m: WireMessage): Promise<WireMessage> {
    if (++this.n >= this.failAt) return Promise.reject(new TransportError('connection dropped'));
    return this.inner.exchange(m);
  }
}

const artifacts = (r: Repository) => r.db.prepare('SELECT uuid FROM blob WHERE size>=0 AND rid NOT IN (SELECT rid FROM private) ORDER BY uuid').column<string>();

/** A storage in memory that records each call, resumable or not as asked. */
function recordingStorage(adapter: Adapter, o: { unfinished?: Repository; freshResumes?: boolean; discardEmptyResumed?: boolean } = {}) {
  const calls: string[] = [];
  const storage: CloneStorage = {
    unfinished: o.unfinished,
    async create(prepare) {
      calls.push('create');
      const r = Repository.create(await adapter.open(), { date: null, adminUser: 'bob' });
      prepare(r);
      return r;
    },
    keep(repo) {
      calls.push('keep');
      return repo;
    },
    leave() {
      calls.push('leave');
    },
    discard() {
      calls.push('discard');
    },
    freshResumes: o.freshResumes ?? true,
    discardEmptyResumed: o.discardEmptyResumed ?? false,
  };
  return { storage, calls };
}

/** A source on a transport, recording what it is asked to remember. */
function recordingSource(transport: SyncTransport, extra: Partial<CloneSource> = {}) {
  const remembered: string[] = [];
  const source: CloneSource = {
    open: async () => ({ transport, close: () => void remembered.push('closed') }),
    login: BOB,
    remember: (r) => {
      r.config.set('test-source', 'memory');
      remembered.push('remember');
    },
    projectKnown: () => void remembered.push('project'),
    finished: () => void remembered.push('finished'),
    ...extra,
  };
  return { source, remembered };
}

/** Inline verifiers that count how many were made and closed. */
function countingVerifiers() {
  const n = { made: 0, closed: 0 };
  return {
    n,
    make() {
      n.made++;
      const v = inlineVerifier();
      return { ...v, close: () => void n.closed++ };
    },
  };
}

forEachAdapter((adapter) => {
  async function server(): Promise<Repository> {
    const repo = await targetRepo(adapter);
    for (let i = 0; i < 8; i++) commit(repo, { [`f${i % 3}.txt`]: `version ${i}\n`.repeat(300 + i) }, `check-in ${i}`);
    return repo;
  }
  /** Small replies, so that a clone takes several rounds. */
  const serve = (repo: Repository) => new MemoryTransport(new XferServer(repo, { maxDownload: 4000 }));

  it('a fresh clone: remembered at the start, when the project code comes and at the end; kept; one verifier, closed', async () => {
    const srv = await server();
    const { storage, calls } = recordingStorage(adapter);
    const { source, remembered } = recordingSource(serve(srv));
    const v = countingVerifiers();
    const done = await runClone({ storage, source, verifier: v.make });
    expect(calls).toEqual(['create', 'keep']);
    expect(remembered).toEqual(['remember', 'project', 'closed', 'finished']);
    expect(done.resumed).toBe(false);
    expect(done.rounds).toBeGreaterThan(2);
    expect(isUnfinishedClone(done.repo)).toBe(false);
    expect(done.repo.config.get('test-source')).toBe('memory');
    expect(artifacts(done.repo)).toEqual(artifacts(srv));
    expect(v.n).toEqual({ made: 1, closed: 1 });
  });

  it('nothing received: the target is discarded and the error is the transport\'s own', async () => {
    const srv = await server();
    const { storage, calls } = recordingStorage(adapter);
    const { source, remembered } = recordingSource(new FailingTransport(serve(srv), 1));
    const v = countingVerifiers();
    const e = await runClone({ storage, source, verifier: v.make }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect(calls).toEqual(['create', 'discard']);
    expect(remembered).toEqual(['remember', 'closed']);
    expect(v.n).toEqual({ made: 1, closed: 1 });
  });

  it('interrupted: left to resume, and resumed (as unfinished storage) to what the server holds', async () => {
    const srv = await server();
    let target: Repository | undefined;
    const first = recordingStorage(adapter);
    const create = first.storage.create!;
    first.storage.create = async (prepare) => (target = await create(prepare));
    const v = countingVerifiers();
    const e = await runClone({ storage: first.storage, source: recordingSource(new FailingTransport(serve(srv), 3)).source, verifier: v.make }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CloneIncompleteError);
    expect((e as CloneIncompleteError).reason).toBe('interrupted');
    expect((e as CloneIncompleteError).code).toBe('unreachable');
    expect((e as CloneIncompleteError).cause).toBeInstanceOf(TransportError);
    expect(first.calls).toEqual(['create', 'leave']);
    expect(isUnfinishedClone(target!)).toBe(true);
    expect(artifacts(target!).length).toBeGreaterThan(0);

    const again = recordingStorage(adapter, { unfinished: target });
    const { source, remembered } = recordingSource(serve(srv));
    const done = await runClone({ storage: again.storage, source, verifier: v.make });
    expect(again.calls).toEqual(['keep']);
    // A resumed clone was remembered when it was made; its project code was known already.
    expect(remembered).toEqual(['closed', 'finished']);
    expect(done.resumed).toBe(true);
    expect(done.repo).toBe(target);
    expect(isUnfinishedClone(target!)).toBe(false);
    expect(artifacts(target!)).toEqual(artifacts(srv));
    expect(v.n).toEqual({ made: 2, closed: 2 });
  });

  it('where a fresh clone cannot resume (built in memory), an interrupted one is discarded', async () => {
    const srv = await server();
    const { storage, calls } = recordingStorage(adapter, { freshResumes: false });
    const e = await runClone({ storage, source: recordingSource(new FailingTransport(serve(srv), 3)).source, verifier: inlineVerifier }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransportError);
    expect(calls).toEqual(['create', 'discard']);
  });

  it('a resumed clone that still holds nothing is discarded only where the storage says so', async () => {
    const srv = await server();
    for (const discardEmptyResumed of [false, true]) {
      const empty = Repository.create(await adapter.open(), { date: null, adminUser: 'bob' });
      prepareCloneTarget(empty);
      const { storage, calls } = recordingStorage(adapter, { unfinished: empty, discardEmptyResumed });
      const e = await runClone({ storage, source: recordingSource(new FailingTransport(serve(srv), 1)).source, verifier: inlineVerifier }).catch((x: unknown) => x);
      expect(calls).toEqual([discardEmptyResumed ? 'discard' : 'leave']);
      if (discardEmptyResumed) expect(e).toBeInstanceOf(TransportError);
      else expect((e as CloneIncompleteError).reason).toBe('interrupted');
    }
  });

  it('a lying server: the clone is kept without what did not check out, and finishes from an honest server', async () => {
    const honest = await server();
    const dir = tempDir('edgesync-lifecycle-');
    try {
      const path = `${dir.dir}/liar.fossil`;
      adapter.save(honest.db, path);
      const liar = Repository.open(await adapter.load(path));
      const victims = liar.db.all<{ rid: number }>('SELECT rid FROM blob WHERE rid NOT IN (SELECT rid FROM delta) AND rid NOT IN (SELECT rid FROM private) AND size>0 ORDER BY rid DESC LIMIT 2');
      for (const { rid } of victims) {
        const forged = utf8(`not what the name says ${rid}\n`);
        liar.db.run('UPDATE blob SET content=?, size=? WHERE rid=?', compressBlob(forged), forged.length, rid);
      }
      let target: Repository | undefined;
      const first = recordingStorage(adapter);
      const create = first.storage.create!;
      first.storage.create = async (prepare) => (target = await create(prepare));
      const v = countingVerifiers();
      const e = await runClone({ storage: first.storage, source: recordingSource(serve(liar)).source, verifier: v.make }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CloneIncompleteError);
      expect((e as CloneIncompleteError).reason).toBe('untrusted');
      expect((e as CloneIncompleteError).code).toBe('peer-bad-data');
      expect((e as Error).message).toMatch(/wrong hash on received artifact.*dropped/);
      expect(first.calls).toEqual(['create', 'leave']);
      expect(isUnfinishedClone(target!)).toBe(true);
      expect(falseArtifacts(target!.db)).toEqual([]);

      const done = await runClone({ storage: recordingStorage(adapter, { unfinished: target }).storage, source: recordingSource(serve(honest)).source, verifier: v.make });
      expect(isUnfinishedClone(done.repo)).toBe(false);
      expect(artifacts(done.repo)).toEqual(artifacts(honest));
      expect(v.n.closed).toBe(v.n.made);
    } finally {
      dir.cleanup();
    }
  });

  it('a manifest whose Z card does not match is no check-in, as fossil has it, though the linker linked it before its checksum was checked', async () => {
    const srv = await server();
    const tip = srv.db.value<number>("SELECT objid FROM event WHERE type='ci' ORDER BY mtime DESC LIMIT 1")!;
    const text = new TextDecoder().decode(srv.content.get(tip));
    // The same check-in with another comment, its Z card left as it was: a well-formed manifest
    // in every card but the checksum, stored under its true hash.
    const forged = utf8(text.replace(/^C .*$/m, 'C not\\swhat\\sthe\\sZ\\scard\\ssays').replace(/^D .*$/m, 'D 2030-01-01T00:00:00.000'));
    const bad = srv.content.put(forged);
    expect(bad.created).toBe(true);
    const badUuid = srv.content.uuidOf(bad.rid)!;
    const events = (r: Repository) => r.db.prepare('SELECT uuid FROM event JOIN blob ON rid=objid WHERE objid NOT IN (SELECT rid FROM private) ORDER BY uuid').column<string>();
    expect(events(srv)).not.toContain(badUuid);

    const { storage } = recordingStorage(adapter);
    const done = await runClone({ storage, source: recordingSource(serve(srv)).source, verifier: countingVerifiers().make });
    expect(isUnfinishedClone(done.repo)).toBe(false);
    expect(artifacts(done.repo)).toEqual(artifacts(srv));
    expect(events(done.repo)).toEqual(events(srv));
    expect(done.repo.db.value('SELECT count(*) FROM plink WHERE cid=?', done.repo.content.ridOf(badUuid)!)).toBe(0);
  });

  it('rounds committed together: the group stays open across rounds, and an interrupted clone keeps every round before the failure', async () => {
    const srv = await server();
    for (const cloneCommitEveryMs of [0, 60 * 60_000]) {
      const openAtRound: boolean[] = [];
      let target: Repository | undefined;
      const first = recordingStorage(adapter);
      const create = first.storage.create!;
      first.storage.create = async (prepare) => (target = await create(prepare));
      const saved: Array<[number, number]> = [];
      const events = { round: () => void openAtRound.push(target!.db.inTransaction), cloneProgress: (p: CloneProgress) => void saved.push([p.received, p.saved]) };
      const e = await runClone({ storage: first.storage, source: recordingSource(new FailingTransport(serve(srv), 4)).source, verifier: inlineVerifier, options: { cloneCommitEveryMs, events } }).catch((x: unknown) => x);
      expect((e as CloneIncompleteError).reason).toBe('interrupted');
      // Without grouping each round commits by itself; with it, the rounds so far are one open transaction.
      expect(openAtRound).toEqual([1, 2, 3].map(() => cloneCommitEveryMs > 0));
      // What progress calls kept: all that arrived when each round commits, nothing yet while the group is open.
      expect(saved.map(([, kept]) => kept)).toEqual(saved.map(([received]) => (cloneCommitEveryMs > 0 ? 0 : received)));
      expect(saved.at(-1)![0]).toBeGreaterThan(0);
      // The failure committed what arrived before it: the clone is left to resume, not discarded.
      expect(first.calls).toEqual(['create', 'leave']);
      expect(target!.db.inTransaction).toBe(false);
      const kept = artifacts(target!).length;
      expect(kept).toBeGreaterThan(0);
      expect(target!.config.getInt(CLONE_RECEIVED_SETTING, 0)).toBe(kept);

      const done = await runClone({ storage: recordingStorage(adapter, { unfinished: target }).storage, source: recordingSource(serve(srv)).source, verifier: inlineVerifier, options: { cloneCommitEveryMs } });
      expect(done.repo.db.inTransaction).toBe(false);
      expect(isUnfinishedClone(done.repo)).toBe(false);
      expect(artifacts(done.repo)).toEqual(artifacts(srv));
    }
  });

  it('the verifier made while the target is made is closed when the target or the source cannot be had', async () => {
    const srv = await server();
    const noTarget = recordingStorage(adapter);
    noTarget.storage.create = () => Promise.reject(new Error('storage is full'));
    const v1 = countingVerifiers();
    await expect(runClone({ storage: noTarget.storage, source: recordingSource(serve(srv)).source, verifier: v1.make })).rejects.toThrow(/storage is full/);
    expect(v1.n).toEqual({ made: 1, closed: 1 });

    const { source } = recordingSource(serve(srv));
    source.open = () => Promise.reject(new Error('no such hub'));
    const v2 = countingVerifiers();
    const { storage, calls } = recordingStorage(adapter);
    await expect(runClone({ storage, source, verifier: v2.make })).rejects.toThrow(/no such hub/);
    expect(calls).toEqual(['create', 'discard']);
    expect(v2.n).toEqual({ made: 1, closed: 1 });
  });

  it('a refused login is dropped and the clone goes on without it only when the source allows it', async () => {
    const srv = await server();
    // Anonymous may clone here; the login's password is wrong.
    srv.users.setCaps('anonymous', 'gio');
    const wrong = { user: BOB.user, password: 'not-the-password' };
    for (const dropRefusedLogin of [false, true]) {
      const { storage, calls } = recordingStorage(adapter);
      const v = countingVerifiers();
      const run = runClone({ storage, source: recordingSource(serve(srv), { login: wrong, dropRefusedLogin }).source, verifier: v.make });
      if (dropRefusedLogin) {
        const done = await run;
        expect(artifacts(done.repo)).toEqual(artifacts(srv));
        expect(calls).toEqual(['create', 'keep']);
      } else {
        await expect(run).rejects.toThrow(/login failed/);
      }
      expect(v.n.closed).toBe(v.n.made);
    }
  });
});
