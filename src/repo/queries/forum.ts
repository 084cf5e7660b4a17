/** Forum threads from the `forumpost` table (which exists once a forum post has arrived). */
import type { Db } from '../../db/db.ts';
import { julianToIso } from './time.ts';

export interface ForumThreadInfo {
  /** Hash of the thread's first post. */
  root: string;
  title: string;
  user: string;
  /** Time of the newest post in the thread. */
  time: string;
  posts: number;
}

export interface ForumPostRef {
  rid: number;
  uuid: string;
  /** The version this one edits, if an edit. */
  prev: string | null;
  /** The post this one replies to. */
  inReplyTo: string | null;
  time: string;
}

function hasForum(db: Db): boolean {
  return db.value("SELECT 1 FROM sqlite_schema WHERE type='table' AND name='forumpost'") !== undefined;
}

export function forumThreads(db: Db): ForumThreadInfo[] {
  if (!hasForum(db)) return [];
  // Edits of a first post may carry no thread root (G card) and so count as roots of their own:
  // a thread starts at a first post that edits nothing.
  return db.all<{ rid: number; root: string; user: string; n: number }>(
    `SELECT f.fpid AS rid, blob.uuid AS root, coalesce(e.euser,e.user,'') AS user,
            (SELECT count(*) FROM forumpost x WHERE x.froot=f.fpid AND x.fprev IS NULL) AS n
       FROM forumpost f JOIN blob ON blob.rid=f.fpid LEFT JOIN event e ON e.objid=f.fpid
      WHERE f.froot=f.fpid AND f.fprev IS NULL`,
  ).map((r) => {
    const posts = forumThreadPosts(db, r.rid);
    const newestFirstPost = posts.filter((p) => p.inReplyTo === null).pop();
    const title = newestFirstPost
      ? (db.value<string>('SELECT comment FROM event WHERE objid=?', newestFirstPost.rid) ?? '').replace(/^[^:]*:\s*/, '')
      : '';
    return { root: r.root, title, user: r.user, time: posts.at(-1)?.time ?? '', posts: r.n };
  }).sort((a, b) => (a.time < b.time ? 1 : -1));
}

/** Every post version of the thread whose first post has this rid (with edits of it), oldest first. */
export function forumThreadPosts(db: Db, rootRid: number): ForumPostRef[] {
  if (!hasForum(db)) return [];
  return db.all<{ rid: number; uuid: string; prev: string | null; irt: string | null; mtime: number }>(
    `WITH RECURSIVE t(fpid) AS (
        SELECT fpid FROM forumpost WHERE froot=?
        UNION SELECT f.fpid FROM forumpost f JOIN t ON f.fprev=t.fpid)
     SELECT f.fpid AS rid, b.uuid AS uuid, pb.uuid AS prev, ib.uuid AS irt, f.fmtime AS mtime
       FROM forumpost f JOIN t ON t.fpid=f.fpid JOIN blob b ON b.rid=f.fpid
       LEFT JOIN blob pb ON pb.rid=f.fprev LEFT JOIN blob ib ON ib.rid=f.firt
      ORDER BY f.fmtime`,
    rootRid,
  ).map((r) => ({ rid: r.rid, uuid: r.uuid, prev: r.prev, inReplyTo: r.irt, time: julianToIso(r.mtime) }));
}
