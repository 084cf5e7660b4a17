/**
 * A file on disk behind the calls of an OPFS sync access handle (read and write at an offset),
 * counting its reads and writes, and able to fail its next write as a full quota would.
 */
import { closeSync, fstatSync, ftruncateSync, readSync, writeSync } from 'node:fs';
import type { SyncHandle } from '../../src/db/read-ahead.ts';

export class FileHandle implements SyncHandle {
  reads = 0;
  writes = 0;
  failNext = false;
  constructor(readonly fd: number) {}
  read(v: ArrayBufferView, o?: { at?: number }) {
    this.reads++;
    return readSync(this.fd, new Uint8Array(v.buffer, v.byteOffset, v.byteLength), 0, v.byteLength, o?.at ?? null);
  }
  write(v: ArrayBufferView, o?: { at?: number }) {
    this.writes++;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('QuotaExceededError');
    }
    return writeSync(this.fd, new Uint8Array(v.buffer, v.byteOffset, v.byteLength), 0, v.byteLength, o?.at ?? null);
  }
  truncate(size: number) {
    ftruncateSync(this.fd, size);
  }
  getSize() {
    return fstatSync(this.fd).size;
  }
  flush() {}
  close() {
    closeSync(this.fd);
  }
}

/** A small deterministic generator (its high bits: an LCG's low bits repeat with short periods). */
export function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s >>> 8) % n;
  };
}
