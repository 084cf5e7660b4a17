// The linker a fresh clone crosslinks with while it arrives (src/sync/clone-linker.ts), on both
// Db adapters: it expands every artifact of a delta tree, checks each against its name, and holds
// few expanded artifacts at once however the tree branches. The tree here is a caterpillar: a
// long chain of versions with a short side branch off every one, the side branches stored after
// the chain (higher rids). Walking children in rid order would descend the chain first and keep
// every chain version alive for its side branch; smallest subtree first keeps one or two.
import { expect, it } from 'vitest';
import { forEachAdapter } from '../helpers/dbs.ts';
import { Repository } from '../../src/repo/repository.ts';
import { CloneLinker } from '../../src/sync/clone-linker.ts';
import { inlineVerifier } from '../../src/sync/artifact-verifier.ts';
import { recordingVerifier } from '../helpers/recording-verifier.ts';
import { editText, randomText, rng } from '../helpers/edits.ts';
import { BufferPool } from '../../src/repo/buffer-pool.ts';
import { rebuild, settleLinkedRepository } from '../../src/repo/rebuild.ts';
import { TagId } from '../../src/repo/schema.ts';
import { differingTables, dumpDerivedTablesOf } from '../helpers/derived-tables.ts';
import { commit, targetRepo } from '../hostile/fixture.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const CHAIN = 40;

