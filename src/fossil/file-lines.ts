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
import { defossilizeBytes, isReservedName } from './artifact-checks.ts';
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
   * a file, and lines sort by their names unescaped (nameKeyAt).
   */
  readonly plain: boolean;
  /** Every line has a hash (no delta-manifest deletions). */
  readonly allHashed: boolean;
}

const counts = new WeakMap<FileLines, number>();

/** How many of the lines are files (reserved names excluded); counted on first use. */
export function countFiles(lines: FileLines): number {
  let n = counts.get(lines);
  if (n === undefined) {
    n = 0;
    const text = lines.text.text;
    for (let at = lines.start; at < lines.end; at = text.indexOf('\n', at) + 1) {
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

/** The F card of the line starting at lineStart (its 'F'), already validated by the parser. */
export function fileCardAt(t: ArtifactText, lineStart: number): FileCard {
  const text = t.text;
  const lineEnd = text.indexOf('\n', lineStart);
  const tokens: number[] = [];
  for (let at = lineStart + 2; at <= lineEnd; ) {
    let sp = text.indexOf(' ', at);
    if (sp === -1 || sp > lineEnd) sp = lineEnd;
    tokens.push(at, sp);
    at = sp + 1;
  }
  const [ns, ne, hs, he, ps, pe, os, oe] = tokens;
  const name = t.unescaped(ns!, ne!);
  const uuid = hs === undefined ? null : t.raw(hs, he!);
  const permTok = ps === undefined ? undefined : t.str(ps, pe!);
  const perm = permTok === undefined ? '' : permTok.includes('x') ? 'x' : permTok.includes('l') ? 'l' : '';
  const file: FileCard = { name, uuid, perm };
  if (os !== undefined) file.oldName = decodeLossless(defossilizeBytes(t.bytes.subarray(os, oe)));
  if (permTok !== undefined && permTok !== canonicalPermToken(file)) file.permToken = permTok;
  return file;
}

/** Where the name of the F line at lineStart lies, as written (escaped): [start, end). */
export function nameSpanAt(t: ArtifactText, lineStart: number): [number, number] {
  const ns = lineStart + 2;
  const ne = t.text.indexOf(' ', ns);
  const lineEnd = t.text.indexOf('\n', ns);
  return [ns, ne === -1 || ne > lineEnd ? lineEnd : ne];
}

/** The name of the F line at lineStart, unescaped, one character per byte: its sort key. */
export function nameKeyAt(t: ArtifactText, lineStart: number): string {
  const [ns, ne] = nameSpanAt(t, lineStart);
  return t.unescapedRaw(ns, ne);
}

/** Is the F line at lineStart one fossil ignores (a name of its own check-out database)? */
export function isReservedLine(t: ArtifactText, lineStart: number): boolean {
  const [ns, ne] = nameSpanAt(t, lineStart);
  return t.hasBackslash(ns, ne) ? isReservedName(defossilizeBytes(t.bytes.subarray(ns, ne))) : isReservedName(t.bytes, ns, ne);
}

/** Every file card, in order (reserved names left out, as the parser leaves them out). */
function fileCardsOf(lines: FileLines): FileCard[] {
  const out: FileCard[] = [];
  const text = lines.text.text;
  for (let at = lines.start; at < lines.end; at = text.indexOf('\n', at) + 1) {
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
