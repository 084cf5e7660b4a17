/**
 * The file list of a check-in, including delta-manifests (B card): a delta-manifest lists only
 * the files that differ from its baseline, and a file card without a hash deletes the baseline's
 * file. Lookups go through per-artifact indexes built on first use.
 */
import type { Artifact, FileCard } from '../../fossil/artifact-types.ts';
import type { CrosslinkSession } from './session.ts';

const baselines = new WeakMap<Artifact, Artifact>();
/** Per artifact, the index of the file found last: lookups mostly walk the list in order. */
const lastFound = new WeakMap<Artifact, number>();

/** The artifact's own F card for name (possibly a deletion in a delta-manifest). */
export function ownFile(a: Artifact, name: string): FileCard | undefined {
  const files = a.files;
  const guess = (lastFound.get(a) ?? -1) + 1;
  if (guess < files.length && files[guess]!.name === name) {
    lastFound.set(a, guess);
    return files[guess];
  }
  // F cards are sorted by name (the parser insists), so binary search.
  let lo = 0;
  let hi = files.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareNames(files[mid]!.name, name);
    if (c < 0) lo = mid + 1;
    else if (c > 0) hi = mid - 1;
    else {
      lastFound.set(a, mid);
      return files[mid];
    }
  }
  return undefined;
}

/**
 * Make sure a delta-manifest's baseline is at hand. When it is not (its content has not
 * arrived, or it is not a check-in), record the manifest as an orphan waiting for it and return
 * false (upstream fetch_baseline without throwError).
 */
export function loadBaseline(s: CrosslinkSession, rid: number, a: Artifact): boolean {
  if (!a.baseline || baselines.has(a)) return true;
  const baseRid = s.ensure(a.baseline);
  const base = s.artifact(baseRid);
  if (!base || base.type !== 'manifest') {
    s.db.prepare('INSERT OR IGNORE INTO orphan(rid, baseline) VALUES(?,?)').run(rid, baseRid);
    return false;
  }
  baselines.set(a, base);
  return true;
}

/** The file named name in check-in a (looking through to the baseline), or undefined if absent. */
export function findFile(a: Artifact, name: string): FileCard | undefined {
  const own = ownFile(a, name);
  if (own) return own.uuid ? own : undefined;
  const base = baselines.get(a);
  return base ? ownFile(base, name) : undefined;
}

/** Every file of check-in a, the baseline's merged with the delta's changes, in name order. */
export function allFiles(a: Artifact): FileCard[] {
  const base = baselines.get(a);
  if (!a.baseline || !base) return a.files;
  const merged = new Map<string, FileCard>();
  for (const f of base.files) merged.set(f.name, f);
  for (const f of a.files) {
    if (f.uuid) merged.set(f.name, f);
    else merged.delete(f.name);
  }
  return [...merged.values()].sort((x, y) => compareNames(x.name, y.name));
}

/** Byte order of the UTF-8 encodings, which is code point order (what C's strcmp gives). */
export function compareNames(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 order equals code point order except between surrogates and U+E000..U+FFFF.
    if (x < 0xd800 || y < 0xd800) return x - y;
    return a.codePointAt(i)! - b.codePointAt(i)!;
  }
  return a.length - b.length;
}

/** mlink.mperm of a file card: 0 regular, 1 executable, 2 symlink. */
export function permCode(f: FileCard | undefined): number {
  if (!f) return 0;
  return f.perm === 'x' ? 1 : f.perm === 'l' ? 2 : 0;
}
