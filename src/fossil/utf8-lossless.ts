/**
 * UTF-8 <-> string without losing bytes. Artifacts are UTF-8 in practice, but fossil treats them
 * as bytes and old repositories hold comments and names in other encodings. Decoding maps each
 * byte of an invalid sequence to a lone low surrogate U+DC80..U+DCFF (the "surrogateescape"
 * convention), and encoding maps those back, so decode→encode reproduces the input exactly and
 * artifacts print back byte for byte. Valid UTF-8 never decodes to a lone surrogate, so the
 * mapping is unambiguous.
 */
import { latin1 } from './bytes.ts';

const strict = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

function isAscii(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i]! >= 0x80) return false;
  return true;
}

/** Length of the valid UTF-8 sequence starting at b[i], or 0 if it is not valid. */
function sequenceLength(b: Uint8Array, i: number, end: number): number {
  const c = b[i]!;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < end && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf; // no encoded surrogates
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf; // nothing above U+10FFFF
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

export function decodeLossless(b: Uint8Array, start = 0, end = b.length): string {
  if (isAscii(b, start, end)) return latin1(b, start, end);
  try {
    return strict.decode(b.subarray(start, end));
  } catch {
    // fall through to the byte-preserving decoder
  }
  let out = '';
  let i = start;
  while (i < end) {
    const n = sequenceLength(b, i, end);
    if (n === 0) {
      out += String.fromCharCode(0xdc00 + b[i]!);
      i++;
    } else if (n === 1) {
      out += String.fromCharCode(b[i]!);
      i++;
    } else {
      out += strict.decode(b.subarray(i, i + n));
      i += n;
    }
  }
  return out;
}

const SURROGATE = /[\uD800-\uDFFF]/;

export function encodeLossless(s: string): Uint8Array {
  if (!SURROGATE.test(s)) return encoder.encode(s);
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
        i++;
        continue;
      }
    }
    if (c >= 0xdc80 && c <= 0xdcff) {
      out.push(c - 0xdc00);
    } else {
      // Every other code unit, including a stray surrogate (written as U+FFFD, as TextEncoder does).
      out.push(...encoder.encode(s[i]!));
    }
  }
  return Uint8Array.from(out);
}

/**
 * A string for binding as SQL text, or, when it carries bytes that were not valid UTF-8 (lone
 * low surrogates), those original bytes: bound through `CAST(? AS TEXT)`, SQLite stores them as
 * text byte for byte, as fossil does, where the string would be stored with U+FFFD in their place.
 */
export function sqlTextOf(s: string): string | Uint8Array {
  return /[\uDC80-\uDCFF]/.test(s) ? encodeLossless(s) : s;
}
