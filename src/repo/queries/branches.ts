/** Branches, leaves and tags as fossil's `branch ls`, `leaves` and `tag ls` see them. */
import type { Db } from '../../db/db.ts';
import { julianToIso } from './time.ts';

export interface BranchInfo {
  name: string;
  /** Newest check-in on the branch. */
  tip: string;
  time: string;
  checkins: number;
  /** True when every leaf of the branch is closed. */
  closed: boolean;
}

export function branches(db: Db): BranchInfo[] {
  // One pass over the branch tags (a correlated query per branch took seconds on large
  // repositories); SQLite takes the bare rid/uuid columns from the row holding max(mtime).
  const rows = db.all<{ name: string; tip: string; mtime: number; n: number }>(`
    SELECT tagxref.value AS name, blob.uuid AS tip, max(event.mtime) AS mtime, count(*) AS n
      FROM tagxref JOIN event ON event.objid=tagxref.rid JOIN blob ON blob.rid=tagxref.rid
     WHERE tagxref.tagid=8 AND tagxref.tagtype>0 AND event.type='ci'
     GROUP BY tagxref.value ORDER BY tagxref.value`);
  const open = new Map(db.all<{ name: string; n: number }>(`
    SELECT y.value AS name, count(*) AS n FROM leaf JOIN tagxref y ON y.rid=leaf.rid AND y.tagid=8 AND y.tagtype>0
     WHERE NOT EXISTS(SELECT 1 FROM tagxref c WHERE c.rid=leaf.rid AND c.tagid=9 AND c.tagtype>0)
     GROUP BY y.value`).map((r) => [r.name, r.n]));
  return rows.map((r) => ({ name: r.name, tip: r.tip, time: julianToIso(r.mtime), checkins: r.n, closed: !open.get(r.name) }));
}

export interface LeafInfo {
  uuid: string;
  branch: string | null;
  time: string;
  comment: string;
  closed: boolean;
}

export function leaves(db: Db, opts: { includeClosed?: boolean } = {}): LeafInfo[] {
  const rows = db.all<{ uuid: string; branch: string | null; mtime: number; comment: string; closed: number }>(`
    SELECT blob.uuid AS uuid,
           (SELECT value FROM tagxref WHERE rid=leaf.rid AND tagid=8 AND tagtype>0) AS branch,
           event.mtime AS mtime, coalesce(event.ecomment, event.comment, '') AS comment,
           EXISTS(SELECT 1 FROM tagxref WHERE rid=leaf.rid AND tagid=9 AND tagtype>0) AS closed
      FROM leaf JOIN blob ON blob.rid=leaf.rid JOIN event ON event.objid=leaf.rid
     ORDER BY event.mtime DESC`);
  return rows
    .filter((r) => opts.includeClosed || !r.closed)
    .map((r) => ({ uuid: r.uuid, branch: r.branch, time: julianToIso(r.mtime), comment: r.comment, closed: Boolean(r.closed) }));
}

export interface TagInfo {
  name: string;
  /** Check-ins currently carrying the tag. */
  checkins: number;
}

/**
 * Symbolic tags in use (without the sym- prefix), as `fossil tag ls` lists them. tagxref holds
 * one row per (rid, tagid), so a plain count is the number of check-ins.
 */
export function tags(db: Db): TagInfo[] {
  return db.all<TagInfo>(`
    SELECT substr(tagname,5) AS name, count(*) AS checkins
      FROM tag JOIN tagxref USING(tagid)
     WHERE tagname GLOB 'sym-*' AND tagxref.tagtype>0
     GROUP BY tagname ORDER BY tagname`);
}

/**
 * The names of the symbolic tags in use, as `fossil tag ls` prints them, without counting their
 * check-ins (a propagated tag can sit on thousands, which makes tags() slow on large repositories).
 */
export function tagNames(db: Db): string[] {
  return db.prepare(`
    SELECT substr(tagname,5) FROM tag
     WHERE tagname GLOB 'sym-*' AND EXISTS(SELECT 1 FROM tagxref WHERE tagxref.tagid=tag.tagid AND tagxref.tagtype>0)
     ORDER BY tagname`).column<string>();
}
