/**
 * Deterministic generators of (source, target) pairs that look like file histories: text with
 * lines inserted, deleted and changed, binary data with patches, and the degenerate cases.
 */

/** Small, fast, seedable PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['int', 'return', 'blob', 'if', 'for', 'while', 'const', 'char', '*z', 'n', 'i++', '{', '}', '(', ')',
  'manifest', 'delta', 'zName', 'db_prepare', 'fossil_print', '=', '==', '0;', '1;', 'NULL', 'static', 'void'];

export function randomText(r: () => number, lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const indent = ' '.repeat(Math.floor(r() * 4) * 2);
    const n = 1 + Math.floor(r() * 10);
    const words: string[] = [];
    for (let k = 0; k < n; k++) words.push(WORDS[Math.floor(r() * WORDS.length)]!);
    out.push(indent + words.join(' '));
  }
  return out.join('\n') + '\n';
}

/** A new version of a text: some lines deleted, changed and inserted. */
export function editText(r: () => number, text: string, edits: number): string {
  const lines = text.split('\n');
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(r() * lines.length);
    const kind = r();
    if (kind < 0.3) lines.splice(at, 1 + Math.floor(r() * 3));
    else if (kind < 0.6) lines[at] = randomText(r, 1).trimEnd();
    else lines.splice(at, 0, ...randomText(r, 1 + Math.floor(r() * 5)).trimEnd().split('\n'));
  }
  return lines.join('\n');
}

export function randomBytes(r: () => number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

/** Binary data with a few regions overwritten, inserted or removed. */
export function editBytes(r: () => number, data: Uint8Array, edits: number): Uint8Array {
  let cur = data;
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(r() * (cur.length + 1));
    const len = 1 + Math.floor(r() * 200);
    const kind = r();
    if (kind < 0.33) {
      cur = join(cur.subarray(0, at), randomBytes(r, len), cur.subarray(at));
    } else if (kind < 0.66) {
      cur = join(cur.subarray(0, at), cur.subarray(Math.min(cur.length, at + len)));
    } else {
      cur = cur.slice();
      cur.set(randomBytes(r, Math.min(len, cur.length - at)), at);
    }
  }
  return cur;
}

function join(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export interface Pair {
  label: string;
  source: Uint8Array;
  target: Uint8Array;
}

const enc = new TextEncoder();

/** A varied set of pairs, including the edge cases an encoder or decoder is likely to get wrong. */
export function generatedPairs(seed: number, count: number): Pair[] {
  const r = rng(seed);
  const pairs: Pair[] = [
    { label: 'both empty', source: new Uint8Array(0), target: new Uint8Array(0) },
    { label: 'empty target', source: enc.encode('some source text that is long enough\n'), target: new Uint8Array(0) },
    { label: 'empty source', source: new Uint8Array(0), target: enc.encode('brand new file\n') },
    { label: '16-byte source', source: enc.encode('0123456789abcdef'), target: enc.encode('0123456789abcdef0123456789abcdef') },
    { label: '17-byte source', source: enc.encode('0123456789abcdefg'), target: enc.encode('xx0123456789abcdefgxx') },
    { label: 'identical', source: enc.encode(randomText(r, 200)), target: new Uint8Array(0) },
    { label: 'zeros', source: new Uint8Array(5000), target: new Uint8Array(7000) },
    { label: 'unrelated', source: randomBytes(r, 3000), target: randomBytes(r, 3000) },
    { label: 'target is a prefix', source: enc.encode(randomText(r, 100)), target: new Uint8Array(0) },
  ];
  pairs[5]!.target = pairs[5]!.source.slice();
  pairs[8]!.target = pairs[8]!.source.slice(0, 1000);
  for (let i = pairs.length; i < count; i++) {
    if (i % 2 === 0) {
      const text = randomText(r, 20 + Math.floor(r() * 400));
      pairs.push({ label: `text ${i}`, source: enc.encode(text), target: enc.encode(editText(r, text, 1 + Math.floor(r() * 10))) });
    } else {
      const data = randomBytes(r, 100 + Math.floor(r() * 8000));
      pairs.push({ label: `binary ${i}`, source: data, target: editBytes(r, data, 1 + Math.floor(r() * 6)) });
    }
  }
  return pairs;
}
