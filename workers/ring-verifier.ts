/**
 * The clone verifier of the browser: hashing on a second thread (workers/hash-worker.ts) through
 * shared memory, so hashing and the rebuild's expanding and crosslinking run side by side.
 * Without cross-origin isolation (no SharedArrayBuffer) it hashes on the spot.
 */
import { inlineVerifier, type ArtifactVerifier } from '../src/sync/artifact-verifier.ts';
import { createHashRing, hashRingVerifier } from '../src/sync/hash-ring.ts';

export async function ringVerifier(): Promise<ArtifactVerifier> {
  if (!globalThis.crossOriginIsolated || typeof SharedArrayBuffer === 'undefined') return inlineVerifier();
  const worker = new Worker(new URL('./hash-worker.ts', import.meta.url), { type: 'module', name: 'edgesync-hash' });
  const ring = createHashRing();
  try {
    // The rebuild blocks this thread, so the helper must be running before it starts.
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('hash worker did not start')), 10_000);
      worker.onmessage = (e) => e.data === 'ready' && (clearTimeout(t), resolve());
      worker.onerror = (e) => (clearTimeout(t), reject(new Error(e.message)));
      worker.postMessage(ring);
    });
  } catch {
    worker.terminate();
    return inlineVerifier();
  }
  return hashRingVerifier(ring, () => worker.terminate());
}
