// Reused buffers for expanded file content (src/repo/buffer-pool.ts). The pool itself: it hands
// back only what it made, in buffers that fit. And the walks that use it, on both Db adapters: a
// rebuild, a full check and a clone's linker expand a branching tree of large file versions with
// a handful of buffers, and every version still matches its name. A buffer given back while a
// delta still had to be applied to it would break the next version's checksum.
import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../src/repo/buffer-pool.ts';
import { forEachAdapter } from '../helpers/dbs.ts';
import { Repository } from '../../src/repo/repository.ts';
import { loadRepositoryBlobs, walkDeltaTrees } from '../../src/repo/delta-tree-walk.ts';
import { verifyRepo } from '../../src/repo/verify.ts';
import { rebuild } from '../../src/repo/rebuild.ts';
import { CloneLinker } from '../../src/sync/clone-linker.ts';
import { recordingVerifier } from '../helpers/recording-verifier.ts';
import { verifyHash } from '../../src/fossil/hash.ts';
import { editText, randomText, rng } from '../helpers/edits.ts';

describe('BufferPool', () => {
  it('reuses a buffer given back, for a size that fits', () => {
    const pool = new BufferPool();
    const a = pool.take(300_000);
    expect(a.length).toBe(300_000);
    pool.give(a);
    const b = pool.take(250_000);
    expect(b.buffer).toBe(a.buffer);
    expect(b.length).toBe(250_000);
    // Taken again: not handed out twice.
    expect(pool.take(250_000).buffer).not.toBe(a.buffer);
    expect(pool.buffersMade).toBe(2);
  });

  it('does not hand a large buffer out for a much smaller size, nor a small one for a larger', () => {
    const pool = new BufferPool();
    const big = pool.take(4_000_000);
    pool.give(big);
    expect(pool.take(200_000).buffer).not.toBe(big.buffer);
    expect(pool.take(4_100_000).buffer).not.toBe(big.buffer);
    expect(pool.take(3_000_000).buffer).toBe(big.buffer);
  });

  it('takes in only its own buffers, once each, and keeps a bounded amount', () => {
    const pool = new BufferPool(1_000_000);
    const foreign = new Uint8Array(500_000);
    pool.give(foreign);
    expect(pool.idleBytes).toBe(0);
    const a = pool.take(400_000);
    pool.give(a);
    pool.give(a);
    const kept = pool.idleBytes;
    expect(kept).toBeGreaterThanOrEqual(400_000);
    expect(pool.take(400_000).buffer).toBe(a.buffer);
    expect(pool.take(400_000).buffer).not.toBe(a.buffer);
    // Past the bound the oldest buffers go.
    const many = [pool.take(400_000), pool.take(400_000), pool.take(400_000)];
    for (const m of many) pool.give(m);
    expect(pool.idleBytes).toBeLessThanOrEqual(1_000_000);
    expect(pool.idleBytes).toBeGreaterThan(0);
  });

  it('makes tiny arrays directly', () => {
    const pool = new BufferPool();
    const tiny = pool.take(300);
    pool.give(tiny);
    expect(pool.idleBytes).toBe(0);
    expect(pool.buffersMade).toBe(0);
  });

  it('reuses small buffers by size class, and keeps a bounded number of each', () => {
    const pool = new BufferPool();
    const a = pool.take(5000);
    expect(a.length).toBe(5000);
    // Its class holds sizes a little larger (under a quarter more) and a little smaller.
    expect(a.buffer.byteLength).toBeGreaterThanOrEqual(5000);
    expect(a.buffer.byteLength).toBeLessThan(5000 * 1.25);
    pool.give(a);
    expect(pool.idleBytes).toBe(a.buffer.byteLength);
    const b = pool.take(a.buffer.byteLength);
    expect(b.buffer).toBe(a.buffer);
    expect(pool.idleBytes).toBe(0);
    // Another class is not served from this one.
    pool.give(b);
    expect(pool.take(2000).buffer).not.toBe(a.buffer);
    expect(pool.take(9000).buffer).not.toBe(a.buffer);
    // A walk giving back thousands of one size keeps a few hundred kilobytes of them.
    const many = Array.from({ length: 2000 }, () => pool.take(1000));
    for (const m of many) pool.give(m);
    expect(pool.idleBytes).toBeLessThanOrEqual(512 * 1024);
    const again = pool.take(1000);
    expect(many.some((m) => m.buffer === again.buffer)).toBe(true);
  });
});

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
/** Versions in the chain; each has a side branch of two more. About 100 KB each. */
const CHAIN = 24;
const LINES = 4000;

