/**
 * Writes to browser storage gathered into larger ones. SQLite writes one 4 KiB page per call,
 * and each write to an OPFS sync access handle has a fixed cost, larger still when the file
 * grows (in Chromium a 4 KiB write that extends the file took about as long as a 256 KiB one):
 * a commit of a few thousand new pages (a clone's round, the search index) spent most of its
 * time in those calls. A commit writes its pages in order of their place in the file, so each
 * write here that continues the one before it is kept and written with it, in one call, up to
 * WRITE_BEHIND_BYTES.
 *
 * What is held back is always the tail of everything written, in order: one handle at a time
 * holds writes back, and anything else (a write elsewhere or on another handle, a read, a size,
 * a truncation, a flush, a close) writes them out first. So if the worker dies, the file holds
 * what it would hold had it died a moment earlier, which SQLite's journal is made to recover
 * from; and a failure to write shows at the next call, before anything written after it.
 */
import type { SyncHandle } from './read-ahead.ts';

export const WRITE_BEHIND_BYTES = 256 * 1024;

/** The handle holding writes back, if any (only one at a time: see above). */
let holding: WriteBehindHandle | undefined;

/** Write out whatever any handle holds back. */
export function writeOutHeldBack(): void {
  holding?.writeOut();
}

const bytesOf = (v: ArrayBufferView) => (v instanceof Uint8Array ? v : new Uint8Array(v.buffer, v.byteOffset, v.byteLength));

export class WriteBehindHandle implements SyncHandle {
  /** Made at the first write held back (the pool keeps handles open that are never written). */
  private buffer: Uint8Array | undefined;
  /** Where the held bytes go in the file, and how many there are. */
  private at = 0;
  private held = 0;

  constructor(
    private readonly inner: SyncHandle,
    private readonly limit = WRITE_BEHIND_BYTES,
  ) {}

  write(view: ArrayBufferView, options?: { at?: number }): number {
    const bytes = bytesOf(view);
    const at = options?.at;
    const continues = holding === this && at === this.at + this.held && this.held + bytes.length <= this.limit;
    if (!continues) writeOutHeldBack();
    // Writes at the handle's cursor, and ones too large to hold, go straight through.
    if (at === undefined || bytes.length > this.limit) return this.inner.write(view, options);
    if (!continues) this.at = at;
    (this.buffer ??= new Uint8Array(this.limit)).set(bytes, this.held);
    this.held += bytes.length;
    holding = this;
    return bytes.length;
  }

  /** Write what this handle holds back. Nothing is held after, whether or not it could be written. */
  writeOut(): void {
    if (holding === this) holding = undefined;
    const n = this.held;
    this.held = 0;
    if (n === 0) return;
    const written = this.inner.write(this.buffer!.subarray(0, n), { at: this.at });
    if (written !== n) throw new Error(`storage took ${written} of ${n} bytes written at ${this.at}`);
  }

  read(view: ArrayBufferView, options?: { at?: number }): number {
    writeOutHeldBack();
    return this.inner.read(view, options);
  }

  truncate(size: number): void {
    writeOutHeldBack();
    this.inner.truncate(size);
  }

  getSize(): number {
    writeOutHeldBack();
    return this.inner.getSize();
  }

  flush(): void {
    writeOutHeldBack();
    this.inner.flush();
  }

  close(): void {
    try {
      writeOutHeldBack();
    } finally {
      this.inner.close();
    }
  }
}
