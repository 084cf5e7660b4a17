/**
 * An ArtifactVerifier that hashes in a Node worker thread, so a clone's final rebuild
 * (single-threaded crosslinking) and hashing every artifact run side by side.
 *
 * Content goes through a fixed ring of shared memory, so nothing is allocated per artifact and
 * memory stays flat however much is hashed: the main thread copies an artifact into free space
 * and posts where it is; the worker hashes it in place and gives the space back. The rebuild is
 * synchronous, so waiting for the end uses Atomics, not messages. An artifact larger than the
 * ring, or one that comes while the ring is full, is hashed on the main thread.
 */
import { Worker } from 'node:worker_threads';
import { digestMatches } from '../fossil/hash.ts';
import type { ArtifactVerifier } from './artifact-verifier.ts';

/**
 * Big enough that the hashing thread rarely starves, and that most large files fit (the
 * 60k-artifact history's largest are just under 8 MiB); larger only adds to the peak, as every
 * byte of the ring is written sooner or later. (16 MiB cost 8 MB more at the peak of that
 * clone, for no time saved.)
 */
const RING_BYTES = 8 * 1024 * 1024;
/** Shared control slots: ring bytes in use, all done, rid of the first failure. */
const USED = 0;
const DONE = 1;
const FAILED_RID = 2;

// The worker needs nothing from this code base: node:crypto hashes, names pick the algorithm
// (as digestFor does: a Z card's 32-digit MD5, a 40-digit SHA1, a 64-digit SHA3-256).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const state = new Int32Array(workerData.control);
const ring = workerData.ring;
parentPort.on('message', (m) => {
  if (m.end) {
    Atomics.store(state, ${DONE}, 1);
    Atomics.notify(state, ${DONE});
    return;
  }
  const bytes = new Uint8Array(ring, m.offset, m.length);
  const hash = createHash(m.uuid.length === 32 ? 'md5' : m.uuid.length === 40 ? 'sha1' : 'sha3-256').update(bytes).digest('hex');
  if (hash !== m.uuid && Atomics.load(state, ${FAILED_RID}) === 0) Atomics.store(state, ${FAILED_RID}, m.rid);
  Atomics.sub(state, ${USED}, m.freed);
  Atomics.notify(state, ${USED});
});
`;

export function workerVerifier(): ArtifactVerifier {
  const control = new SharedArrayBuffer(4 * 4);
  const ring = new SharedArrayBuffer(RING_BYTES);
  const state = new Int32Array(control);
  const ringBytes = new Uint8Array(ring);
  // Its own heap only ever holds a message and a hash at a time: a small young generation
  // (instead of the main thread's) is plenty and keeps the thread's memory small.
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { control, ring }, resourceLimits: { maxYoungGenerationSizeMb: 2 } });
  worker.unref();
  const uuids = new Map<number, string>();
  let writeAt = 0;
  let failedHere: string | undefined;
  let closed = false;

  const close = () => {
    if (closed) return;
    closed = true;
    void worker.terminate();
  };

  // Keep each artifact contiguous: skip the ring's tail when it is too short.
  const paddingFor = (bytes: number) => (writeAt + bytes > RING_BYTES ? RING_BYTES - writeAt : 0);
  const fits = (bytes: number) => bytes <= RING_BYTES && Atomics.load(state, USED) + paddingFor(bytes) + bytes <= RING_BYTES;

  return {
    hasRoomFor: fits,
    check(rid, uuid, content) {
      const padding = paddingFor(content.length);
      // Larger than the ring, or the ring is full (the hashing thread is behind): hash it here
      // rather than wait, so both cores hash instead of one waiting for the other.
      if (!fits(content.length)) {
        if (failedHere === undefined && !digestMatches(content, uuid)) failedHere = uuid;
        return;
      }
      if (padding) writeAt = 0;
      ringBytes.set(content, writeAt);
      Atomics.add(state, USED, padding + content.length);
      uuids.set(rid, uuid);
      worker.postMessage({ rid, uuid, offset: writeAt, length: content.length, freed: padding + content.length });
      writeAt += content.length;
    },
    finish() {
      worker.postMessage({ end: true });
      while (Atomics.load(state, DONE) === 0) Atomics.wait(state, DONE, 0, 1000);
      const rid = Atomics.load(state, FAILED_RID);
      close();
      return failedHere ?? (rid === 0 ? undefined : (uuids.get(rid) ?? `rid ${rid}`));
    },
    close,
  };
}
