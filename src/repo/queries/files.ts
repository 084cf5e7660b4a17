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

/**
 * The check-ins that changed PATH (not its deletions), newest first, as `fossil finfo` lists
 * them (one row per check-in, a merge that brought a rename too): `limit` of them after the
 * newest `offset`. Check-ins of the same instant come in the reverse of the order this
 * repository received them (fossil leaves their order to its query plan).
 */
export function fileHistory(db: Db, path: string, limit = 500, offset = 0): FileVersion[] {
  const fnid = db.value<number>('SELECT fnid FROM filename WHERE name=?', path);
  if (fnid === undefined || limit <= 0) return [];
  // The page's check-ins: fossil's index on event(mtime) walked from its newest end (it holds the
  // rowid: no row of event is read), each kept when it changed the file, until the page is full.
  // Without the unary + SQLite looks up each of the file's check-ins among event's rows instead,
  // which on a long history reads most of event, all over a large file.
  const checkins = db.all<{ mid: number; mtime: number }>(
    `SELECT objid AS mid, mtime FROM event WHERE +objid IN (SELECT mid FROM mlink WHERE fnid=? AND fid>0)
      ORDER BY mtime DESC, objid DESC LIMIT ? OFFSET ?`,
    fnid, limit, offset,
  );
  if (!checkins.length) return [];
  const mids = checkins.map((c) => c.mid).join(',');
  // The file's content and old name in each, from mlink_file alone (browse-indexes.ts).
  const rows = db.all<{ mid: number; fid: number; oldfnid: number | null }>(
    `SELECT DISTINCT mid, fid, CASE WHEN pfnid>0 AND pfnid!=fnid THEN pfnid END AS oldfnid
       FROM mlink WHERE fnid=? AND fid>0 AND mid IN (${mids})`,
    fnid,
  );
  const oldName = renamesOf(db, fnid, rows);
  // Only the rows shown get their hashes, comment and branch: on a long history those lookups
  // land all over the file. The branch is a join, so tagxref_branch answers it.
  const about = new Map(db.all<{ mid: number; checkin: string; user: string; comment: string; branch: string | null }>(
    `SELECT event.objid AS mid, blob.uuid AS checkin, coalesce(event.euser, event.user, '') AS user,
            coalesce(event.ecomment, event.comment, '') AS comment, y.value AS branch
       FROM event JOIN blob ON blob.rid=event.objid
       LEFT JOIN tagxref y ON y.rid=event.objid AND y.tagid=8 AND y.tagtype>0
      WHERE event.objid IN (${mids})`,
  ).map((r) => [r.mid, r]));
  const fids = new Map<number, number[]>();
  for (const r of rows) {
    const fs = fids.get(r.mid) ?? fids.set(r.mid, []).get(r.mid)!;
    if (!fs.includes(r.fid)) fs.push(r.fid);
  }
  const uuids = new Map(db.all<{ rid: number; uuid: string }>(`SELECT rid, uuid FROM blob WHERE rid IN (${[...new Set(rows.map((r) => r.fid))].join(',')})`).map((r) => [r.rid, r.uuid]));
  return checkins.flatMap(({ mid, mtime }) => {
    const a = about.get(mid);
    if (!a) return [];
    return (fids.get(mid) ?? []).sort((x, y) => x - y).flatMap((fid) => {
      const uuid = uuids.get(fid);
      return uuid === undefined ? [] : [{
        checkin: a.checkin, time: julianToIso(mtime), user: a.user, comment: a.comment, branch: a.branch, uuid,
        renamedFrom: oldName.get(`${mid}/${fid}`) ?? null,
      }];
    });
  });
}

/**
 * The name each (check-in, content) of ROWS had before, when that check-in renamed the file:
 * against its primary parent (a merge that brought a rename from the other side did not rename
 * it on its own line). Only where the parents disagree are mlink's own rows read (for isaux).
 */
function renamesOf(db: Db, fnid: number, rows: { mid: number; fid: number; oldfnid: number | null }[]): Map<string, string> {
  const olds = new Map<string, (number | null)[]>();
  for (const r of rows) (olds.get(`${r.mid}/${r.fid}`) ?? olds.set(`${r.mid}/${r.fid}`, []).get(`${r.mid}/${r.fid}`)!).push(r.oldfnid);
  const chosen = new Map<string, number>();
  const unsure: number[] = [];
  for (const [key, fs] of olds) {
    if (fs.length > 1) unsure.push(Number(key.split('/')[0]));
    else if (fs[0] != null) chosen.set(key, fs[0]);
  }
  if (unsure.length) {
    const byParent = db.all<{ mid: number; fid: number; oldfnid: number | null; isaux: number }>(
      `SELECT mid, fid, CASE WHEN pfnid>0 AND pfnid!=fnid THEN pfnid END AS oldfnid, isaux
         FROM mlink WHERE fnid=? AND fid>0 AND mid IN (${unsure.join(',')})`,
      fnid,
    );
    const best = new Map<string, { isaux: number; oldfnid: number | null }>();
    for (const r of byParent) {
      const key = `${r.mid}/${r.fid}`;
      const b = best.get(key);
      // The primary parent's row first; among rows of the same kind, a rename (the smallest old name's id).
      if (!b || r.isaux < b.isaux || (r.isaux === b.isaux && r.oldfnid !== null && (b.oldfnid === null || r.oldfnid < b.oldfnid))) best.set(key, r);
    }
    for (const [key, b] of best) if (b.oldfnid !== null) chosen.set(key, b.oldfnid);
  }
  if (!chosen.size) return new Map();
  const names = new Map(db.all<{ fnid: number; name: string }>(`SELECT fnid, name FROM filename WHERE fnid IN (${[...new Set(chosen.values())].join(',')})`).map((r) => [r.fnid, r.name]));
  return new Map([...chosen].map(([key, f]) => [key, names.get(f)!]));
}

/** How many check-ins fileHistory() lists for PATH in all (from mlink_file and fossil's event(mtime) index alone). */
export function fileHistoryCount(db: Db, path: string): number {
  // `+objid`: the check-ins of event are gathered once from its smallest index, rather than each
  // of the file's looked up among event's rows.
  return db.value<number>(
    `SELECT count(DISTINCT mid) FROM mlink
      WHERE fnid=(SELECT fnid FROM filename WHERE name=?) AND fid>0 AND mid IN (SELECT +objid FROM event)`,
    path,
  ) ?? 0;
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
