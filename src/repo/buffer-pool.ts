/**
 * Buffers for expanded file content, reused while a walk of the delta trees (a rebuild, a clone's
 * linking) expands every version of every file once.
 *
 * A fresh multi-megabyte buffer for each version costs more than applying the delta into it:
 * the memory comes new from the system every time (Chromium maps each large ArrayBuffer on its
 * own), so each of its pages faults in and is zeroed, and the old one waits for the collector.
 * Writing 7 MB into a fresh buffer took 20 ms in a Chromium worker and 4 ms in Node; into a
 * reused one, 0.2 ms in both. On a large repository that was a quarter of a browser clone.
 *
 * Small buffers are no exception in Chromium: a fresh 4 KB one, written once, cost 5-7 ns a byte
 * in a worker (30 us each), a reused one 0.05; in Node 1.2 against 0.04. Most versions of most
 * files are that small, so they are pooled too, by size class.
 *
 * The pool only ever hands out and takes back buffers it made itself, and only whoever took a
 * buffer gives it back, once nothing refers to its bytes any more.
 */

/** Below this a fresh array costs about what the pool's bookkeeping would. */
const MIN_POOLED = 512;
/**
 * Up to this size a buffer's size is one of a few classes (four per power of two, so under a
 * quarter is wasted), kept in a list per class: found at once, however many are idle.
 */
const SMALL_MAX = 64 * 1024;
/** Idle bytes kept per small class (at least MIN_PER_CLASS buffers): a walk reuses few at a time. */
const CLASS_BYTES = 256 * 1024;
const MIN_PER_CLASS = 4;
/** Larger buffers are made in steps of this, so a file's versions of about the same size share them. */
const GRAIN = 64 * 1024;

/** The size class of a small buffer: size rounded up to an eighth of the next power of two. */
function smallClass(size: number): number {
  const step = Math.max(64, 2 ** Math.ceil(Math.log2(size)) / 8);
  return Math.ceil(size / step) * step;
}

export class BufferPool {
  /** Idle buffers larger than SMALL_MAX, oldest first. */
  private readonly free: ArrayBuffer[] = [];
  private freeBytes = 0;
  /** Idle small buffers by class (their byteLength). */
  private readonly small = new Map<number, ArrayBuffer[]>();
  private smallBytes = 0;
  /** Every buffer this pool made (given back or not): nothing else is ever taken in. */
  private readonly made = new WeakSet<ArrayBuffer>();
  private readonly idle = new WeakSet<ArrayBuffer>();
  private madeCount = 0;

  /**
   * maxFreeBytes: how much given-back memory larger than SMALL_MAX is kept for reuse; past it the
   * oldest goes. Small classes keep at most CLASS_BYTES each.
   */
  constructor(private readonly maxFreeBytes = 16 * 1024 * 1024) {}

  /**
   * A view of exactly size bytes (their contents are whatever was there): in a buffer given back
   * earlier when one fits without wasting more than size again, else in a new one.
   */
  take(size: number): Uint8Array {
    if (size < MIN_POOLED) return new Uint8Array(size);
    if (size <= SMALL_MAX) {
      const cls = smallClass(size);
      const buffer = this.small.get(cls)?.pop();
      if (buffer === undefined) return this.make(cls, size);
      this.smallBytes -= cls;
      this.idle.delete(buffer);
      return new Uint8Array(buffer, 0, size);
    }
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const n = this.free[i]!.byteLength;
      if (n >= size && n <= 2 * size + GRAIN && (best < 0 || n < this.free[best]!.byteLength)) best = i;
    }
    if (best >= 0) {
      const buffer = this.free.splice(best, 1)[0]!;
      this.freeBytes -= buffer.byteLength;
      this.idle.delete(buffer);
      return new Uint8Array(buffer, 0, size);
    }
    return this.make(Math.ceil(size / GRAIN) * GRAIN, size);
  }

  private make(bytes: number, size: number): Uint8Array {
    const buffer = new ArrayBuffer(bytes);
    this.made.add(buffer);
    this.madeCount++;
    return new Uint8Array(buffer, 0, size);
  }

  /** take, as a function to hand to whoever makes the buffer (Platform.inflate). */
  readonly taker = (size: number): Uint8Array => this.take(size);

  /**
   * Give back bytes taken from this pool: the caller promises nothing will read them again.
   * Bytes the pool did not make, and a buffer already given back, are ignored.
   */
  give(bytes: Uint8Array): void {
    const buffer = bytes.buffer;
    if (!(buffer instanceof ArrayBuffer) || !this.made.has(buffer) || this.idle.has(buffer)) return;
    const n = buffer.byteLength;
    if (n <= SMALL_MAX) {
      let list = this.small.get(n);
      if (!list) this.small.set(n, (list = []));
      // A full class lets it go (to the collector).
      if (list.length >= MIN_PER_CLASS && (list.length + 1) * n > CLASS_BYTES) return;
      list.push(buffer);
      this.idle.add(buffer);
      this.smallBytes += n;
      return;
    }
    this.idle.add(buffer);
    this.free.push(buffer);
    this.freeBytes += buffer.byteLength;
    while (this.freeBytes > this.maxFreeBytes) {
      const oldest = this.free.shift()!;
      this.idle.delete(oldest);
      this.freeBytes -= oldest.byteLength;
    }
  }

  /** Memory given back and kept for reuse (for tests and diagnostics). */
  get idleBytes(): number {
    return this.freeBytes + this.smallBytes;
  }

  /** How many buffers the pool has made: few, however many versions went through them. */
  get buffersMade(): number {
    return this.madeCount;
  }
}
