/**
 * An ArtifactVerifier that hashes in a Node worker thread, so a clone's final rebuild
 * (single-threaded crosslinking) and hashing every artifact run side by side. The rebuild is
 * synchronous, so flow control and the final wait use Atomics on shared memory rather than
 * messages: the main thread blocks once more than MAX_PENDING bytes wait to be hashed.
 */
import { Worker } from 'node:worker_threads';
import type { ArtifactVerifier } from './artifact-verifier.ts';

const MAX_PENDING = 48 * 1024 * 1024;
/** Shared slots: bytes waiting, all done, rid of the first failure. */
const PENDING = 0;
const DONE = 1;
const FAILED_RID = 2;

// The worker needs nothing from this code base: node:crypto hashes, names pick the algorithm.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const state = new Int32Array(workerData.shared);
parentPort.on('message', (m) => {
  if (m.end) {
    Atomics.store(state, ${DONE}, 1);
    Atomics.notify(state, ${DONE});
    return;
  }
  const bytes = new Uint8Array(m.buffer);
  const hash = createHash(m.uuid.length === 40 ? 'sha1' : 'sha3-256').update(bytes).digest('hex');
  if (hash !== m.uuid && Atomics.load(state, ${FAILED_RID}) === 0) Atomics.store(state, ${FAILED_RID}, m.rid);
  Atomics.sub(state, ${PENDING}, bytes.length);
  Atomics.notify(state, ${PENDING});
});
`;

export function workerVerifier(): ArtifactVerifier {
  const shared = new SharedArrayBuffer(4 * 4);
  const state = new Int32Array(shared);
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { shared } });
  worker.unref();
  const uuids = new Map<number, string>();
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    void worker.terminate();
  };
  return {
    check(rid, uuid, content) {
      for (let pending = Atomics.load(state, PENDING); pending > MAX_PENDING; pending = Atomics.load(state, PENDING)) {
        Atomics.wait(state, PENDING, pending, 1000);
      }
      uuids.set(rid, uuid);
      // One copy, whose buffer then moves to the worker: the original stays with the rebuild,
      // which still needs it as the source of deltas.
      const copy = content.slice();
      Atomics.add(state, PENDING, copy.length);
      worker.postMessage({ rid, uuid, buffer: copy.buffer }, [copy.buffer]);
    },
    finish() {
      worker.postMessage({ end: true });
      while (Atomics.load(state, DONE) === 0) Atomics.wait(state, DONE, 0, 1000);
      const rid = Atomics.load(state, FAILED_RID);
      close();
      return rid === 0 ? undefined : (uuids.get(rid) ?? `rid ${rid}`);
    },
    close,
  };
}
