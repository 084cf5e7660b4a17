/**
 * A manifest's F cards kept as the lines they are, turned into FileCard objects only when asked.
 *
 * A check-in manifest lists every file of its tree, so a long history is tens of millions of F
 * cards, and most of them are the same line as in the parent check-in. The parser validates
 * every card in place (artifact-parse.ts) and records only where the F lines are; the objects
 * are made on first use of `files`. The crosslinker compares a check-in with its parent on the
 * lines themselves (mlink.ts), so a rebuild or a clone makes objects only for the files that
 * changed.
 */
import type { Artifact, FileCard } from './artifact-types.ts';
import { compareByteRanges, defossilizeBytes, isReservedName } from './artifact-checks.ts';
import type { ArtifactText } from './artifact-text.ts';
import { decodeLossless } from './utf8-lossless.ts';

export interface FileLines {
  readonly text: ArtifactText;
  /** Offset of the first F line's 'F'. */
  readonly start: number;
  /** Offset just past the last F line's newline. */
  readonly end: number;
  /**
   * No card has a previous name or a reserved name: each line is "F name hash[ perm]" and names
   * a file, and lines sort by their names unescaped (nameAt, compareNameBytes).
   */
  readonly plain: boolean;
  /** Every line has a hash (no delta-manifest deletions). */
  readonly allHashed: boolean;
  /** Names these lines for LinesAgainst.ref. */
  readonly serial: number;
  /** What a parse guided by a reference found (artifact-parse.ts). */
  readonly against?: LinesAgainst;
}

/**
 * The lines of a manifest, and of the reference its parse was guided by, that are not in a run
 * of lines both have: comparing the two manifests needs only these (mlink.ts), and a clone or a
 * rebuild mostly parses a check-in against its parent. The reference is named by its serial,
 * not held, so manifests parsed one after another do not keep each other alive.
 */
export interface LinesAgainst {
  /** The reference's serial. */
  readonly ref: number;
  /** Where this manifest's own lines start, in order. */
  readonly own: readonly number[];
  /** Where the reference's own lines start, in order. */
  readonly refOwn: readonly number[];
}

let serials = 0;

/** A serial for new FileLines. */
export function nextLinesSerial(): number {
  return ++serials;
}

const counts = new WeakMap<FileLines, number>();

/** How many of the lines are files (reserved names excluded); counted on first use. */
export function countFiles(lines: FileLines): number {
  let n = counts.get(lines);
  if (n === undefined) {
    n = 0;
    for (let at = lines.start; at < lines.end; at = lines.text.lineEnd(at) + 1) {
      if (lines.plain || !isReservedLine(lines.text, at)) n++;
    }
    counts.set(lines, n);
  }
  return n;
}

/** The recorded F lines of a parsed artifact (absent when it was built, not parsed). */
const linesOf = new WeakMap<Artifact, FileLines>();

export function fileLinesOf(a: Artifact): FileLines | undefined {
  return linesOf.get(a);
}

/** How many files the artifact's F cards list, without making their objects. */
export function fileCount(a: Artifact): number {
  const lines = linesOf.get(a);
  return lines ? countFiles(lines) : a.files.length;
}

/** A quick estimate of fileCount (F lines run about 80 bytes), for weighing caches. */
export function fileWeight(a: Artifact): number {
  const lines = linesOf.get(a);
  return lines ? Math.ceil((lines.end - lines.start) / 80) : a.files.length;
}

/**
 * Give a parsed artifact its F lines: `files` becomes a property that makes the FileCard
 * objects the first time it is read (and is an ordinary array from then on).
 */
export function attachFileLines(a: Artifact, lines: FileLines): void {
  linesOf.set(a, lines);
  Object.defineProperty(a, 'files', {
    configurable: true,
    enumerable: true,
    get(this: Artifact) {
      const files = fileCardsOf(lines);
      Object.defineProperty(this, 'files', { value: files, writable: true, configurable: true, enumerable: true });
      return files;
    },
    set(this: Artifact, value: FileCard[]) {
      Object.defineProperty(this, 'files', { value, writable: true, configurable: true, enumerable: true });
    },
  });
}

/** Where the argument starting at `from` ends: at the next space, or the line's newline. */
function tokenEnd(b: Uint8Array, from: number): number {
  let i = from;
  while (i < b.length && b[i] !== 0x20 && b[i] !== 0x0a) i++;
  return i;
}

/** The F card of the line starting at lineStart (its 'F'), already validated by the parser. */
export function fileCardAt(t: ArtifactText, lineStart: number): FileCard {
  const b = t.bytes;
  const tokens: number[] = [];
  for (let at = lineStart + 2; ; ) {
    const end = tokenEnd(b, at);
    tokens.push(at, end);
    if (end >= b.length || b[end] === 0x0a) break;
    at = end + 1;
  }
  const [ns, ne, hs, he, ps, pe, os, oe] = tokens;
  const name = t.unescaped(ns!, ne!);
  const uuid = hs === undefined ? null : t.raw(hs, he!);
  const permTok = ps === undefined ? undefined : t.str(ps, pe!);
  const perm = permTok === undefined ? '' : permTok.includes('x') ? 'x' : permTok.includes('l') ? 'l' : '';
  const file: FileCard = { name, uuid, perm };
  if (os !== undefined) file.oldName = decodeLossless(defossilizeBytes(b.subarray(os, oe)));
  if (permTok !== undefined && permTok !== canonicalPermToken(file)) file.permToken = permTok;
  return file;
}

/** A name's bytes, unescaped: [s, e) of b (the artifact's own bytes unless it had escapes). */
export interface NameBytes {
  readonly b: Uint8Array;
  readonly s: number;
  readonly e: number;
}

/** The name of the F line at lineStart, unescaped. */
export function nameAt(t: ArtifactText, lineStart: number): NameBytes {
  const ns = lineStart + 2;
  const ne = tokenEnd(t.bytes, ns);
  if (!t.hasBackslash(ns, ne)) return { b: t.bytes, s: ns, e: ne };
  const kb = defossilizeBytes(t.bytes.subarray(ns, ne));
  return { b: kb, s: 0, e: kb.length };
}

/** Names unescaped, in byte order (upstream's strcmp): negative, zero or positive. */
export function compareNameBytes(x: NameBytes, y: NameBytes): number {
  return compareByteRanges(x.b, x.s, x.e, y.b, y.s, y.e);
}

/** Is the F line at lineStart one fossil ignores (a name of its own check-out database)? */
export function isReservedLine(t: ArtifactText, lineStart: number): boolean {
  const n = nameAt(t, lineStart);
  return isReservedName(n.b, n.s, n.e);
}

/** Every file card, in order (reserved names left out, as the parser leaves them out). */
function fileCardsOf(lines: FileLines): FileCard[] {
  const out: FileCard[] = [];
  for (let at = lines.start; at < lines.end; at = lines.text.lineEnd(at) + 1) {
    if (!lines.plain && isReservedLine(lines.text, at)) continue;
    out.push(fileCardAt(lines.text, at));
  }
  return out;
}

/** What the printer writes as the permission argument: the form fossil's commit writes. */
export function canonicalPermToken(f: FileCard): string | undefined {
  if (f.uuid === null) return undefined;
  if (f.perm === 'x' || f.perm === 'l') return f.perm;
  return f.oldName !== undefined ? 'w' : undefined;
}
