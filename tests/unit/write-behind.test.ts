// Writes gathered before they reach browser storage (src/db/write-behind.ts), on files on disk
// behind the calls of a sync access handle: reads always see every write; writes that follow
// one another reach the file in one call; what the files hold is, at every moment, what they
// would hold after some prefix of the writes in the order they were made (so a worker that dies
// leaves what an earlier death would have left); a failed write shows at the next call.
import { fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ReadAheadHandle } from '../../src/db/read-ahead.ts';
import { WriteBehindHandle, writeOutHeldBack } from '../../src/db/write-behind.ts';
import { FileHandle, rng } from '../helpers/sync-file.ts';
import { tempDir } from '../helpers/tools.ts';


/** The whole file, read past any handle. */
function onDisk(fd: number): Uint8Array {
  const b = new Uint8Array(fstatSync(fd).size);
  readSync(fd, b, 0, b.length, 0);
  return b;
}

/** A file's bytes after a write, as a plain array model. */
function applied(model: Uint8Array, at: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.max(model.length, at + bytes.length));
  out.set(model);
  out.set(bytes, at);
  return out;
}


describe('write-behind sync handle', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    writeOutHeldBack();
    while (cleanups.length) cleanups.pop()!();
  });
  const file = () => {
    const tmp = tempDir('edgesync-write-behind-');
    cleanups.push(tmp.cleanup);
    return new FileHandle(openSync(join(tmp.dir, 'f'), 'w+'));
  };

  it('reads see every write, and the files always hold a prefix of the writes in order', () => {
    for (const seed of [1, 2, 3]) {
      const r = rng(seed);
      const files = [file(), file()];
      // Small limits, so that every path (continue, full, another handle, too large) is taken.
      const handles = files.map((f) => new ReadAheadHandle(new WriteBehindHandle(f, 48), 16, 3));
      const log: { h: number; at: number; bytes: Uint8Array }[] = [];
      const models: Uint8Array[] = [new Uint8Array(0), new Uint8Array(0)];
      const next = [0, 0];
      for (let step = 0; step < 700; step++) {
        const h = r(2);
        const op = r(10);
        if (op < 7) {
          // Mostly writes that continue the last one on that file, as a commit's pages do.
          const at = op < 5 ? next[h]! : r(models[h]!.length + 20);
          const bytes = Uint8Array.from({ length: 1 + r(op === 6 ? 70 : 16) }, () => 1 + r(255));
          expect(handles[h]!.write(bytes, { at })).toBe(bytes.length);
          log.push({ h, at, bytes });
          models[h] = applied(models[h]!, at, bytes);
          next[h] = at + bytes.length;
        } else {
          const at = r(models[h]!.length + 10);
          const n = 1 + r(20);
          const got = new Uint8Array(n);
          const k = handles[h]!.read(got, { at });
          expect(got.subarray(0, k), `seed ${seed} step ${step}`).toEqual(models[h]!.subarray(at, at + n));
        }
        // Some prefix of the log is exactly what both files hold (only the newest writes, all to
        // one file, may be missing).
        const disk = files.map((f) => onDisk(f.fd));
        let replay: Uint8Array[] = [new Uint8Array(0), new Uint8Array(0)];
        const same = () => disk.every((d, j) => Buffer.from(d).equals(Buffer.from(replay[j]!)));
        // The longest prefix that matches: the writes after it are the ones held back.
        let matchedAt = same() ? 0 : -1;
        log.forEach((w, i) => {
          replay = replay.map((m, j) => (j === w.h ? applied(m, w.at, w.bytes) : m));
          if (same()) matchedAt = i + 1;
        });
        const matched = matchedAt >= 0;
        const held = log.slice(Math.max(0, matchedAt)).map((x) => x.h);
        expect(matched, `seed ${seed} step ${step}: no prefix of the writes matches the files`).toBe(true);
        expect(new Set(held).size).toBeLessThanOrEqual(1);
      }
      handles.forEach((h) => h.flush());
      files.forEach((f, i) => expect(onDisk(f.fd)).toEqual(models[i]));
      handles.forEach((h) => h.close());
    }
  });

  it('writes that follow one another reach the file in one call', () => {
    const f = file();
    const h = new WriteBehindHandle(f, 64 * 1024);
    const page = new Uint8Array(4096).fill(7);
    for (let i = 0; i < 32; i++) h.write(page, { at: 8192 + i * 4096 });
    expect(f.writes).toBe(1); // the first 64 KiB, when the next page would not fit
    h.flush();
    expect(f.writes).toBe(2); // 128 KiB in pieces of at most 64 KiB
    expect(onDisk(f.fd).subarray(8192)).toEqual(new Uint8Array(32 * 4096).fill(7));
    h.close();
  });

  it('a write that fails shows at the next call, and nothing is held after it', () => {
    const f = file();
    const h = new WriteBehindHandle(f, 1024);
    h.write(new Uint8Array(100).fill(1), { at: 0 });
    f.failNext = true;
    expect(() => h.flush()).toThrow(/Quota/);
    h.write(new Uint8Array(10).fill(2), { at: 0 });
    h.flush();
    expect(onDisk(f.fd)).toEqual(new Uint8Array(10).fill(2));
    h.close();
  });
});
