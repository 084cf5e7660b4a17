/**
 * A line diff cut into hunks the way fossil's unified diff cuts it (diff.c, contextDiff): the
 * edit is a list of (lines kept, lines deleted, lines inserted) triples; a hunk shows `context`
 * lines around its changes (fossil's default is 5), and two changes share a hunk when fewer than
 * twice that many lines lie between them. With `ignoreWhitespace` lines that differ only in
 * whitespace count as the same (`fossil diff -w`). The line matching is fossil's (fossil-diff.ts).
 */
import { fossilEditScript } from './fossil-diff.ts';
import type { DiffHunk } from '../peer/browse-types.ts';

export interface LineDiffOptions {
  /** Lines of context around each change (fossil: 5). */
  context?: number;
  /** Lines equal but for whitespace are the same line (`fossil diff -w`). */
  ignoreWhitespace?: boolean;
}

export const FOSSIL_CONTEXT = 5;

const enc = new TextEncoder();
const splitLines = (s: string) => (s === '' ? [] : s.replace(/\n$/, '').split('\n'));

/** The hunks of the change from A to B; null when a line is too long to diff (over 32767 bytes, as fossil). */
export function lineHunks(a: string, b: string, opts: LineDiffOptions = {}): DiffHunk[] | null {
  const n = opts.context ?? FOSSIL_CONTEXT;
  const A = splitLines(a);
  const B = splitLines(b);
  const R = fossilEditScript(enc.encode(a), enc.encode(b), { ignoreWhitespace: opts.ignoreWhitespace ?? false });
  if (!R) return null;
  const hunks: DiffHunk[] = [];
  let ai = 0;
  let bi = 0;
  let mxr = R.length;
  while (mxr > 2 && R[mxr - 1] === 0 && R[mxr - 2] === 0) mxr -= 3;
  for (let r = 0, nr = 1; r < mxr; r += 3 * nr) {
    // fossil's rule: the next triple joins while the lines kept before it are fewer than 2n; so
    // the kept lines after the last change show in full when fewer than 2n.
    for (nr = 1; R[r + nr * 3]! > 0 && R[r + nr * 3]! < n * 2; nr++) { /* more triples in this hunk */ }
    const skip = R[r]! > n ? R[r]! - n : 0;
    const lines: string[] = [];
    let a0 = ai + skip;
    let b0 = bi + skip;
    const oldStart = a0;
    const newStart = b0;
    for (let j = 0; j < R[r]! - skip; j++) lines.push(` ${A[a0 + j]!}`);
    a0 += R[r]! - skip;
    b0 += R[r]! - skip;
    for (let i = 0; i < nr; i++) {
      for (let j = 0; j < R[r + i * 3 + 1]!; j++) lines.push(`-${A[a0 + j]!}`);
      a0 += R[r + i * 3 + 1]!;
      for (let j = 0; j < R[r + i * 3 + 2]!; j++) lines.push(`+${B[b0 + j]!}`);
      b0 += R[r + i * 3 + 2]!;
      if (i < nr - 1) {
        for (let j = 0; j < R[r + i * 3 + 3]!; j++) lines.push(` ${A[a0 + j]!}`);
        a0 += R[r + i * 3 + 3]!;
        b0 += R[r + i * 3 + 3]!;
      }
    }
    const tail = Math.min(R[r + nr * 3] ?? 0, n);
    for (let j = 0; j < tail; j++) lines.push(` ${A[a0 + j]!}`);
    const oldLines = lines.filter((l) => l[0] !== '+').length;
    const newLines = lines.filter((l) => l[0] !== '-').length;
    hunks.push({ oldStart: oldLines ? oldStart + 1 : oldStart, oldLines, newStart: newLines ? newStart + 1 : newStart, newLines, lines });
    ai = a0;
    bi = b0;
  }
  return hunks;
}
