/**
 * The timeline: every event fossil's timeline shows (check-ins, wiki, tickets, technotes, tag
 * changes, forum posts), newest first, as `fossil timeline` orders them (event.mtime descending).
 */
import type { Db } from '../../db/db.ts';
import { julianToIso } from './time.ts';

export type EventType = 'ci' | 'w' | 't' | 'e' | 'g' | 'f';

export const EVENT_TYPE_NAMES: Record<string, string> = {
  ci: 'checkin', w: 'wiki', t: 'ticket', e: 'technote', g: 'tag', f: 'forum',
};

export interface TimelineEntry {
  rid: number;
  uuid: string;
  /** Fossil's event type code: ci, w, t, e, g, f. */
  type: string;
  /** ISO 8601 UTC time of the event. */
  time: string;
  /** Julian day, as stored. */
  mtime: number;
  user: string;
  /** The comment as fossil stores it (edited comment when there is one). */
  comment: string;
  /** Branch of a check-in; null for other events. */
  branch: string | null;
  /** Symbolic tags on a check-in (without the sym- prefix). */
  tags: string[];
  /** Parent hashes of a check-in, primary first. */
  parents: string[];
  /** Background colour set on the event, if any. */
  bgcolor: string | null;
  leaf: boolean;
}

export interface TimelineQuery {
  limit?: number;
  offset?: number;
  /** Only check-ins on this branch (and the tag/wiki events are left out). */
  branch?: string;
  types?: string[];
  user?: string;
  /** Only events before / after this Julian day. */
  before?: number;
  after?: number;
  /** Substring search in comments (case-insensitive). */
  search?: string;
}

export function timeline(db: Db, q: TimelineQuery = {}): TimelineEntry[] {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (q.branch !== undefined) {
    where.push(`event.type='ci' AND EXISTS(SELECT 1 FROM tagxref WHERE tagxref.rid=event.objid AND tagxref.tagid=8 AND tagxref.tagtype>0 AND tagxref.value=?)`);
    params.push(q.branch);
  }
  if (q.types?.length) {
    // One type reads the browsing index event_type (browse-indexes.ts) in time order; for several
    // that index would mean sorting every match, so the unary + leaves the choice to event_i1.
    where.push(`${q.types.length > 1 ? '+' : ''}event.type IN (${q.types.map(() => '?').join(',')})`);
    params.push(...q.types);
  }
  if (q.user !== undefined) {
    where.push('coalesce(event.euser, event.user)=?');
    params.push(q.user);
  }
  if (q.before !== undefined) {
    where.push('event.mtime<?');
    params.push(q.before);
  }
  if (q.after !== undefined) {
    where.push('event.mtime>?');
    params.push(q.after);
  }
  if (q.search) {
    where.push(`coalesce(event.ecomment, event.comment) LIKE ? ESCAPE '\\'`);
    params.push(`%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  const sql = `
    SELECT event.objid AS rid, blob.uuid AS uuid, event.type AS type, event.mtime AS mtime,
           coalesce(event.euser, event.user, '') AS user,
           coalesce(event.ecomment, event.comment, '') AS comment,
           event.bgcolor AS bgcolor,
           (SELECT value FROM tagxref WHERE tagxref.rid=event.objid AND tagxref.tagid=8 AND tagxref.tagtype>0) AS branch,
           EXISTS(SELECT 1 FROM leaf WHERE leaf.rid=event.objid) AS leaf
      FROM event JOIN blob ON blob.rid=event.objid
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY event.mtime DESC, event.objid DESC
     ${q.limit !== undefined && q.limit > 0 ? `LIMIT ${Math.floor(q.limit)}` : ''}
     ${q.offset ? `${q.limit ? '' : 'LIMIT -1 '}OFFSET ${Math.floor(q.offset)}` : ''}`;
  const rows = db.all<{ rid: number; uuid: string; type: string; mtime: number; user: string; comment: string; bgcolor: string | null; branch: string | null; leaf: number }>(sql, ...params);
  // Tags and parents of all check-ins on the page in two queries, not two per row: per-statement
  // cost dominates in SQLite-WASM, where a page of 500 check-ins took seconds.
  const ci = rows.filter((r) => r.type === 'ci').map((r) => r.rid);
  const tagsOf = new Map<number, string[]>();
  const parentsOf = new Map<number, string[]>();
  for (let i = 0; i < ci.length; i += 500) {
    const ids = ci.slice(i, i + 500).join(',');
    for (const t of db.all<{ rid: number; name: string }>(`SELECT tagxref.rid AS rid, substr(tagname,5) AS name FROM tagxref JOIN tag USING(tagid)
                               WHERE tagxref.rid IN (${ids}) AND tagxref.tagtype>0 AND tagname GLOB 'sym-*' ORDER BY tagname`)) {
      (tagsOf.get(t.rid) ?? tagsOf.set(t.rid, []).get(t.rid)!).push(t.name);
    }
    for (const p of db.all<{ cid: number; uuid: string }>(`SELECT plink.cid AS cid, blob.uuid AS uuid FROM plink JOIN blob ON blob.rid=plink.pid
                               WHERE plink.cid IN (${ids}) ORDER BY plink.isprim DESC, blob.uuid`)) {
      (parentsOf.get(p.cid) ?? parentsOf.set(p.cid, []).get(p.cid)!).push(p.uuid);
    }
  }
  return rows.map((r) => ({
    rid: r.rid,
    uuid: r.uuid,
    type: r.type,
    time: julianToIso(r.mtime),
    mtime: r.mtime,
    user: r.user,
    comment: r.comment,
    branch: r.type === 'ci' ? r.branch : null,
    tags: r.type === 'ci' ? tagsOf.get(r.rid) ?? [] : [],
    parents: r.type === 'ci' ? parentsOf.get(r.rid) ?? [] : [],
    bgcolor: r.bgcolor,
    leaf: r.type === 'ci' && Boolean(r.leaf),
  }));
}
