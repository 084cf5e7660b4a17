/**
 * Check-ins (manifests): parent links, file changes, the timeline entry, cherry-pick records.
 * T cards are applied by the caller, after this, as for other artifact types.
 */
import type { Artifact } from '../../fossil/artifact-types.ts';
import { TagId } from '../schema.ts';
import { BacklinkSource, extractBacklinks, MimeType } from './backlinks.ts';
import { addMlinks, addOneMlink } from './mlink.ts';
import { permCode } from './manifest-files.ts';
import type { CrosslinkSession } from './session.ts';
import { userOf } from './fields.ts';
import { sqlTextOf } from '../../fossil/utf8-lossless.ts';

/**
 * plink and mlink rows for check-in rid with the given parents (its P cards, or a replacement
 * list from a `parent` tag). Returns the primary parent's rid, or 0 for a root check-in.
 */
export function addCheckinLinkages(s: CrosslinkSession, rid: number, a: Artifact, parents: readonly string[]): number {
  const db = s.db;
  const baseid = a.baseline ? s.ensure(a.baseline) : null;
  const mtime = a.julian ?? 0;
  let primary = 0;
  const insertLink = db.prepare('INSERT OR IGNORE INTO plink(pid, cid, isprim, mtime, baseid) VALUES(?,?,?,?,?)');
  parents.forEach((uuid, i) => {
    const pid = s.ensure(uuid);
    insertLink.run(pid, rid, i === 0 ? 1 : 0, mtime, baseid);
    if (i === 0) primary = pid;
  });
  addMlinks(s, primary, undefined, rid, a, true);
  markMergeAdditions(s, rid, a, parents.length);
  const children = db.prepare('SELECT cid, isprim FROM plink WHERE pid=?').all<{ cid: number; isprim: number }>(rid);
  for (const c of children) {
    addMlinks(s, rid, a, c.cid, undefined, !!c.isprim);
    // Upstream marks merge additions only when the child itself is linked, so the mark depends on
    // arrival order; marking again whenever a child gains rows gives the answer fossil's rebuild
    // gives when parents come first, whatever the order.
    const child = s.artifact(c.cid);
    if (child && child.type === 'manifest') markMergeAdditions(s, c.cid, child, child.parents.length);
  }
  // Check-ins that cherry-picked this one, linked before it arrived, compare with it too.
  const pickers = db.prepare('SELECT childid FROM cherrypick WHERE parentid=? AND NOT isExclude').column<number>(rid);
  for (const cid of pickers) {
    addMlinks(s, rid, a, cid, undefined, false);
    const child = s.artifact(cid);
    if (child && child.type === 'manifest') markMergeAdditions(s, cid, child, child.parents.length);
  }
  if (parents.length === 0) {
    const isPublic = db.prepare('SELECT 1 FROM private WHERE rid=?').get(rid) === undefined;
    for (const f of a.files) addOneMlink(s, 0, null, rid, f.uuid, f.name, null, isPublic, true, permCode(f));
  }
  return primary;
}

/**
 * Files that a check-in with several parents (merges, cherry-picks) adds relative to its primary
 * parent but that some other parent already had came in by the merge: mlink.pid -1 instead of 0.
 */
function markMergeAdditions(s: CrosslinkSession, rid: number, a: Artifact, parentCount: number): void {
  const links = parentCount + a.cherrypicks.filter((c) => c.op === '+').length;
  if (links <= 1) return;
  // Recomputed from scratch each time: a parent that arrived since may show a file was new after all.
  // The unary + keeps SQLite on the mid index: the pid index would scan every file addition of
  // the whole history (pid=0) for the few rows of one check-in.
  s.db.prepare('UPDATE mlink SET pid=0 WHERE mid=? AND +pid=-1').run(rid);
  s.db.prepare(
    `UPDATE mlink SET pid=-1
      WHERE mid=? AND +pid=0
        AND fnid IN (SELECT fnid FROM mlink WHERE mid=? GROUP BY fnid HAVING count(*)<?)`,
  ).run(rid, rid, links);
}

/**
 * Link check-in rid. Returns the primary parent's rid when the check-in was linked now (its tags
 * then need propagating from the parent), 0 when it was already linked or is a root.
 */
export function crosslinkCheckin(s: CrosslinkSession, rid: number, a: Artifact): number {
  const db = s.db;
  for (const cp of a.cherrypicks) {
    // Upstream records a cherry-pick only if its source is already known. Outside a rebuild
    // (where everything is present) the source may simply not have arrived yet: make it a
    // phantom so the record is not lost and the source gets fetched.
    const source = s.rebuilding ? s.ridOf(cp.target) : s.ensure(cp.target);
    if (source) {
      db.prepare('REPLACE INTO cherrypick(parentid,childid,isExclude) VALUES(?,?,?)')
        .run(source, rid, cp.op === '-' ? 1 : 0);
    }
  }
  if (db.prepare('SELECT 1 FROM mlink WHERE mid=?').get(rid) !== undefined) return 0;
  const primary = addCheckinLinkages(s, rid, a, a.parents);
  const mtime = a.julian ?? 0;
  // Property tags may have arrived before the check-in itself; the event picks them up here.
  db.prepare(
    `REPLACE INTO event(type,mtime,objid,user,comment,bgcolor,euser,ecomment,omtime)
     VALUES('ci',
       coalesce((SELECT julianday(value) FROM tagxref WHERE tagid=${TagId.date} AND rid=?), ?),
       ?, CAST(? AS TEXT), CAST(? AS TEXT),
       (SELECT value FROM tagxref WHERE tagid=${TagId.bgcolor} AND rid=? AND tagtype>0),
       (SELECT value FROM tagxref WHERE tagid=${TagId.user} AND rid=?),
       (SELECT value FROM tagxref WHERE tagid=${TagId.comment} AND rid=?),
       ?)`,
  ).run(rid, mtime, rid, ((u) => (u === null ? null : sqlTextOf(u)))(userOf(a)), a.comment === undefined ? null : sqlTextOf(a.comment), rid, rid, rid, mtime);
  // Links in the comment. A comment tag that arrived before the check-in has the last word, as
  // it would have had arriving after: its text (none if it cancels), stamped with its time.
  const edit = db.get<{ value: string | null; mtime: number }>(
    `SELECT value, mtime FROM tagxref WHERE tagid=${TagId.comment} AND rid=? AND tagtype<2`, rid);
  if (edit) {
    extractBacklinks(s, edit.value ?? '', MimeType.none, rid, BacklinkSource.comment, edit.mtime, true);
  } else {
    const shown = db.value<string>('SELECT coalesce(ecomment,comment) FROM event WHERE objid=?', rid);
    extractBacklinks(s, shown ?? '', MimeType.none, rid, BacklinkSource.comment, mtime, true);
  }
  if (a.baseline) {
    // Once a repository holds delta-manifests, commit may write them too.
    if (db.value("SELECT value FROM config WHERE name='seen-delta-manifest'") !== '1') {
      db.run("REPLACE INTO config(name,value,mtime) VALUES('seen-delta-manifest','1',CAST(strftime('%s','now') AS INTEGER))");
    }
  }
  return primary;
}
