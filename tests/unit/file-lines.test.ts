/**
 * F cards kept as lines: parsing against a reference manifest, and comparing a check-in with its
 * parent on the lines, give exactly what the card-by-card parse and the object merge give, on
 * check-ins made of every kind of change and on broken lines (the same error, word for word).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseArtifact } from '../../src/fossil/artifact.ts';
import type { Artifact } from '../../src/fossil/artifact-types.ts';
import { fileCount, fileLinesOf } from '../../src/fossil/file-lines.ts';
import { sameLines } from '../../src/fossil/line-runs.ts';
import { ArtifactText } from '../../src/fossil/artifact-text.ts';
import { compareFullManifests } from '../../src/repo/crosslink/mlink.ts';
import { rng } from '../helpers/edits.ts';

const enc = new TextEncoder();
const hex = (r: () => number, n: number) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');

interface Line {
  /** Sort key: the name unescaped. */
  name: string;
  text: string;
}

/** A file line; names with a space are written escaped, as fossil writes them. */
function line(name: string, hash: string, perm = '', prior?: string): Line {
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/ /g, '\\s').replace(/\n/g, '\\n');
  let text = `F ${esc(name)} ${hash}`;
  if (perm || prior) text += ` ${perm || 'w'}`;
  if (prior) text += ` ${esc(prior)}`;
  return { name, text };
}

function manifest(lines: readonly string[], comment = 'c'): Uint8Array {
  const body = `C ${comment}\nD 2026-01-01T00:00:00\n${lines.map((l) => `${l}\n`).join('')}U u\n`;
  const md5 = createHash('md5').update(body).digest('hex');
  return enc.encode(`${body}Z ${md5}\n`);
}

const byName = (a: Line, b: Line) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function randomTree(r: () => number, n: number): Line[] {
  const names = new Set<string>();
  while (names.size < n) {
    const dir = ['src', 'www', 'test', 'a b', 'src/x'][Math.floor(r() * 5)];
    const base = `${['file', 'f', 'note s', 'z'][Math.floor(r() * 4)]}${Math.floor(r() * 1000)}`;
    names.add(`${dir}/${base}.c`);
  }
  return [...names].map((name) => line(name, hex(r, r() < 0.1 ? 40 : 64), r() < 0.1 ? 'x' : '')).sort(byName);
}

/** The parent's lines changed the way check-ins change them, and sometimes broken. */
function childOf(r: () => number, parent: Line[]): string[] {
  const lines = parent.map((l) => ({ ...l }));
  const edits = 1 + Math.floor(r() * 6);
  for (let e = 0; e < edits; e++) {
    const i = Math.floor(r() * lines.length);
    const kind = Math.floor(r() * 9);
    const l = lines[i]!;
    if (kind === 0) lines[i] = line(l.name, hex(r, 64)); // changed content
    else if (kind === 1) lines.splice(i, 1); // deleted
    else if (kind === 2) lines.push(line(`${l.name}.new`, hex(r, 64))); // added
    else if (kind === 3) lines[i] = line(`${l.name}2`, hex(r, 64), '', l.name); // renamed
    else if (kind === 4) lines[i] = line(l.name, l.text.split(' ')[2]!, 'x'); // made executable
    else if (kind === 5) lines.push(line('_FOSSIL_', hex(r, 64))); // a reserved name
    else if (kind === 6) lines.push(line(`sp ace/${i}`, hex(r, 64))); // an escaped name
    else if (kind === 7 && lines.length > 2) [lines[i], lines[(i + 1) % lines.length]] = [lines[(i + 1) % lines.length]!, l]; // out of order
    else if (kind === 8) lines.push({ name: l.name, text: l.text }); // duplicated
  }
  // Sorted, except where a swap above broke the order on purpose.
  const sorted = r() < 0.8 ? lines.sort(byName) : lines;
  const texts = sorted.map((l) => l.text);
  if (r() < 0.15) {
    // One broken line: a bad hash, an empty name, a bad path, too many arguments, a NUL.
    const i = Math.floor(r() * texts.length);
    const bad = [`F ${lines[i]!.name} ${hex(r, 63)}g`, 'F  ' + hex(r, 64), `F a//b ${hex(r, 64)}`, `${texts[i]} w x y`, `F a\0b ${hex(r, 64)}`];
    texts[i] = bad[Math.floor(r() * bad.length)]!;
  }
  return texts;
}

