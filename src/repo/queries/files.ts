/**
 * Files as `fossil ls -r` and `fossil finfo` see them: the tree of one check-in (with sizes) and
 * every check-in that changed one file, newest first.
 */
import type { Db } from '../../db/db.ts';
import { filesOfCheckin } from '../checkin-files.ts';
import type { Repository } from '../repository.ts';
import { julianToIso } from './time.ts';

export interface TreeFile {
  name: string;
  uuid: string;
  perm: '' | 'x' | 'l';
  /** Expanded size in bytes; -1 when the content is a phantom; absent when not asked for. */
  size?: number;
}

/**
 * The files of a check-in, with the sizes of those `sized` accepts (all when not given). Each
 * size is a lookup by hash, which lands anywhere in the blob table: on a large repository sizing
 * a whole tree reads over a thousand pages, so a page that shows one folder sizes that folder.
 */
export function treeOfCheckin(repo: Repository, rid: number, sized: (name: string) => boolean = () => true): TreeFile[] {
  const files = filesOfCheckin(repo, rid).filter((f) => f.uuid);
  // Sizes in a few queries rather than one per file (a tree can have thousands).
  const sizes = new Map<string, number>();
  const uuids = [...new Set(files.filter((f) => sized(f.name)).map((f) => f.uuid!.toLowerCase()))];
  for (let i = 0; i < uuids.length; i += 500) {
    const part = uuids.slice(i, i + 500);
    for (const r of repo.db.all<{ uuid: string; size: number }>(`SELECT uuid, size FROM blob WHERE uuid IN (${part.map(() => '?').join(',')})`, ...part)) sizes.set(r.uuid, r.size);
  }
  return files.map((f) => ({ name: f.name, uuid: f.uuid!, perm: f.perm, ...(sized(f.name) ? { size: sizes.get(f.uuid!.toLowerCase()) ?? -1 } : {}) }));
}

export interface FileVersion {
  /** The check-in that changed the file. */
  checkin: string;
  time: string;
  user: string;
  comment: string;
  branch: string | null;
  /** The file's content hash in that check-in. */
  uuid: string;
  /** Name the file had before, when that check-in renamed it. */
  renamedFrom: string | null;
}

/** Every check-in that changed PATH (not its deletions), newest first, as `fossil finfo` lists them. */
export function fileHistory(db: Db, path: string, limit = 500): FileVersion[] {
  // The newest versions are chosen first (from mlink and event alone), and only those few get
  // their hashes, branch and old name: on a long history those lookups land all over the file.
  // A row is one (check-in, content, old name): everything else shown follows from those. The
  // branch is a join, so the partial index tagxref_branch answers it (browse-indexes.ts).
  const rows = db.all<{ checkin: string; mtime: number; user: string; comment: string; branch: string | null; uuid: string; oldname: string | null }>(
    `SELECT ci.uuid AS checkin, v.mtime AS mtime, coalesce(event.euser, event.user, '') AS user,
            coalesce(event.ecomment, event.comment, '') AS comment,
            y.value AS branch, b.uuid AS uuid, (SELECT name FROM filename WHERE fnid=v.oldfnid) AS oldname
       FROM (SELECT DISTINCT mlink.mid AS mid, mlink.fid AS fid, event.mtime AS mtime,
                    CASE WHEN mlink.pfnid>0 AND mlink.pfnid!=mlink.fnid THEN mlink.pfnid END AS oldfnid
               FROM filename JOIN mlink ON mlink.fnid=filename.fnid JOIN event ON event.objid=mlink.mid
              WHERE filename.name=? AND mlink.fid>0
              ORDER BY event.mtime DESC LIMIT ?) AS v
       JOIN event ON event.objid=v.mid JOIN blob b ON b.rid=v.fid JOIN blob ci ON ci.rid=v.mid
       LEFT JOIN tagxref y ON y.rid=v.mid AND y.tagid=8 AND y.tagtype>0
      ORDER BY v.mtime DESC`,
    path, limit,
  );
  return rows.map((r) => ({
    checkin: r.checkin, time: julianToIso(r.mtime), user: r.user, comment: r.comment, branch: r.branch, uuid: r.uuid, renamedFrom: r.oldname,
  }));
}

/**
 * The versions of PATH along the primary-parent line of check-in RID, newest first: the check-ins
 * on that line that changed the file, as fossil annotate walks them.
 */
export function fileLineage(db: Db, rid: number, path: string, limit = 200): FileVersion[] {
  const rows = db.all<{ checkin: string; mtime: number; user: string; comment: string; branch: string | null; uuid: string }>(
    `WITH RECURSIVE anc(rid) AS (
        SELECT ? UNION SELECT plink.pid FROM plink JOIN anc ON plink.cid=anc.rid WHERE plink.isprim)
     SELECT ci.uuid AS checkin, event.mtime AS mtime, coalesce(event.euser, event.user, '') AS user,
            coalesce(event.ecomment, event.comment, '') AS comment,
            (SELECT value FROM tagxref WHERE tagxref.rid=mlink.mid AND tagid=8 AND tagtype>0) AS branch, b.uuid AS uuid
       FROM anc JOIN mlink ON mlink.mid=anc.rid JOIN filename ON filename.fnid=mlink.fnid
       JOIN blob b ON b.rid=mlink.fid JOIN blob ci ON ci.rid=mlink.mid JOIN event ON event.objid=mlink.mid
      WHERE filename.name=? AND mlink.fid>0 AND NOT mlink.isaux
      ORDER BY event.mtime DESC LIMIT ?`,
    rid, path, limit,
  );
  return rows.map((r) => ({ checkin: r.checkin, time: julianToIso(r.mtime), user: r.user, comment: r.comment, branch: r.branch, uuid: r.uuid, renamedFrom: null }));
}
