/**
 * The `mlink` table: for each check-in and each of its parents, the files whose content, name or
 * permissions changed between them (upstream add_mlink / add_one_mlink).
 *
 *   fid 0   the file was deleted         pid 0    the file was added
 *   pid -1  added by a merge (set later by the caller)
 *   pfnid   the previous name when renamed, else 0
 *   isaux   the row compares with a merge parent; such rows are only kept for files that also
 *           changed relative to the primary parent
 *
 * Either side of a parent/child pair can arrive first, so the analysis runs from whichever
 * check-in is being linked, fetching the other one from the repository.
 */
import type { Artifact, FileCard } from '../../fossil/artifact-types.ts';
import { allFiles, compareNames, findFile, loadBaseline, ownFile, permCode } from './manifest-files.ts';
import { compareNameBytes, fileCardAt, fileLinesOf, nameAt, type FileLines } from '../../fossil/file-lines.ts';
import { sameLines } from '../../fossil/line-runs.ts';
import type { CrosslinkSession } from './session.ts';
import { standaloneString } from '../../fossil/bytes.ts';

/** Children at most this much younger than their parent (or older) may get their times nudged. */
export const TIME_FUDGE_WINDOW = 2.0 / 86400.0;

export function filenameId(s: CrosslinkSession, name: string): number {
  const known = s.filenameIds.get(name);
  if (known !== undefined) return known;
  const fnid = s.db.value<number>('SELECT fnid FROM filename WHERE name=?', name)
    ?? s.db.prepare('INSERT INTO filename(name) VALUES(?)').run(name).lastInsertRowid;
  s.filenameIds.set(standaloneString(name), fnid);
  return fnid;
}

function isPrivate(s: CrosslinkSession, rid: number): boolean {
  return s.db.prepare('SELECT 1 FROM private WHERE rid=?').get(rid) !== undefined;
}

/** One mlink row (upstream add_one_mlink). */
export function addOneMlink(
  s: CrosslinkSession,
  pmid: number,
  fromUuid: string | null | undefined,
  mid: number,
  toUuid: string | null | undefined,
  name: string,
  prior: string | null | undefined,
  isPublic: boolean,
  isPrimary: boolean,
  mperm: number,
): void {
  const db = s.db;
  // Names and phantoms are created even when the row itself turns out not to be wanted.
  const fnid = filenameId(s, name);
  const pfnid = prior ? filenameId(s, prior) : 0;
  const pid = fromUuid ? s.ensure(fromUuid) : 0;
  const fid = toUuid ? s.ensure(toUuid) : 0;
  if (fid && isPublic) db.prepare('DELETE FROM private WHERE rid=?').run(fid);
  if (!isPrimary) {
    // +fnid keeps SQLite on the mid index: the fnid index would scan the file's whole history.
    const primaryChanged = db.prepare('SELECT 1 FROM mlink WHERE mid=? AND +fnid=? AND NOT isaux').get(mid, fnid);
    if (primaryChanged === undefined) return;
  }
  db.prepare('INSERT INTO mlink(mid,fid,pmid,pid,fnid,pfnid,mperm,isaux) VALUES(?,?,?,?,?,?,?,?)')
    .run(mid, fid, pmid, pid, fnid, pfnid, mperm, isPrimary ? 0 : 1);
}

/** A child stamped within TIME_FUDGE_WINDOW after its parent (or before it): nudge the parent at the session's end. */
function noteTimeFudge(s: CrosslinkSession, pmid: number, parent: Artifact, mid: number, child: Artifact | undefined): void {
  if (child && (child.julian ?? 0) < (parent.julian ?? 0) + TIME_FUDGE_WINDOW) {
    s.timeFudges.set(pmid, { parentTime: parent.julian ?? 0, child: mid, childTime: child.julian ?? 0 });
  }
}

/**
 * mlink rows for the step from check-in pmid to its child mid. Exactly one of parent and child is
 * given; the other is loaded by rid. Nothing happens when the other one is not available yet: the
 * rows are made when it arrives and is linked in turn.
 */
