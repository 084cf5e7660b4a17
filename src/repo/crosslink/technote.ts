/**
 * Technotes (event artifacts): the `event-<id>` tag valued with the text length, and one timeline
 * entry per technote, placed at its E-card time and showing only the newest version.
 */
import type { Artifact } from '../../fossil/artifact-types.ts';
import { TagId } from '../schema.ts';
import { relabelAttachments } from './attachment.ts';
import { insertTag } from './tags.ts';
import type { CrosslinkSession } from './session.ts';
import { timeOf, userOf } from './fields.ts';
import { bodyLength } from './wiki.ts';

export function crosslinkTechnote(s: CrosslinkSession, rid: number, a: Artifact): void {
  const db = s.db;
  const id = a.event!.id;
  const tagName = `event-${id}`;
  const tagid = s.ensureTagId(tagName);
  const mtime = timeOf(a);
  insertTag(s, tagName, 1, String(bodyLength(a.wiki)), rid, mtime, rid);
  const prior = a.parents.length > 0 ? s.ridOf(a.parents[0]!) : 0;
  // A version at least as new that is already linked keeps the timeline entry. (As upstream,
  // this only sees newer versions that were linked before this one.)
  const newer = db.value<number>('SELECT rid FROM tagxref WHERE tagid=? AND mtime>=? AND rid!=? ORDER BY mtime', tagid, mtime, rid);
  if (prior && !newer) {
    db.prepare(
      "DELETE FROM event WHERE type='e' AND tagid=? AND objid IN (SELECT rid FROM tagxref WHERE tagid=?)",
    ).run(tagid, tagid);
  }
  if (!newer) {
    db.prepare(
      `REPLACE INTO event(type,mtime,objid,tagid,user,comment,bgcolor)
       VALUES('e',?,?,?,?,?,(SELECT value FROM tagxref WHERE tagid=${TagId.bgcolor} AND rid=?))`,
    ).run(a.event!.julian, rid, tagid, userOf(a), a.comment ?? null, rid);
  }
  relabelAttachments(s, id, 'e');
}
