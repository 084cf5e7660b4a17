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
  return db.all<{ root: string; comment: string; user: string; mtime: number; n: number }>(
    `SELECT blob.uuid AS root, coalesce(e.comment,'') AS comment, coalesce(e.euser,e.user,'') AS user,
            (SELECT max(fmtime) FROM forumpost x WHERE x.froot=f.fpid) AS mtime,
            (SELECT count(*) FROM forumpost x WHERE x.froot=f.fpid AND x.fprev IS NULL) AS n
       FROM forumpost f JOIN blob ON blob.rid=f.fpid LEFT JOIN event e ON e.objid=f.fpid
      WHERE f.froot=f.fpid ORDER BY mtime DESC`,
  ).map((r) => ({ root: r.root, title: r.comment.replace(/^[^:]*:\s*/, ''), user: r.user, time: julianToIso(r.mtime), posts: r.n }));
}

/** Every post version of the thread whose first post has this rid, oldest first. */
export function forumThreadPosts(db: Db, rootRid: number): ForumPostRef[] {
  if (!hasForum(db)) return [];
  return db.all<{ rid: number; uuid: string; prev: string | null; irt: string | null; mtime: number }>(
    `SELECT f.fpid AS rid, b.uuid AS uuid, pb.uuid AS prev, ib.uuid AS irt, f.fmtime AS mtime
       FROM forumpost f JOIN blob b ON b.rid=f.fpid LEFT JOIN blob pb ON pb.rid=f.fprev LEFT JOIN blob ib ON ib.rid=f.firt
      WHERE f.froot=? ORDER BY f.fmtime`,
    rootRid,
  ).map((r) => ({ rid: r.rid, uuid: r.uuid, prev: r.prev, inReplyTo: r.irt, time: julianToIso(r.mtime) }));
}
