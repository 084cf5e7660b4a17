import { openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ReadAheadHandle } from '../../src/db/read-ahead.ts';
import { FileHandle, rng } from '../helpers/sync-file.ts';
import { tempDir } from '../helpers/tools.ts';

/** What the file holds at [at, at+n), read past any cache. */
function direct(fd: number, at: number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  return b.subarray(0, readSync(fd, b, 0, n, at));
}


describe('read-ahead sync handle', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());
  const open = () => {
    const tmp = tempDir('edgesync-read-ahead-');
    cleanup = tmp.cleanup;
    return new FileHandle(openSync(join(tmp.dir, 'f'), 'w+'));
  };

  it('reads what the file holds through any mix of reads, writes (in place, growing it, past its end) and truncations', () => {
    const file = open();
    // Blocks of 16 bytes, at most 3 kept: every path (hits, misses, evictions, short blocks) is taken.
    const h = new ReadAheadHandle(file, 16, 3);
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = rng(seed);
      h.truncate(0);
      for (let step = 0; step < 3000; step++) {
        const op = r(10);
        const size = file.getSize();
        if (op < 6) {
          const at = r(size + 40);
          const n = 1 + r(op === 0 ? 40 : 12);
          const got = new Uint8Array(n);
          const k = h.read(got, { at });
          expect(got.subarray(0, k), `seed ${seed} step ${step}: read ${n} at ${at} of ${size}`).toEqual(direct(file.fd, at, n));
          expect(got.subarray(k).every((x) => x === 0)).toBe(true);
        } else if (op < 9) {
          const at = r(size + 40);
          const bytes = Uint8Array.from({ length: 1 + r(30) }, () => 1 + r(255));
          expect(h.write(bytes, { at })).toBe(bytes.length);
        } else {
          h.truncate(r(size + 1));
        }
        expect(h.getSize()).toBe(file.getSize());
      }
    }
    h.close();
  });

  it('reads neighbouring pages with one read of the storage, and views other than bytes as their bytes', () => {
    const file = open();
    const h = new ReadAheadHandle(file, 64, 4);
    const content = Uint8Array.from({ length: 256 }, (_, i) => i);
    h.write(content, { at: 0 });
    const page = new Uint8Array(16);
    for (let at = 0; at < 64; at += 16) {
      expect(h.read(page, { at })).toBe(16);
      expect(page).toEqual(content.subarray(at, at + 16));
    }
    expect(file.reads).toBe(1);
    // SQLite's pool reads and writes its header digests as Uint32Array.
    const words = new Uint32Array(2);
    expect(h.read(words, { at: 4 })).toBe(8);
    expect(new Uint8Array(words.buffer)).toEqual(content.subarray(4, 12));
    h.write(new Uint32Array([0x01020304]), { at: 60 });
    expect(h.read(page, { at: 56 })).toBe(16);
    expect(page).toEqual(direct(file.fd, 56, 16));
    expect(file.reads).toBe(2);
    // A read larger than a block goes straight to the file.
    const all = new Uint8Array(300);
    expect(h.read(all, { at: 0 })).toBe(256);
    expect(all.subarray(0, 256)).toEqual(direct(file.fd, 0, 256));
    h.close();
  });
});
