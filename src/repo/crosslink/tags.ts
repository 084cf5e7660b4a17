/**
 * Tags and properties (upstream tag.c): `tagxref` rows, their effect on the timeline, and the
 * propagation of `*` tags down the primary-parent line.
 *
 * tagxref.tagtype: 0 cancels, 1 applies to one artifact, 2 propagates. A propagated copy has
 * srcid 0 and origid = the check-in the tag was placed on. An older tag never overrides a newer
 * one on the same artifact, which is what makes the result independent of arrival order.
 */
import { TagId } from '../schema.ts';
import { extractBacklinks, BacklinkSource, MimeType } from './backlinks.ts';
import { reparentCheckin } from './reparent.ts';
import { scheduleLeafCheck } from './leaf.ts';
import type { CrosslinkSession } from './session.ts';

export type TagType = 0 | 1 | 2;

/** The tagtype a T-card prefix stands for. */
export function tagTypeOf(op: '+' | '*' | '-'): TagType {
  return op === '-' ? 0 : op === '+' ? 1 : 2;
}

/** The event column a property tag overrides for display. */
const EVENT_COLUMN_OF: Record<number, string> = {
  [TagId.bgcolor]: 'bgcolor',
  [TagId.comment]: 'ecomment',
  [TagId.user]: 'euser',
};

/**
 * Record tag `name` (without prefix) on artifact rid, as declared by artifact srcId at time
 * mtime, and apply its side effects. Returns the tagid.
 */
export function insertTag(
  s: CrosslinkSession,
  name: string,
  tagtype: TagType,
  value: string | null,
  srcId: number,
  mtime: number,
  rid: number,
): number {
  const db = s.db;
  const tagid = s.ensureTagId(name);
  if (mtime <= 0) mtime = db.value<number>("SELECT julianday('now')")!;
  if (db.prepare('SELECT 1 FROM tagxref WHERE tagid=? AND rid=? AND mtime>=?').get(tagid, rid, mtime)) {
    return tagid; // a newer statement about this tag on this artifact already stands
  }
  db.prepare('REPLACE INTO tagxref(tagid,tagtype,srcid,origid,value,mtime,rid) VALUES(?,?,?,?,?,?,?)')
    .run(tagid, tagtype, srcId, rid, value, mtime, rid);
  if (tagid === TagId.branch) scheduleLeafCheck(s, rid);
  const shown = tagtype === 0 ? null : value;
  const column = EVENT_COLUMN_OF[tagid];
  if (column) {
    db.prepare(`UPDATE event SET "${column}"=? WHERE objid=?`).run(shown, rid);
    if (tagid === TagId.comment) {
      extractBacklinks(s, shown ?? '', MimeType.none, rid, BacklinkSource.comment, mtime, true);
    }
  }
  if (tagid === TagId.private) db.prepare('INSERT OR IGNORE INTO private(rid) VALUES(?)').run(rid);
  if (tagid === TagId.date) {
    // A cancelled date makes julianday(NULL): upstream then shows no time at all; so do we.
    db.prepare('UPDATE event SET mtime=julianday(?), omtime=coalesce(omtime,mtime) WHERE objid=?').run(shown, rid);
  }
  if (tagid === TagId.parent && tagtype === 1) reparentCheckin(s, rid, value ?? '');
  propagateTag(s, rid, tagid, tagtype === 2 ? 2 : 0, rid, shown, mtime);
  return tagid;
}

/**
 * Carry tag tagid from check-in pid down to its primary descendants: with tagType 2 as propagated
 * copies, with tagType 0 by removing propagated copies older than mtime (a cancellation, or a
 * one-off tag blocking an inherited one).
 */
export function propagateTag(
  s: CrosslinkSession,
  pid: number,
  tagid: number,
  tagType: 0 | 2,
  origId: number,
  value: string | null,
  mtime: number,
): void {
  const db = s.db;
  const children = db.prepare(
    `SELECT cid, coalesce(srcid=0 AND tagxref.mtime<?, ?) AS doit
       FROM plink LEFT JOIN tagxref ON cid=rid AND tagid=?
      WHERE pid=? AND isprim`,
  );
  const apply = tagType === 2
    ? db.prepare('REPLACE INTO tagxref(tagid, tagtype, srcid, origid, value, mtime, rid) VALUES(?,2,0,?,?,?,?)')
    : db.prepare('DELETE FROM tagxref WHERE tagid=? AND rid=?');
  const setColor = db.prepare('UPDATE event SET bgcolor=? WHERE objid=?');
  const shown = tagType === 2 ? value : null;
  // Primary-parent links form a tree, so each descendant is normally reached once; the visited
  // set only guards against a damaged history looping back on itself.
  const queue = [pid];
  const visited = new Set(queue);
  while (queue.length > 0) {
    const parent = queue.pop()!;
    for (const row of children.all<{ cid: number; doit: number }>(mtime, tagType === 2 ? 1 : 0, tagid, parent)) {
      if (!row.doit || visited.has(row.cid)) continue;
      const cid = row.cid;
      visited.add(cid);
      queue.push(cid);
      if (tagType === 2) apply.run(tagid, origId, shown, mtime, cid);
      else apply.run(tagid, cid);
      if (tagid === TagId.bgcolor) setColor.run(shown, cid);
      if (tagid === TagId.branch) scheduleLeafCheck(s, cid);
    }
  }
}

/** Push every tag check-in pid carries down to its primary children (after new links appear). */
export function propagateAllTags(s: CrosslinkSession, pid: number): void {
  const rows = s.db.prepare('SELECT tagid, tagtype, mtime, value, origid FROM tagxref WHERE rid=?').all<{
    tagid: number; tagtype: number; mtime: number; value: string | null; origid: number;
  }>(pid);
  for (const r of rows) {
    propagateTag(s, pid, r.tagid, r.tagtype === 2 ? 2 : 0, r.origid, r.value, r.mtime);
  }
}