function outcome(f: () => Artifact): { ok: true; a: unknown } | { ok: false; message: string } {
  try {
    const a = f();
    return { ok: true, a: JSON.parse(JSON.stringify({ ...a, files: a.files, fileCount: fileCount(a) })) };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

type Row = [string | null | undefined, string | null | undefined, string, string | null | undefined, number];

function changes(parent: Artifact, child: Artifact): Row[] {
  const rows: Row[] = [];
  compareFullManifests(parent, child, (...row) => void rows.push(row));
  return rows;
}

const bytesOf = new WeakMap<Artifact, Uint8Array>();

/** The bytes an artifact made by parentAndChild was parsed from. */
function manifestBytesOf(a: Artifact): Uint8Array {
  return bytesOf.get(a)!;
}

/** A parent of these lines and a child changed from it; undefined when the child breaks a rule. */
function parentAndChild(r: () => number, parentLines: Line[]): { parent: Artifact; child: Artifact } | undefined {
  const parent = parseArtifact(manifest(parentLines.map((l) => l.text), 'parent'));
  try {
    const bytes = manifest(childOf(r, parentLines));
    const child = parseArtifact(bytes);
    bytesOf.set(child, bytes);
    return { parent, child };
  } catch {
    return undefined;
  }
}

describe('F cards as lines', () => {
  it('sameLines counts whole equal lines only', () => {
    const t = (x: string) => new ArtifactText(enc.encode(x));
    const a = t('F a 1\nF b 2\nF c 3\n');
    const n = a.bytes.length;
    expect(sameLines(a, 0, n, a, 0, n)).toBe(n);
    const b = t('F a 1\nF b 2\nF c 4\n');
    expect(sameLines(a, 0, n, b, 0, n)).toBe(12);
    expect(sameLines(a, 6, n, b, 6, n)).toBe(6);
    expect(sameLines(a, 0, n, t('F a 2\n'), 0, 6)).toBe(0);
    // Texts at different offsets, and a limit that cuts a line.
    const c = t('xxF a 1\nF b 2\nF c 3\n');
    expect(sameLines(c, 2, n + 2, a, 0, n)).toBe(n);
    expect(sameLines(a, 0, 9, a, 0, n)).toBe(6);
  });

  it('sameLines finds the first difference wherever it lies, in texts at any offset in their buffers', () => {
    const r = rng(31);
    for (let k = 0; k < 300; k++) {
      const lines = Array.from({ length: 1 + Math.floor(r() * 12) }, () => `F ${hex(r, 1 + Math.floor(r() * 9))} ${hex(r, 40)}\n`);
      const text = enc.encode(lines.join(''));
      // The same bytes inside buffers of their own, at offsets of every alignment.
      const at = (bytes: Uint8Array, off: number) => {
        const buf = new Uint8Array(bytes.length + off + 3);
        buf.set(bytes, off);
        return new ArtifactText(buf.subarray(off, off + bytes.length));
      };
      const changed = text.slice();
      const i = Math.floor(r() * text.length);
      if (changed[i] !== 0x0a) changed[i] = changed[i] === 0x30 ? 0x31 : 0x30;
      const diff = changed.findIndex((x, j) => x !== text[j]);
      const expected = diff === -1 ? text.length : diff === 0 ? 0 : text.lastIndexOf(0x0a, diff - 1) + 1;
      const got = sameLines(at(text, k % 4), 0, text.length, at(changed, (k >> 2) % 4), 0, changed.length);
      expect(got, `case ${k}`).toBe(expected);
    }
  });

  it('parse against a reference: the same artifact, or the same error, as without', () => {
    let checked = 0;
    let failed = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const r = rng(seed);
      const parentLines = randomTree(r, 5 + Math.floor(r() * 200));
      const parent = parseArtifact(manifest(parentLines.map((l) => l.text), 'parent'));
      const child = manifest(childOf(r, parentLines));
      const plain = outcome(() => parseArtifact(child));
      const guided = outcome(() => parseArtifact(child, fileLinesOf(parent)));
      expect(guided, `seed ${seed}`).toEqual(plain);
      checked++;
      if (!plain.ok) failed++;
    }
    // Both outcomes were exercised.
    expect(failed).toBeGreaterThan(20);
    expect(checked - failed).toBeGreaterThan(100);
  });

  it('comparing a check-in with its parent on the lines finds the rows the objects give', () => {
    let compared = 0;
    let onLines = 0;
    let fromParse = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const r = rng(1000 + seed);
      const parentLines = randomTree(r, 5 + Math.floor(r() * 200));
      const pair = parentAndChild(r, parentLines);
      if (!pair) continue;
      const { parent, child } = pair;
      // Copies without their lines take the object path.
      const rows = changes({ ...parent, files: parent.files }, { ...child, files: child.files });
      expect(changes(parent, child), `seed ${seed}`).toEqual(rows);
      // Parsed against its parent, the child brings the lines that differ from it...
      const guided = parseArtifact(manifestBytesOf(child), fileLinesOf(parent));
      expect(changes(parent, guided), `seed ${seed}, guided by the parent`).toEqual(rows);
      if (fileLinesOf(guided)?.against?.ref === fileLinesOf(parent)!.serial) fromParse++;
      // ...and parsed against another manifest, it is compared line by line.
      const other = parseArtifact(manifest(randomTree(r, 20).map((l) => l.text), 'other'));
      const elsewhere = parseArtifact(manifestBytesOf(child), fileLinesOf(other));
      expect(changes(parent, elsewhere), `seed ${seed}, guided by another`).toEqual(rows);
      compared++;
      if (fileLinesOf(child)?.plain) onLines++;
    }
    expect(compared).toBeGreaterThan(150);
    // Most pairs went the lines' way (the others have renames or reserved names).
    expect(onLines).toBeGreaterThan(80);
    expect(fromParse).toBeGreaterThan(80);
  });

  it('a check-in parsed against its parent, or its parent against it: changes at either end of the list too', () => {
    const r = rng(4242);
    for (let k = 0; k < 40; k++) {
      const tree = randomTree(r, 3 + (k % 7));
      const parent = parseArtifact(manifest(tree.map((l) => l.text), 'parent'));
      const n = tree.length;
      const variants: Line[][] = [
        tree.slice(0, n - 1), // the last file deleted
        tree.slice(1), // the first deleted
        [...tree.slice(0, n - 1), line(tree[n - 1]!.name, hex(r, 64))], // the last changed
        [line(tree[0]!.name, hex(r, 64)), ...tree.slice(1)], // the first changed
        [...tree, line('zz/last', hex(r, 64))], // one added after all
        [line('+first', hex(r, 64)), ...tree], // one added before all
        tree.slice(0, 1), // all but the first deleted
      ];
      for (const v of variants) {
        const bytes = manifest(v.map((l) => l.text));
        const plain = parseArtifact(bytes);
        const rows = changes({ ...parent, files: parent.files }, { ...plain, files: plain.files });
        const guided = parseArtifact(bytes, fileLinesOf(parent));
        expect(fileLinesOf(guided)!.against?.ref).toBe(fileLinesOf(parent)!.serial);
        expect(changes(parent, guided), `case ${k}`).toEqual(rows);
        // The other way round: the parent parsed against its child, as a linker that meets the
        // child first does.
        const parentAgain = parseArtifact(manifest(tree.map((l) => l.text), 'parent'), fileLinesOf(plain));
        expect(fileLinesOf(parentAgain)!.against?.ref).toBe(fileLinesOf(plain)!.serial);
        expect(changes(parentAgain, plain), `case ${k}, parent parsed second`).toEqual(rows);
      }
    }
  });

  it('names outside ASCII and escaped names: the same rows, parse and cards on the lines', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = rng(5000 + seed);
      const parentLines = randomTree(r, 5 + Math.floor(r() * 100)).map((l, i) => (i % 7 === 3 ? line(`${l.name}\u00e9\u6f22`, hex(r, 64)) : l));
      parentLines.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
      const pair = parentAndChild(r, parentLines);
      if (!pair) continue;
      const { parent, child } = pair;
      const rows = changes({ ...parent, files: parent.files }, { ...child, files: child.files });
      expect(changes(parent, child), `seed ${seed}`).toEqual(rows);
      const next = manifest(childOf(r, parentLines));
      expect(outcome(() => parseArtifact(next, fileLinesOf(child))), `seed ${seed}`).toEqual(outcome(() => parseArtifact(next)));
      expect(parent.files.map((f) => f.name)).toEqual(parentLines.map((l) => l.name));
    }
  });

  it('files are made on first use, and only then', () => {
    const r = rng(7);
    const tree = randomTree(r, 50);
    const a = parseArtifact(manifest(tree.map((l) => l.text)));
    expect(Object.getOwnPropertyDescriptor(a, 'files')?.get).toBeDefined();
    expect(fileCount(a)).toBe(50);
    expect(a.files.map((f) => f.name)).toEqual(tree.map((l) => l.name));
    expect(Object.getOwnPropertyDescriptor(a, 'files')?.value).toBe(a.files);
  });
});
