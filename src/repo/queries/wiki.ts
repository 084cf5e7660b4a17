/** Wiki pages and technotes: the lists `fossil wiki ls [-t]` prints and each one's versions. */
import type { Db } from '../../db/db.ts';
import { julianToIso } from './time.ts';

export interface WikiPageInfo {
  name: string;
  time: string;
  /** Text length of the newest version (0: deleted). */
  size: number;
}

/** Pages whose newest version is not empty, by name, as `fossil wiki ls`. */
export function wikiPages(db: Db): WikiPageInfo[] {
  return db.all<{ name: string; mtime: number; size: string | null }>(
    `SELECT substr(tagname,6) AS name, max(tagxref.mtime) AS mtime,
            (SELECT value FROM tagxref x WHERE x.tagid=tag.tagid ORDER BY x.mtime DESC LIMIT 1) AS size
       FROM tag JOIN tagxref USING(tagid) WHERE tagname GLOB 'wiki-*' GROUP BY tagname ORDER BY tagname`,
  ).map((p) => ({ name: p.name, time: julianToIso(p.mtime), size: Number(p.size) || 0 })).filter((p) => p.size > 0);
}

export interface VersionRef {
  uuid: string;
  time: string;
  user: string;
}

/** The versions of a wiki page (tag `wiki-NAME`) or technote (tag `event-ID`), newest first. */
export function versionsOfTag(db: Db, tagname: string): VersionRef[] {
  return db.all<{ uuid: string; mtime: number; user: string | null }>(
    `SELECT blob.uuid AS uuid, tagxref.mtime AS mtime, (SELECT coalesce(euser,user) FROM event WHERE objid=tagxref.rid) AS user
       FROM tag JOIN tagxref USING(tagid) JOIN blob ON blob.rid=tagxref.rid
      WHERE tag.tagname=? ORDER BY tagxref.mtime DESC`,
    tagname,
  ).map((r) => ({ uuid: r.uuid, time: julianToIso(r.mtime), user: r.user ?? '' }));
}

export interface TechnoteInfo {
  id: string;
  /** Newest version's hash. */
  uuid: string;
  /** The technote's own time (E card). */
  time: string;
  user: string;
  comment: string;
  bgcolor: string | null;
}

/** Technotes, newest (by their E-card time) first. */
export function technotes(db: Db): TechnoteInfo[] {
  return db.all<{ id: string; uuid: string; mtime: number; user: string; comment: string; bgcolor: string | null }>(
    `SELECT substr(tag.tagname,7) AS id, blob.uuid AS uuid, event.mtime AS mtime, coalesce(event.euser,event.user,'') AS user,
            coalesce(event.ecomment,event.comment,'') AS comment, event.bgcolor AS bgcolor
       FROM event JOIN tag ON tag.tagid=event.tagid JOIN blob ON blob.rid=event.objid
      WHERE event.type='e' ORDER BY event.mtime DESC`,
  ).map((r) => ({ id: r.id, uuid: r.uuid, time: julianToIso(r.mtime), user: r.user, comment: r.comment, bgcolor: r.bgcolor }));
}