forEachAdapter((adapter) => {
  async function caterpillar() {
    const repo = Repository.create(await adapter.open(), { adminUser: 'alice' });
    const r = rng(11);
    const chainTexts = [randomText(r, 60)];
    for (let i = 1; i < CHAIN; i++) chainTexts.push(editText(r, chainTexts[i - 1]!, 2));
    const chain = chainTexts.map((t) => repo.content.put(enc(t)).rid);
    const side = chainTexts.map((t) => repo.content.put(enc(editText(r, t, 2))).rid);
    const sideChild = side.map((rid) => repo.content.put(enc(editText(r, new TextDecoder().decode(repo.content.get(rid)), 2))).rid);
    for (let i = 1; i < CHAIN; i++) expect(repo.content.deltify(chain[i]!, chain[i - 1]!, { force: true })).toBeGreaterThan(0);
    for (let i = 0; i < CHAIN; i++) {
      expect(repo.content.deltify(side[i]!, chain[i]!, { force: true })).toBeGreaterThan(0);
      expect(repo.content.deltify(sideChild[i]!, side[i]!, { force: true })).toBeGreaterThan(0);
    }
    repo.content.clearCache();
    return { repo, all: [...chain, ...side, ...sideChild] };
  }

  it('expands and checks every artifact of a branching delta tree, holding at most two at once', async () => {
    const { repo, all } = await caterpillar();
    const { verifier, checked } = recordingVerifier();
    const linker = new CloneLinker(repo, verifier);
    await linker.finish();
    expect(linker.complete).toBe(true);
    expect(verifier.finish()).toBeUndefined();
    for (const rid of all) expect(checked.get(rid), `rid ${rid}`).toBe(true);
    expect(linker.peakHeld).toBeGreaterThan(0);
    expect(linker.peakHeld).toBeLessThanOrEqual(2);
  });

  it('finishes a tree whose walk spans many slices the same way', async () => {
    const { repo, all } = await caterpillar();
    const linker = new CloneLinker(repo, inlineVerifier());
    // One artifact per slice: every slice commits and starts a new crosslink session.
    let slices = 0;
    await linker.runWhile(() => ++slices < 10_000, 0);
    expect(slices).toBeGreaterThan(10);
    await linker.finish();
    expect(linker.complete).toBe(true);
    expect(linker.progress.linked).toBe(repo.db.value<number>('SELECT count(*) FROM blob WHERE size>=0'));
    expect(linker.progress.linked).toBeGreaterThanOrEqual(all.length);
    expect(linker.peakHeld).toBeLessThanOrEqual(2);
  });

  /**
   * A page's requests, as the browser's worker answers them while the linker finishes: a timer
   * notes the progress each time it gets a turn. `stop` says whether it saw the work half done.
   */
  function watchProgress(repo: Repository, linker: CloneLinker) {
    const total = repo.db.value<number>('SELECT count(*) FROM blob WHERE size>=0')!;
    const seen: number[] = [];
    const ticker = setInterval(() => seen.push(linker.progress.linked), 0);
    return {
      stop() {
        clearInterval(ticker);
        expect(seen.some((n) => n > 0 && n < total), `progress seen meanwhile: ${seen.join(',')}`).toBe(true);
      },
    };
  }

  it('lets other work run while it finishes, and keeps other writers out of its open transaction', async () => {
    const { repo } = await caterpillar();
    const linker = new CloneLinker(repo, inlineVerifier());
    const watch = watchProgress(repo, linker);
    // One artifact per slice, and one transaction for all of them.
    const finishing = linker.finish(0, Number.POSITIVE_INFINITY);
    // A writer that comes meanwhile waits for the lock: it never runs inside that transaction.
    let writerSaw: { inTransaction: boolean; complete: boolean } | undefined;
    const writer = repo.writeLock.run(() => {
      writerSaw = { inTransaction: repo.db.inTransaction, complete: linker.complete };
    });
    await finishing;
    watch.stop();
    await writer;
    expect(linker.complete).toBe(true);
    expect(writerSaw).toEqual({ inTransaction: false, complete: true });
  });

  it('lets other work run between slices that each commit', async () => {
    const { repo } = await caterpillar();
    const linker = new CloneLinker(repo, inlineVerifier());
    const watch = watchProgress(repo, linker);
    await linker.finish(0, 0);
    watch.stop();
    expect(linker.complete).toBe(true);
  });

  it('walks other trees meanwhile when the hashing thread has no room for the next artifact, and hashes it here when nothing else fits', async () => {
    const repo = Repository.create(await adapter.open(), { adminUser: 'alice' });
    const r = rng(5);
    // Two delta trees: versions of a large file (stored first), then of a small one.
    const chain = (bytes: number) => {
      const texts = [randomText(r, bytes / 60)];
      for (let i = 1; i < 6; i++) texts.push(editText(r, texts[i - 1]!, 3));
      const rids = texts.map((t) => repo.content.put(enc(t)).rid);
      for (let i = 1; i < rids.length; i++) expect(repo.content.deltify(rids[i]!, rids[i - 1]!, { force: true })).toBeGreaterThan(0);
      return rids;
    };
    const large = chain(120_000);
    const small = chain(3_000);
    repo.content.clearCache();
    const order: number[] = [];
    const { verifier, checked } = recordingVerifier();
    // A hashing thread whose ring never has room for a large version.
    const threaded = { ...verifier, hasRoomFor: (bytes: number) => bytes < 50_000, check: (rid: number, uuid: string, c: Uint8Array) => (order.push(rid), verifier.check(rid, uuid, c)) };
    const linker = new CloneLinker(repo, threaded);
    await linker.finish();
    expect(linker.complete).toBe(true);
    expect(verifier.finish()).toBeUndefined();
    for (const rid of [...large, ...small]) expect(checked.get(rid), `rid ${rid}`).toBe(true);
    const ours = new Set([...large, ...small]);
    const artifacts = order.filter((rid) => ours.has(rid));
    // The large tree came first, but the small one was walked while the large one waited for room,
    // and the large one was hashed here once nothing else fit.
    const byRid = (a: number, b: number) => a - b;
    expect(artifacts.slice(0, small.length).sort(byRid)).toEqual([...small].sort(byRid));
    expect(artifacts.slice(small.length).sort(byRid)).toEqual([...large].sort(byRid));
  });

  it("gives manifests' buffers back to its pool once nothing can read them, and links as a rebuild does", async () => {
    // Check-ins of a tree of 800 files: each manifest is about 75 KB, large enough to be pooled,
    // and stored (as fossil does) as a delta of its child's.
    const server = await targetRepo(adapter);
    const files: Record<string, string> = {};
    for (let i = 0; i < 800; i++) files[`src/part-${String(i % 40).padStart(2, '0')}/file-${String(i).padStart(4, '0')}.txt`] = `file ${i}\n`;
    commit(server, files, 'the tree');
    const checkins = 50;
    for (let i = 0; i < checkins; i++) commit(server, { [`src/part-00/file-${String(i % 7).padStart(4, '0')}.txt`]: `version ${i}\n` }, `change ${i}`);
    const manifests = server.db.prepare("SELECT objid FROM event WHERE type='ci' ORDER BY mtime").column<number>();
    for (let i = 0; i + 1 < manifests.length; i++) server.content.deltify(manifests[i]!, manifests[i + 1]!, { force: true });
    // The same artifacts in two fresh repositories: one linked by the clone's linker, one rebuilt.
    const bare = async () => {
      const r = Repository.create(await adapter.open(), { date: null, adminUser: 'alice' });
      r.db.transaction(() => {
        for (const b of server.db.all<{ rid: number; uuid: string; size: number; content: Uint8Array }>('SELECT rid, uuid, size, content FROM blob WHERE rid NOT IN (SELECT rid FROM private) ORDER BY rid')) {
          r.db.run('INSERT INTO blob(rid, rcvid, size, uuid, content) VALUES(?, 0, ?, ?, ?)', b.rid, b.size, b.uuid, b.content);
        }
        r.db.exec('DELETE FROM delta');
        for (const d of server.db.all<{ rid: number; srcid: number }>('SELECT rid, srcid FROM delta WHERE rid NOT IN (SELECT rid FROM private)')) r.db.run('INSERT INTO delta VALUES(?, ?)', d.rid, d.srcid);
      });
      return r;
    };
    const linked = await bare();
    expect(linked.db.value<number>("SELECT count(*) FROM delta JOIN blob USING(rid) WHERE size > 65536")).toBeGreaterThan(checkins / 2);
    const pool = new BufferPool();
    const linker = new CloneLinker(linked, inlineVerifier(), pool);
    await linker.finish(0, 0);
    expect(linker.complete).toBe(true);
    linker.renumberTags(Math.max(...Object.values(TagId)) + 1);
    linker.settleLeaves();
    settleLinkedRepository(linked);
    // Kept, each of the 50 manifests would have needed a buffer of its own.
    expect(pool.buffersMade).toBeLessThan(checkins / 2);
    const rebuilt = await bare();
    rebuild(rebuilt);
    // (A clone marks what is unclustered itself, after the linking.)
    const a = dumpDerivedTablesOf(linked.db, { omit: ['unclustered'] });
    const b = dumpDerivedTablesOf(rebuilt.db, { omit: ['unclustered'] });
    expect(differingTables(a, b)).toEqual([]);
    expect(a.mlink!.length).toBeGreaterThan(checkins);
  });
});

