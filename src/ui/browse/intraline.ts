/**
 * Intra-line highlighting: in a run of removed lines followed by added lines, the i-th removed
 * and i-th added line are compared word by word, and the parts that differ are marked.
 */
import { diffWordsWithSpace } from 'diff';

/** A piece of a line; `changed` marks what the other line of the pair lacks. */
export interface Piece { text: string; changed: boolean }

/** Longer pairs are left unmarked (the word diff grows with their product). */
const MAX_PAIR = 2_000;

/** Pieces of each line of a hunk's lines (`-x`, `+y`, ` z`), by index; lines with no pair are absent. */
export function intralinePieces(lines: string[]): Map<number, Piece[]> {
  const out = new Map<number, Piece[]>();
  let i = 0;
  while (i < lines.length) {
    if (lines[i]![0] !== '-') { i++; continue; }
    const dels: number[] = [];
    while (i < lines.length && lines[i]![0] === '-') dels.push(i++);
    const adds: number[] = [];
    while (i < lines.length && lines[i]![0] === '+') adds.push(i++);
    for (let k = 0; k < Math.min(dels.length, adds.length); k++) {
      const a = lines[dels[k]!]!.slice(1);
      const b = lines[adds[k]!]!.slice(1);
      if (a.length + b.length > MAX_PAIR || a === b) continue;
      const del: Piece[] = [];
      const add: Piece[] = [];
      for (const p of diffWordsWithSpace(a, b)) {
        if (!p.added) del.push({ text: p.value, changed: !!p.removed });
        if (!p.removed) add.push({ text: p.value, changed: !!p.added });
      }
      // A line changed all over is shown plainly: marking all of it says nothing.
      if (del.some((x) => !x.changed && x.text.trim())) {
        out.set(dels[k]!, del);
        out.set(adds[k]!, add);
      }
    }
  }
  return out;
}
