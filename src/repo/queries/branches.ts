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

/** A branch as branches() lists it with `tipsOf`: the tip only for the branches it was asked for. */
export type BranchSummary = Omit<BranchInfo, 'tip'> & { tip?: string };

/**
 * Every branch, by name. With `tipsOf: n`, only the n most recently changed open branches (and
 * any as recent as the last of them) carry their tip's hash: a page that shows those first need
 * not look up a hash per branch, each a read anywhere in the blob table.
 */
export function branches(db: Db): BranchInfo[];
export function branches(db: Db, opts: { tipsOf?: number }): BranchSummary[];
export function branches(db: Db, opts: { tipsOf?: number } = {}): BranchSummary[] {
  // One pass over the check-ins (a correlated query per branch took seconds on large
  // repositories), each joined to its branch tag; the tip's hash is looked up per branch only,
  // not per check-in: those lookups land all over the blob table, most of the file. Written so
  // the browsing indexes (browse-indexes.ts) answer it: event_type, then tagxref_branch and
  // tagxref_closed (hence the joins, where a correlated EXISTS would take tagxref's own index).
  // SQLite takes the bare rid column from the row holding max(mtime).
  const perBranch = `
      SELECT tagxref.value AS name, tagxref.rid AS rid, max(event.mtime) AS mtime, count(*) AS n
        FROM event CROSS JOIN tagxref ON tagxref.rid=event.objid AND tagxref.tagid=8 AND tagxref.tagtype>0
       WHERE event.type='ci'
       GROUP BY tagxref.value`;
  const open = new Map(db.all<{ name: string; n: number }>(`
    SELECT y.value AS name, count(*) AS n
      FROM leaf CROSS JOIN tagxref y ON y.rid=leaf.rid AND y.tagid=8 AND y.tagtype>0
      LEFT JOIN tagxref c ON c.rid=leaf.rid AND c.tagid=9 AND c.tagtype>0
     WHERE c.rid IS NULL
     GROUP BY y.value`).map((r) => [r.name, r.n]));
  if (opts.tipsOf === undefined) {
    const rows = db.all<{ name: string; tip: string; mtime: number; n: number }>(`
      SELECT b.name AS name, blob.uuid AS tip, b.mtime AS mtime, b.n AS n FROM (${perBranch}) AS b
        JOIN blob ON blob.rid=b.rid
       ORDER BY b.name`);
    return rows.map((r) => ({ name: r.name, tip: r.tip, time: julianToIso(r.mtime), checkins: r.n, closed: !open.get(r.name) }));
  }
  const rows = db.all<{ name: string; rid: number; mtime: number; n: number }>(`SELECT * FROM (${perBranch}) ORDER BY name`);
  const newestOpen = rows.filter((r) => open.get(r.name)).map((r) => r.mtime).sort((a, b) => b - a);
  const since = opts.tipsOf > 0 ? newestOpen[Math.min(opts.tipsOf, newestOpen.length) - 1] ?? Infinity : Infinity;
  const wanted = rows.filter((r) => open.get(r.name) && r.mtime >= since).map((r) => r.rid);
  const tips = new Map<number, string>();
  for (let i = 0; i < wanted.length; i += 500) {
    for (const t of db.all<{ rid: number; uuid: string }>(`SELECT rid, uuid FROM blob WHERE rid IN (${wanted.slice(i, i + 500).join(',')})`)) tips.set(t.rid, t.uuid);
  }
  return rows.map((r) => {
    const tip = tips.get(r.rid);
    return { name: r.name, ...(tip ? { tip } : {}), time: julianToIso(r.mtime), checkins: r.n, closed: !open.get(r.name) };
  });
}

export interface LeafInfo {
  uuid: string;
  branch: string | null;
  time: string;
  comment: string;
  closed: boolean;
}

/**
 * Leaves, newest first; with `limit`, the newest that many (the page shows those first: each
 * leaf's hash and comment are reads anywhere in the file).
 */
export function leaves(db: Db, opts: { includeClosed?: boolean; limit?: number } = {}): LeafInfo[] {
  // Joins rather than correlated subqueries, so the partial browsing indexes answer the tags.
  const rows = db.all<{ uuid: string; branch: string | null; mtime: number; comment: string; closed: number }>(`
    SELECT blob.uuid AS uuid, y.value AS branch,
           event.mtime AS mtime, coalesce(event.ecomment, event.comment, '') AS comment,
           c.rid IS NOT NULL AS closed
      FROM leaf JOIN blob ON blob.rid=leaf.rid JOIN event ON event.objid=leaf.rid
      LEFT JOIN tagxref y ON y.rid=leaf.rid AND y.tagid=8 AND y.tagtype>0
      LEFT JOIN tagxref c ON c.rid=leaf.rid AND c.tagid=9 AND c.tagtype>0
     ${opts.includeClosed ? '' : 'WHERE c.rid IS NULL'}
     ORDER BY event.mtime DESC
     ${opts.limit !== undefined ? `LIMIT ${Math.max(0, Math.floor(opts.limit))}` : ''}`);
  return rows.map((r) => ({ uuid: r.uuid, branch: r.branch, time: julianToIso(r.mtime), comment: r.comment, closed: Boolean(r.closed) }));
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
  // A tag in use almost always has a row where it was set (srcid>0), which the small partial index
  // tagxref_direct finds (browse-indexes.ts); only the rest are looked for among every row (OR
  // stops at the first that holds, so the answer is the second EXISTS alone).
  return db.prepare(`
    SELECT substr(tagname,5) FROM tag
     WHERE tagname GLOB 'sym-*'
       AND (EXISTS(SELECT 1 FROM tagxref WHERE tagxref.tagid=tag.tagid AND tagxref.tagtype>0 AND tagxref.srcid>0)
         OR EXISTS(SELECT 1 FROM tagxref WHERE tagxref.tagid=tag.tagid AND tagxref.tagtype>0))
     ORDER BY tagname`).column<string>();
}