export function addMlinks(
  s: CrosslinkSession,
  pmid: number,
  parentIn: Artifact | undefined,
  mid: number,
  childIn: Artifact | undefined,
  isPrim: boolean,
): void {
  if (s.db.prepare('SELECT 1 FROM mlink WHERE mid=? AND pmid=?').get(mid, pmid) !== undefined) {
    // The rows were made when the child was linked, while this parent's content was there but its
    // timeline entry not yet (a clone links in rounds): the parent's nudge is due now that it has one.
    if (parentIn) noteTimeFudge(s, pmid, parentIn, mid, s.artifact(mid));
    return;
  }
  const otherRid = parentIn ? mid : pmid;
  const other = s.artifact(otherRid);
  if (!other) return;
  const parent = parentIn ?? other;
  const child = childIn ?? other;
  if (!loadBaseline(s, pmid, parent) || !loadBaseline(s, mid, child)) return;
  const isPublic = !isPrivate(s, mid);

  // A merge parent's rows depend on the primary parent's, so wait for the primary parent.
  if (!isPrim && otherRid === mid) {
    const primary = child.parents[0];
    if (!primary || s.db.prepare('SELECT 1 FROM blob WHERE uuid=? AND size>0').get(primary) === undefined) return;
  }

  noteTimeFudge(s, pmid, parent, mid, child);

  const add: AddRow = (from, to, name, prior, mperm) =>
    addOneMlink(s, pmid, from, mid, to, name, prior, isPublic, isPrim, mperm);

  if (!parent.baseline && !child.baseline) {
    compareFullManifests(parent, child, add);
  } else {
    compareWithBaselines(parent, child, add);
  }

  if (isPrim) {
    for (const merged of child.parents.slice(1)) {
      const rid = s.ridOf(merged);
      if (rid > 0) addMlinks(s, rid, undefined, mid, child, false);
    }
    for (const cp of child.cherrypicks) {
      if (cp.op !== '+') continue;
      const rid = s.ridOf(cp.target);
      if (rid > 0) addMlinks(s, rid, undefined, mid, child, false);
    }
  }
}

export type AddRow = (
  from: string | null | undefined,
  to: string | null | undefined,
  name: string,
  prior: string | null | undefined,
  mperm: number,
) => void;

/** A child file that carries a previous name: compare with the parent's file of that name. */
function renamed(parent: Artifact, cf: FileCard, add: AddRow): void {
  const pf = findFile(parent, cf.oldName!);
  if (pf) add(pf.uuid, cf.uuid, cf.name, cf.oldName, permCode(cf));
  else add(null, cf.uuid, cf.name, null, permCode(cf)); // renamed from a name the parent lacks: new
}

/**
 * Two full manifests, both sorted by name: one merge pass finds added, changed and deleted files
 * (the same rows upstream finds with a lookup per file in each direction).
 */
export function compareFullManifests(parent: Artifact, child: Artifact, add: AddRow): void {
  const cl = fileLinesOf(child);
  const pl = fileLinesOf(parent);
  if (cl?.plain && pl?.plain) return compareFileLines(pl, cl, add);
  const cfs = child.files;
  const pfs = parent.files;
  let i = 0;
  let j = 0;
  while (i < cfs.length || j < pfs.length) {
    const c = i >= cfs.length ? 1 : j >= pfs.length ? -1 : compareNames(cfs[i]!.name, pfs[j]!.name);
    if (c < 0) {
      const cf = cfs[i++]!;
      if (cf.oldName) renamed(parent, cf, add);
      else if (cf.uuid) add(null, cf.uuid, cf.name, null, permCode(cf));
    } else if (c > 0) {
      const pf = pfs[j++]!;
      if (pf.uuid) add(pf.uuid, null, pf.name, null, 0);
    } else {
      const cf = cfs[i++]!;
      const pf = pfs[j++]!;
      if (cf.oldName) renamed(parent, cf, add);
      else if (cf.uuid !== pf.uuid || cf.perm !== pf.perm) add(pf.uuid, cf.uuid, cf.name, null, permCode(cf));
    }
  }
}

/**
 * Two full manifests as parsed, neither with renamed or reserved names: the same merge
 * on the lines themselves. Runs of lines both have are skipped with a byte comparison
 * (line-runs.ts), and only the lines between runs become FileCards. When one of the two was
 * parsed against the other, the parse found those lines already (LinesAgainst).
 */
