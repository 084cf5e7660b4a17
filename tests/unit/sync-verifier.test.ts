// The worker-thread hash verifier a clone uses: every artifact is checked, the ring of shared
// memory wraps many times without losing one, and the first bad artifact is named.
import { describe, expect, it } from 'vitest';
import { hashBytes, isZChecksum, md5Hex } from '../../src/fossil/hash.ts';
import { inlineVerifier } from '../../src/sync/artifact-verifier.ts';
import { workerVerifier } from '../../src/sync/worker-verifier-node.ts';
import { createHashRing, hashRingVerifier } from '../../src/sync/hash-ring.ts';
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The browser hashes through a shared ring (src/sync/hash-ring.ts, run by workers/hash-worker.ts);
// here a Node worker thread runs the same consumer, from the compiled module.
const compiledRing = fileURLToPath(new URL('../../dist/sync/hash-ring.js', import.meta.url));
function sharedRingVerifier() {
  // A small ring and queue, so both wrap many times.
  const ring = createHashRing(4 * 1024 * 1024, 64);
  return hashRingVerifier(ring, startRingConsumer(ring));
}

/** A Node worker thread hashing what the ring holds; returns how to stop it. */
function startRingConsumer(ring: ReturnType<typeof createHashRing>): () => void {
  if (!existsSync(compiledRing)) throw new Error(`${compiledRing} is missing: run npm run build:cli`);
  const source = `
    import { workerData } from 'node:worker_threads';
    import { createHash } from 'node:crypto';
    const { runHashRingConsumer } = await import(${JSON.stringify(pathToFileURL(compiledRing).href)});
    runHashRingConsumer(workerData, (name, bytes) => createHash(name.length === 32 ? 'md5' : name.length > 40 ? 'sha3-256' : 'sha1').update(bytes).digest('hex'));`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`), { workerData: ring });
  return () => void worker.terminate();
}

function artifact(i: number, size: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let k = 0; k < size; k++) b[k] = (k * 31 + i * 7) & 255;
  return b;
}

describe.each([
  ['worker', workerVerifier],
  ['inline', inlineVerifier],
  ['shared ring', sharedRingVerifier],
])('%s verifier', (_name, make) => {
  it('accepts matching content through many wraps of the ring', () => {
    const v = make();
    // 200 artifacts of up to 1.5 MB: about 150 MB, several times the ring.
    for (let i = 0; i < 200; i++) {
      const a = artifact(i, 1 + ((i * 7919) % 1_500_000));
      v.check(i + 1, hashBytes(a, i % 2 ? 'sha1' : 'sha3'), a);
    }
    expect(v.finish()).toBeUndefined();
    v.close();
  });

  it('names the first artifact that does not match', () => {
    const v = make();
    for (let i = 0; i < 50; i++) {
      const a = artifact(i, 10_000 + i);
      const name = hashBytes(a, 'sha3');
      if (i === 20) a[5] = a[5]! ^ 1;
      v.check(i + 1, name, a);
    }
    expect(v.finish()).toBe(hashBytes(artifact(20, 10_020), 'sha3'));
    v.close();
  });

  it("checks a Z card's MD5 (32 hex digits) as it checks names, and says which did not match", () => {
    const v = make();
    for (let i = 0; i < 30; i++) {
      const a = artifact(i, 5_000 + i);
      v.check(i + 1, hashBytes(a, 'sha1'), a);
      const covered = artifact(i + 100, 3_000 + i);
      const checksum = md5Hex(covered);
      if (i === 12) covered[9] = covered[9]! ^ 1;
      v.check(-(i + 1), checksum, covered);
    }
    const bad = md5Hex(artifact(112, 3_012));
    expect(v.finish()).toBe(bad);
    expect(isZChecksum(bad)).toBe(true);
    v.close();
  });
});

describe('shared ring verifier', () => {
  it('hashes on the checking thread, rather than wait, when the ring is full', () => {
    // No consumer yet: the ring fills, and every check after that must still return (it used to
    // wait for room). The bad artifact comes when the ring is full, so only this thread sees it.
    const ring = createHashRing(1024 * 1024, 16);
    let stop: () => void = () => {};
    const v = hashRingVerifier(ring, () => stop());
    const bad = 30;
    expect(v.hasRoomFor!(100_000)).toBe(true);
    for (let i = 0; i < 40; i++) {
      // Ten fit in the ring; after that it has no room, and says so before each check.
      expect(v.hasRoomFor!(100_000 + i)).toBe(i < 10);
      const a = artifact(i, 100_000 + i);
      const name = hashBytes(a, 'sha3');
      if (i === bad) a[7] = a[7]! ^ 1;
      v.check(i + 1, name, a);
    }
    // What the ring holds is hashed by the consumer, which starts only now.
    stop = startRingConsumer(ring);
    expect(v.finish()).toBe(hashBytes(artifact(bad, 100_000 + bad), 'sha3'));
    v.close();
  });
});
