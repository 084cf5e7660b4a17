/**
 * Checking artifacts against their names on another thread, through shared memory only.
 *
 * A clone's final rebuild is synchronous and single-threaded, and hashing everything it expands
 * (gigabytes on a long history) costs about as much as the rest of it. The producer (the rebuild's
 * thread) copies each artifact into a fixed ring of shared bytes and appends a descriptor to a
 * shared queue; the consumer (a worker) hashes in place, compares, and frees the space. No
 * message is posted per artifact, so the consumer never depends on the producer's event loop,
 * which stays blocked for the whole rebuild; waiting on either side uses Atomics.
 *
 * Memory stays flat however much is hashed. An artifact larger than the ring, or one that finds
 * the ring full, is hashed by the producer itself.
 */
import { digestMatches } from '../fossil/hash.ts';
import type { ArtifactVerifier } from './artifact-verifier.ts';

/** Control slots (Int32). */
const USED = 0; // ring bytes in use
const HEAD = 1; // descriptors written
const TAIL = 2; // descriptors hashed
const ENDED = 3; // the producer has no more
const FAILED = 4; // 1 + index of the first artifact whose hash differs (0: none yet)
const CONTROL_SLOTS = 5;
/** Per descriptor: ring offset, length, bytes to free when done (length plus skipped tail), name length. */
const DESC_INTS = 4;
const NAME_BYTES = 64;

export interface HashRing {
  control: SharedArrayBuffer;
  ring: SharedArrayBuffer;
  descriptors: SharedArrayBuffer;
  names: SharedArrayBuffer;
  /** The failing artifact's name, copied out before its slot is reused. */
  failedName: SharedArrayBuffer;
}

/**
 * The ring's default size: every byte of it is written sooner or later, so all of it counts in
 * the peak. 8 MiB holds most large files (the 60k-artifact history's largest are just under
 * 8 MiB) and took a browser clone of that history as long as 32 MiB did, 25 MB smaller.
 */
const RING_BYTES = 8 * 1024 * 1024;

export function createHashRing(ringBytes = RING_BYTES, slots = 4096): HashRing {
  return {
    control: new SharedArrayBuffer(4 * CONTROL_SLOTS),
    ring: new SharedArrayBuffer(ringBytes),
    descriptors: new SharedArrayBuffer(4 * DESC_INTS * slots),
    names: new SharedArrayBuffer(NAME_BYTES * slots),
    failedName: new SharedArrayBuffer(NAME_BYTES),
  };
}

const slotsOf = (r: HashRing) => r.names.byteLength / NAME_BYTES;

function decodeName(bytes: Uint8Array, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/**
 * The producer side as an ArtifactVerifier. `stop` ends the consumer (e.g. terminates its
 * worker) once finished or closed.
 */
export function hashRingVerifier(r: HashRing, stop: () => void): ArtifactVerifier {
  const control = new Int32Array(r.control);
  const ring = new Uint8Array(r.ring);
  const desc = new Int32Array(r.descriptors);
  const names = new Uint8Array(r.names);
  const slots = slotsOf(r);
  let writeAt = 0;
  let failedHere: string | undefined;
  let closed = false;

  const waitWhile = (slot: number, busy: (v: number) => boolean) => {
    for (let v = Atomics.load(control, slot); busy(v); v = Atomics.load(control, slot)) Atomics.wait(control, slot, v, 1000);
  };
  const close = () => {
    if (closed) return;
    closed = true;
    stop();
  };

  // Keep each artifact contiguous: skip the ring's tail when it is too short.
  const paddingFor = (bytes: number) => (writeAt + bytes > ring.length ? ring.length - writeAt : 0);
  const fits = (bytes: number) =>
    bytes <= ring.length &&
    Atomics.load(control, USED) + paddingFor(bytes) + bytes <= ring.length &&
    Atomics.load(control, HEAD) - Atomics.load(control, TAIL) < slots;
  return {
    hasRoomFor: fits,
    check(_rid, uuid, content) {
      const padding = paddingFor(content.length);
      const need = padding + content.length;
      const head = Atomics.load(control, HEAD);
      // Larger than the ring, or no room (the hashing thread is behind): hash it here rather
      // than wait, so both threads hash instead of one waiting for the other.
      if (uuid.length > NAME_BYTES || !fits(content.length)) {
        if (failedHere === undefined && !digestMatches(content, uuid)) failedHere = uuid;
        return;
      }
      if (padding) writeAt = 0;
      ring.set(content, writeAt);
      const i = head % slots;
      desc[i * DESC_INTS] = writeAt;
      desc[i * DESC_INTS + 1] = content.length;
      desc[i * DESC_INTS + 2] = need;
      desc[i * DESC_INTS + 3] = uuid.length;
      for (let k = 0; k < uuid.length; k++) names[i * NAME_BYTES + k] = uuid.charCodeAt(k);
      writeAt += content.length;
      Atomics.add(control, USED, need);
      Atomics.store(control, HEAD, head + 1);
      Atomics.notify(control, HEAD);
    },
    finish() {
      Atomics.store(control, ENDED, 1);
      Atomics.notify(control, HEAD);
      const head = Atomics.load(control, HEAD);
      waitWhile(TAIL, (tail) => tail < head);
      const failed = Atomics.load(control, FAILED);
      const name = failed === 0 ? undefined : decodeName(new Uint8Array(r.failedName), NAME_BYTES).replace(/\0+$/, '');
      close();
      return failedHere ?? name;
    },
    close,
  };
}

/**
 * The consumer side: hash each artifact the producer queues until it has ended. Blocks its
 * thread (run it in a worker). `hash(name, bytes)` returns the hex digest of the algorithm the
 * name's length implies (digestFor).
 */
export function runHashRingConsumer(r: HashRing, hash: (name: string, bytes: Uint8Array) => string): void {
  const control = new Int32Array(r.control);
  const desc = new Int32Array(r.descriptors);
  const names = new Uint8Array(r.names);
  const slots = slotsOf(r);
  for (let tail = Atomics.load(control, TAIL); ; ) {
    const head = Atomics.load(control, HEAD);
    if (tail === head) {
      if (Atomics.load(control, ENDED) === 1 && Atomics.load(control, HEAD) === tail) return;
      Atomics.wait(control, HEAD, head, 1000);
      continue;
    }
    const i = tail % slots;
    const offset = desc[i * DESC_INTS]!;
    const length = desc[i * DESC_INTS + 1]!;
    const freed = desc[i * DESC_INTS + 2]!;
    const nameBytes = names.subarray(i * NAME_BYTES, i * NAME_BYTES + desc[i * DESC_INTS + 3]!);
    const name = decodeName(nameBytes, nameBytes.length);
    if (Atomics.load(control, FAILED) === 0 && hash(name, new Uint8Array(r.ring, offset, length)) !== name) {
      new Uint8Array(r.failedName).set(nameBytes);
      Atomics.store(control, FAILED, tail + 1);
    }
    Atomics.sub(control, USED, freed);
    Atomics.notify(control, USED);
    Atomics.store(control, TAIL, ++tail);
    Atomics.notify(control, TAIL);
  }
}
