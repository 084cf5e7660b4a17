/**
 * Runs of identical lines in two texts, found with the engine's string comparison (a native
 * memory compare) rather than a loop over bytes: the F lines of a check-in and of its parent are
 * mostly the same, and a loop over them costs several nanoseconds a byte where the comparison
 * costs a fraction of one.
 *
 * Texts here hold one character per byte (artifact-text.ts), so equal characters are equal bytes.
 */


/**
 * How many characters, from a[ai] and b[bi] (both at the start of a line), make whole lines that
 * are the same in both texts, going no further than aEnd and bEnd. 0 when the first lines differ.
 */
export function sameLines(a: string, ai: number, aEnd: number, b: string, bi: number, bEnd: number): number {
  const most = Math.min(aEnd - ai, bEnd - bi);
  const equal = (from: number, to: number) => a.substring(ai + from, ai + to) === b.substring(bi + from, bi + to);
  // The first line decides whether there is a run at all (most often there is not, or a long one).
  const firstLine = a.indexOf('\n', ai) + 1 - ai;
  if (firstLine <= 0 || firstLine > most || !equal(0, firstLine)) return 0;
  // Gallop: agreeing probes double in length, until one disagrees or the texts end.
  let same = firstLine;
  let bound = most;
  for (let step = Math.min(firstLine * 4, most - same); step > 0; step = Math.min(step * 2, most - same)) {
    if (!equal(same, same + step)) {
      bound = same + step - 1;
      break;
    }
    same += step;
  }
  // Narrow down: the first difference is after `same` and at most at `bound`.
  while (same < bound) {
    const mid = same + Math.ceil((bound - same) / 2);
    if (equal(same, mid)) same = mid;
    else bound = mid - 1;
  }
  // Only whole lines count.
  const lastNewline = a.lastIndexOf('\n', ai + same - 1);
  return lastNewline < ai ? 0 : lastNewline + 1 - ai;
}