function compareFileLines(parent: FileLines, child: FileLines, add: AddRow): void {
  const ct = child.text;
  const pt = parent.text;
  // Either may have been parsed against the other: the lines that differ are known then.
  const known = child.against?.ref === parent.serial ? { c: child.against.own, p: child.against.refOwn }
    : parent.against?.ref === child.serial ? { c: parent.against.refOwn, p: parent.against.own }
    : undefined;
  if (known) {
    const { c: cOwn, p: pOwn } = known;
    let i = 0;
    let j = 0;
    while (i < cOwn.length || j < pOwn.length) {
      const c = lineStep(ct, i < cOwn.length ? cOwn[i]! : -1, pt, j < pOwn.length ? pOwn[j]! : -1, add);
      if (c <= 0) i++;
      if (c >= 0) j++;
    }
    return;
  }
  let ci = child.start;
  let pi = parent.start;
  while (ci < child.end || pi < parent.end) {
    if (ci < child.end && pi < parent.end) {
      const run = sameLines(ct, ci, child.end, pt, pi, parent.end);
      if (run > 0) {
        ci += run;
        pi += run;
        continue;
      }
    }
    const c = lineStep(ct, ci < child.end ? ci : -1, pt, pi < parent.end ? pi : -1, add);
    if (c <= 0) ci = ct.lineEnd(ci) + 1;
    if (c >= 0) pi = pt.lineEnd(pi) + 1;
  }
}

/**
 * One step of the merge: the child's line at ci against the parent's at pi (-1: none left).
 * Adds the row, if any, and returns the names' order: below 0 the child's line was added, above
 * 0 the parent's was deleted, 0 both name the same file.
 */
function lineStep(ct: FileLines['text'], ci: number, pt: FileLines['text'], pi: number, add: AddRow): number {
  // Unescaped names compare as bytes, as upstream's strcmp compares them.
  const c = ci < 0 ? 1 : pi < 0 ? -1 : compareNameBytes(nameAt(ct, ci), nameAt(pt, pi));
  if (c < 0) {
    const cf = fileCardAt(ct, ci);
    add(null, cf.uuid, cf.name, null, permCode(cf));
  } else if (c > 0) {
    const pf = fileCardAt(pt, pi);
    add(pf.uuid, null, pf.name, null, 0);
  } else {
    const cf = fileCardAt(ct, ci);
    const pf = fileCardAt(pt, pi);
    if (cf.uuid !== pf.uuid || cf.perm !== pf.perm) add(pf.uuid, cf.uuid, cf.name, null, permCode(cf));
  }
  return c;
}

/** The general case, with a delta-manifest on either side (upstream's loops, as they are). */
function compareWithBaselines(parent: Artifact, child: Artifact, add: AddRow): void {
  // The child's own cards: where nearly every change shows up.
  for (const cf of child.files) {
    const mperm = permCode(cf);
    if (cf.oldName) {
      const pf = findFile(parent, cf.oldName);
      if (pf) add(pf.uuid, cf.uuid, cf.name, cf.oldName, mperm);
      else add(null, cf.uuid, cf.name, null, mperm); // renamed from a name the parent lacks: new
    } else {
      const pf = findFile(parent, cf.name);
      if (!pf) {
        if (cf.uuid) add(null, cf.uuid, cf.name, null, mperm);
      } else if (cf.uuid !== pf.uuid || permCode(pf) !== mperm) {
        add(pf.uuid, cf.uuid, cf.name, null, mperm);
      }
    }
  }

  if (parent.baseline && child.baseline) {
    // Both are delta-manifests: files the parent changed or deleted that the child takes back
    // from the baseline (or brings back) are changes too.
    for (const pf of parent.files) {
      if (pf.uuid) {
        if (!ownFile(child, pf.name)) {
          const cf = findFile(child, pf.name);
          if (cf) add(pf.uuid, cf.uuid, cf.name, null, permCode(cf));
        }
      } else {
        const cf = findFile(child, pf.name);
        if (cf) add(null, cf.uuid, cf.name, null, permCode(cf));
      }
    }
  } else if (!child.baseline) {
    // A full manifest: whatever the parent has that the child lacks was deleted.
    for (const pf of allFiles(parent)) {
      if (pf.uuid && !findFile(child, pf.name)) add(pf.uuid, null, pf.name, null, 0);
    }
  }
}
