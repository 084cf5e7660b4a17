/**
 * The validity rules the artifact parser applies to card arguments, on raw bytes, as upstream
 * applies them (encode.c validate16, hname.c hname_validate, file.c
 * file_is_simple_pathname_nonstrict and file_is_reserved_name, wiki.c wiki_name_is_wellformed).
 */

const SLASH = 0x2f;
const DOT = 0x2e;
const SPACE = 0x20;

export class ArtifactError extends Error {
  override name = 'ArtifactError';
}

/** 1 for the bytes that are hex digits (either case), else 0: one load per byte. */
const HEX_DIGIT = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX_DIGIT[c.charCodeAt(0)] = 1;

/**
 * Only hex digits, either case (an empty string counts, as in upstream's validate16). start and
 * end bound the bytes looked at, so a parser can check a token in place.
 */
export function isHex(b: Uint8Array, start = 0, end = b.length): boolean {
  for (let i = start; i < end; i++) if (HEX_DIGIT[b[i]!] === 0) return false;
  return true;
}

/** An artifact hash: 40 (SHA1) or 64 (SHA3-256) hex digits, either case. */
export function isHashToken(b: Uint8Array, start = 0, end = b.length): boolean {
  const n = end - start;
  return (n === 40 || n === 64) && isHex(b, start, end);
}

/** strcmp on bytes: negative, zero or positive. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** strcmp on the bytes [as, ae) of a and [bs, be) of b. */
export function compareByteRanges(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): number {
  const n = Math.min(ae - as, be - bs);
  for (let i = 0; i < n; i++) {
    const d = a[as + i]! - b[bs + i]!;
    if (d !== 0) return d;
  }
  return ae - as - (be - bs);
}

/**
 * A relative path fit for a repository: not empty, no leading '/', no trailing '/', no '//', and
 * no '.' or '..' segment. (The lenient form used for historical manifests: bytes are not checked
 * for valid UTF-8 and backslashes are allowed.)
 */
export function isSimplePath(p: Uint8Array, start = 0, end = p.length): boolean {
  if (end <= start || p[start] === SLASH || p[end - 1] === SLASH) return false;
  let segStart = start;
  for (let i = start; i <= end; i++) {
    if (i === end || p[i] === SLASH) {
      const len = i - segStart;
      if (len === 0) return false;
      if (len === 1 && p[segStart] === DOT) return false;
      if (len === 2 && p[segStart] === DOT && p[segStart + 1] === DOT) return false;
      segStart = i + 1;
    }
  }
  return true;
}

/** Do the bytes before end, but not before from, end with suffix (ASCII, lowercase)? */
function endsWithIgnoreCase(p: Uint8Array, from: number, end: number, suffix: string): boolean {
  const start = end - suffix.length;
  if (start < from) return false;
  for (let i = 0; i < suffix.length; i++) {
    let c = p[start + i]!;
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== suffix.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Names fossil refuses to track because they are its own check-out database: `_FOSSIL_` and
 * `.fslckout`, optionally with -wal, -shm or -journal. F cards naming them are ignored. This
 * follows upstream's test exactly, including its quirks (a bare suffixed name such as
 * `x_FOSSIL_-wal` also counts). start and end bound the name within p.
 */
export function isReservedName(p: Uint8Array, start = 0, end = p.length): boolean {
  const full = end - start;
  if (full < 8) return false;
  // e: end of the name without its -wal, -shm or -journal suffix.
  let e = end;
  let suffixed = false;
  if (full >= 12) {
    if (p[end - 4] === 0x2d) {
      if (!endsWithIgnoreCase(p, start, end, 'wal') && !endsWithIgnoreCase(p, start, end, 'shm')) return false;
      e -= 4;
      suffixed = true;
    } else if (full >= 16 && p[end - 8] === 0x2d) {
      if (!endsWithIgnoreCase(p, start, end, 'journal')) return false;
      e -= 8;
      suffixed = true;
    }
  }
  const n = e - start;
  const last = p[e - 1];
  if (last === 0x5f /* _ */) {
    if (!endsWithIgnoreCase(p, start, e, '_fossil_')) return false;
    return n === 8 || p[e - 9] === SLASH || suffixed;
  }
  if (last === 0x74 || last === 0x54 /* t, T */) {
    if (n < 9 || !endsWithIgnoreCase(p, start, e, '.fslckout')) return false;
    return n === 9 || p[e - 10] === SLASH || suffixed;
  }
  return false;
}

/** A wiki page name: 1..100 bytes, no control characters, no leading, trailing or double spaces. */
export function isWikiName(p: Uint8Array): boolean {
  const n = p.length;
  if (n === 0 || n > 100 || p[0]! <= SPACE || p[n - 1] === SPACE) return false;
  for (let i = 1; i < n; i++) {
    if (p[i]! < SPACE) return false;
    if (p[i] === SPACE && p[i - 1] === SPACE) return false;
  }
  return true;
}

/** Upstream's defossilize on bytes. The result stops at a decoded NUL, as C strings do. */
export function defossilizeBytes(t: Uint8Array): Uint8Array {
  if (t.indexOf(0x5c) < 0) return t;
  const out = new Uint8Array(t.length);
  let j = 0;
  for (let i = 0; i < t.length; i++) {
    let c = t[i]!;
    if (c === 0x5c && i + 1 < t.length) {
      c = t[++i]!;
      switch (c) {
        case 0x6e: c = 0x0a; break; // n
        case 0x73: c = 0x20; break; // s
        case 0x74: c = 0x09; break; // t
        case 0x72: c = 0x0d; break; // r
        case 0x76: c = 0x0b; break; // v
        case 0x66: c = 0x0c; break; // f
        case 0x30: c = 0x00; break; // 0
        default: break; // \\ and any other escaped byte stand for themselves
      }
    }
    if (c === 0) break;
    out[j++] = c;
  }
  return out.subarray(0, j);
}
