/**
 * Reads from browser storage a block at a time. SQLite asks its VFS for one 4 KiB page per read,
 * and each read of an OPFS sync access handle has a fixed cost: in Chromium's in-memory OPFS (a
 * private window, a fresh profile) about half a millisecond for any size up to 64 KiB, so a
 * page that reads 500 pages of a large repository waited a quarter of a second for them. The
 * pages a query reads are often neighbours (an index made in one go sits in consecutive pages),
 * so each read here takes the 64 KiB block around it and keeps the last few blocks for the reads
 * that follow. On a disk-backed OPFS a 64 KiB read costs a few microseconds more than 4 KiB.
 *
 * A sync access handle is exclusive (no other worker or tab can open the file while it is held),
 * and every write and truncation goes through the same handle: the blocks kept are changed with
 * the writes, so they always hold what the file holds.
 */

import { WriteBehindHandle } from './write-behind.ts';

/** What SQLite's opfs-sahpool VFS uses of a FileSystemSyncAccessHandle. */
export interface SyncHandle {
  read(buffer: ArrayBufferView, options?: { at?: number }): number;
  write(buffer: ArrayBufferView, options?: { at?: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}

/** The bytes of any view (SQLite's pool reads and writes its headers through Uint32Arrays too). */
const bytesOf = (v: ArrayBufferView) => (v instanceof Uint8Array ? v : new Uint8Array(v.buffer, v.byteOffset, v.byteLength));

export const READ_AHEAD_BLOCK = 64 * 1024;
/** Blocks kept per handle (4 MiB): enough for the neighbours of recent reads; SQLite keeps the pages. */
export const READ_AHEAD_BLOCKS = 64;

export class ReadAheadHandle implements SyncHandle {
  /** Block index to its bytes, least recently used first; shorter than a block only at the end of the file. */
  private readonly blocks = new Map<number, Uint8Array>();

  constructor(
    private readonly inner: SyncHandle,
    private readonly blockSize = READ_AHEAD_BLOCK,
    private readonly maxBlocks = READ_AHEAD_BLOCKS,
  ) {}

  read(view: ArrayBufferView, options?: { at?: number }): number {
    const at = options?.at;
    const buffer = bytesOf(view);
    // Reads at the handle's cursor, and large ones (a whole file exported), go straight through.
    if (at === undefined || buffer.length === 0 || buffer.length > this.blockSize) return this.inner.read(buffer, options);
    const bs = this.blockSize;
    const end = at + buffer.length;
    let done = 0;
    for (let b = Math.floor(at / bs); b * bs < end; b++) {
      const block = this.block(b);
      const from = Math.max(at, b * bs) - b * bs;
      const to = Math.min(end, (b + 1) * bs) - b * bs;
      if (from >= block.length) break;
      const part = block.subarray(from, Math.min(to, block.length));
      buffer.set(part, done);
      done += part.length;
      if (part.length < to - from) break; // the end of the file
    }
    return done;
  }

  private block(b: number): Uint8Array {
    const kept = this.blocks.get(b);
    if (kept) {
      this.blocks.delete(b);
      this.blocks.set(b, kept);
      return kept;
    }
    // The block that goes makes room for this one, in its own memory: in a browser a fresh
    // buffer costs more than the read (its pages come new from the system every time).
    let bytes: Uint8Array | undefined;
    if (this.blocks.size >= this.maxBlocks) {
      const [oldest, old] = this.blocks.entries().next().value!;
      this.blocks.delete(oldest);
      if (old.length === this.blockSize) bytes = old;
    }
    bytes ??= new Uint8Array(this.blockSize);
    const n = this.inner.read(bytes, { at: b * this.blockSize });
    const block = n === this.blockSize ? bytes : bytes.slice(0, n);
    this.blocks.set(b, block);
    return block;
  }

  write(view: ArrayBufferView, options?: { at?: number }): number {
    const n = this.inner.write(view, options);
    const buffer = bytesOf(view);
    const at = options?.at;
    if (at === undefined) {
      this.blocks.clear();
      return n;
    }
    const bs = this.blockSize;
    const end = at + n;
    for (const [b, block] of this.blocks) {
      const start = b * bs;
      if (start + bs <= at) {
        // Before the write; a block that ended the file no longer does when the write lies beyond it.
        if (block.length < bs && end > start + block.length) this.blocks.delete(b);
        continue;
      }
      if (start >= end) continue;
      const from = Math.max(at, start) - start;
      const to = Math.min(end, start + bs) - start;
      if (from > block.length) {
        this.blocks.delete(b); // the write leaves a gap after the block's end: read it again
        continue;
      }
      let kept = block;
      if (to > block.length) {
        kept = new Uint8Array(to);
        kept.set(block);
        this.blocks.set(b, kept);
      }
      kept.set(buffer.subarray(start + from - at, start + to - at), from);
    }
    return n;
  }

  truncate(size: number): void {
    this.inner.truncate(size);
    this.blocks.clear();
  }

  getSize(): number {
    return this.inner.getSize();
  }

  flush(): void {
    this.inner.flush();
  }

  close(): void {
    this.blocks.clear();
    this.inner.close();
  }
}

const WRAPPED = Symbol.for('edgesync.readAhead');

/**
 * Every sync access handle this worker opens from now on reads ahead, and gathers the writes
 * that follow one another (write-behind.ts); SQLite's pool opens its handles itself, through
 * FileSystemFileHandle.createSyncAccessHandle. Once per worker; a no-op where there is no OPFS.
 */
export function readAheadOnSyncHandles(): void {
  const proto = (globalThis as unknown as { FileSystemFileHandle?: { prototype: Record<string | symbol, unknown> } }).FileSystemFileHandle?.prototype;
  const open = proto?.createSyncAccessHandle as ((...a: unknown[]) => Promise<SyncHandle>) | undefined;
  if (!proto || typeof open !== 'function' || proto[WRAPPED]) return;
  proto.createSyncAccessHandle = async function (this: unknown, ...a: unknown[]) {
    return new ReadAheadHandle(new WriteBehindHandle(await open.apply(this, a)));
  };
  proto[WRAPPED] = true;
}
