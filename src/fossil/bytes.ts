/** Small byte helpers shared by the codecs. Bytes are always Uint8Array. */
const te = new TextEncoder();
const td = new TextDecoder('utf-8', { fatal: false });
const tdStrict = new TextDecoder('utf-8', { fatal: true });

export const utf8 = (s: string): Uint8Array => te.encode(s);
/** Decode UTF-8, replacing invalid sequences. Only for small pieces (a line, a name), never a whole message. */
export const text = (b: Uint8Array): string => td.decode(b);
/** Decode UTF-8, throwing on invalid sequences. */
export const textStrict = (b: Uint8Array): string => tdStrict.decode(b);

/** Latin-1 style decode: one char per byte. Safe for ASCII tokens and lossless for any bytes. */
export function latin1(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  for (let i = start; i < end; i += 8192) {
    s += String.fromCharCode.apply(null, b.subarray(i, Math.min(end, i + 8192)) as unknown as number[]);
  }
  return s;
}

/**
 * A copy of s that keeps nothing else alive, for strings kept longer than the artifact they were
 * read from. A name parsed from a manifest is a slice of the manifest's whole text (some 90 KB
 * in a large tree), and a slice keeps that text in memory for as long as it lives: a rebuild's
 * map of file names held one manifest per new name, 14 MB of the 60k-artifact history's heap.
 * Prepending a character makes the engine write out a string of its own; the slice of that is
 * the copy.
 */
export function standaloneString(s: string): string {
  return (' ' + s).slice(1);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function readU32BE(b: Uint8Array, off = 0): number {
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}

export function writeU32BE(n: number, b: Uint8Array, off = 0): void {
  b[off] = (n >>> 24) & 255;
  b[off + 1] = (n >>> 16) & 255;
  b[off + 2] = (n >>> 8) & 255;
  b[off + 3] = n & 255;
}

/** Lowercase hex of bytes. */
export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += b[i]!.toString(16).padStart(2, '0');
  return s;
}
