/**
 * Building blocks of Fossil's delta format (spec 4.7): the base-64 integers, the output checksum
 * and a growable writer. A delta is `<target size>\n`, then copy (`<n>@<offset>,`) and insert
 * (`<n>:<n bytes>`) segments, then `<checksum>;`.
 */

export class DeltaError extends Error {
  override name = 'DeltaError';
}

export const NEWLINE = 0x0a;
export const AT = 0x40; // '@'
export const COMMA = 0x2c; // ','
export const COLON = 0x3a; // ':'
export const SEMICOLON = 0x3b; // ';'

/** Digit alphabet: value 0..63 in this order. Numbers are written most significant digit first. */
const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~';
const DIGIT_CODES = Uint8Array.from(DIGITS, (c) => c.charCodeAt(0));

/** Byte -> digit value, or -1 for a byte that ends a number. */
export const DIGIT_VALUE: Int8Array = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let i = 0; i < 64; i++) t[DIGIT_CODES[i]!] = i;
  return t;
})();

/** Number of base-64 digits needed for v (v >= 0). */
export function digitCount(v: number): number {
  let n = 1;
  for (let x = 64; v >= x; x *= 64) n++;
  return n;
}

/** The integer's base-64 text, e.g. 63 -> "~", 64 -> "10". */
export function encodeDeltaInt(v: number): string {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new DeltaError(`cannot encode ${v} as a delta integer`);
  let s = '';
  do {
    s = DIGITS[v % 64]! + s;
    v = Math.floor(v / 64);
  } while (v > 0);
  return s;
}

export { deltaChecksum } from './delta-checksum.ts';

/** Appends delta text and raw bytes to a buffer that grows as needed. */
export class DeltaWriter {
  private buf: Uint8Array;
  private len = 0;

  /** With `reuse` at least initialCapacity long, writes there first instead of into a new array. */
  constructor(initialCapacity = 256, reuse?: Uint8Array) {
    const want = Math.max(16, initialCapacity);
    this.buf = reuse !== undefined && reuse.length >= want ? reuse : new Uint8Array(want);
  }

  /** The array written into (grown past the one given to reuse, if the delta outgrew it). */
  get buffer(): Uint8Array {
    return this.buf;
  }

  private reserve(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + extra) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.len++] = b;
  }

  int(v: number): void {
    this.reserve(6);
    if (v === 0) {
      this.buf[this.len++] = DIGIT_CODES[0]!;
      return;
    }
    const n = digitCount(v);
    for (let i = n - 1; i >= 0; i--) {
      this.buf[this.len + i] = DIGIT_CODES[v % 64]!;
      v = Math.floor(v / 64);
    }
    this.len += n;
  }

  bytes(src: Uint8Array, start: number, end: number): void {
    this.reserve(end - start);
    this.buf.set(src.subarray(start, end), this.len);
    this.len += end - start;
  }

  /** An insert segment carrying src[start, end). */
  insert(src: Uint8Array, start: number, end: number): void {
    if (end <= start) return;
    this.int(end - start);
    this.byte(COLON);
    this.bytes(src, start, end);
  }

  copy(count: number, offset: number): void {
    this.int(count);
    this.byte(AT);
    this.int(offset);
    this.byte(COMMA);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