forEachAdapter((adapter) => {
  /** A chain of large file versions with a two-deep side branch off each: three children per branch point. */
  async function largeTree() {
    const repo = Repository.create(await adapter.open(), { adminUser: 'alice' });
    const r = rng(5);
    const texts = [randomText(r, LINES)];
    for (let i = 1; i < CHAIN; i++) texts.push(editText(r, texts[i - 1]!, 3));
    const chain = texts.map((t) => repo.content.put(enc(t)).rid);
    const side = texts.map((t) => repo.content.put(enc(editText(r, t, 3))).rid);
    const sideChild = side.map((rid) => repo.content.put(enc(editText(r, dec(repo.content.get(rid)), 3))).rid);
    for (let i = 1; i < CHAIN; i++) expect(repo.content.deltify(chain[i]!, chain[i - 1]!, { force: true })).toBeGreaterThan(0);
    for (let i = 0; i < CHAIN; i++) {
      expect(repo.content.deltify(side[i]!, chain[i]!, { force: true })).toBeGreaterThan(0);
      expect(repo.content.deltify(sideChild[i]!, side[i]!, { force: true })).toBeGreaterThan(0);
    }
    repo.content.clearCache();
    const all = [...chain, ...side, ...sideChild];
    expect(repo.content.get(all[0]!).length).toBeGreaterThan(64 * 1024);
    return { repo, all };
  }

  it('walks a tree of large versions through a few reused buffers, every version matching its name', async () => {
    const { repo, all } = await largeTree();
    const pool = new BufferPool();
    const hashed = new Map<number, boolean>();
    const visited = walkDeltaTrees(repo.db, loadRepositoryBlobs(repo.db), (blob, content) => {
      hashed.set(blob.rid, verifyHash(content, blob.uuid));
    }, { buffers: pool, onError: (blob, e) => hashed.set(blob.rid, (void e, false)) });
    for (const rid of all) {
      expect(visited.has(rid), `rid ${rid}`).toBe(true);
      expect(hashed.get(rid), `rid ${rid}`).toBe(true);
    }
    // Fossil's order descends the chain first and holds each version until its side branch is
    // done, so about one buffer per chain version, and none for the side branches.
    expect(pool.buffersMade).toBeGreaterThan(0);
    expect(pool.buffersMade).toBeLessThanOrEqual(CHAIN + 2);
  });

  it('a full check and a rebuild of the same tree find every version sound', async () => {
    const { repo } = await largeTree();
    expect(verifyRepo(repo).problems).toEqual([]);
    const checked: boolean[] = [];
    rebuild(repo, { onContent: (_rid, uuid, content) => checked.push(verifyHash(content, uuid)) });
    expect(checked.length).toBe(repo.db.value<number>('SELECT count(*) FROM blob WHERE size>=0'));
    expect(checked.every(Boolean)).toBe(true);
  });

  it("a clone's linker checks every large version with a few buffers", async () => {
    const { repo, all } = await largeTree();
    const { verifier, checked } = recordingVerifier();
    const pool = new BufferPool();
    const linker = new CloneLinker(repo, verifier, pool);
    // One artifact per slice: frames holding a source live across slices.
    let slices = 0;
    await linker.runWhile(() => ++slices < 10_000, 0);
    await linker.finish();
    expect(linker.complete).toBe(true);
    expect(verifier.finish()).toBeUndefined();
    for (const rid of all) expect(checked.get(rid), `rid ${rid}`).toBe(true);
    expect(pool.buffersMade).toBeGreaterThan(0);
    expect(pool.buffersMade).toBeLessThanOrEqual(4);
  });
});
