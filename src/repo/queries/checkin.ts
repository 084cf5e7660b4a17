/**
 * One check-in in detail: its event, parents, children, tags and the files it changed relative to
 * its parents (read from mlink, as fossil's info page does).
 */
import type { Db } from '../../db/db.ts';
import { julianToIso } from './time.ts';

export interface ChangedFile {
  name: string;
  /** Name before a rename, if renamed. */
  oldName: string | null;
  /** New content hash; null when deleted. */
  uuid: string | null;
  /** Previous content hash; null when added. */
  prevUuid: string | null;
  change: 'added' | 'deleted' | 'modified' | 'renamed' | 'merged' | 'mode';
  /** 'x' executable, 'l' symlink, '' regular. */
  perm: '' | 'x' | 'l';
  /** Which parent the change is against (merge parents give aux rows). */
  parent: string | null;
}

export interface CheckinDetail {
  rid: number;
  uuid: string;
  time: string;
  user: string;
  comment: string;
  branch: string | null;
  tags: { name: string; value: string | null; propagating: boolean }[];
  parents: string[];
  children: string[];
  leaf: boolean;
  closed: boolean;
  files: ChangedFile[];
}

const PERMS = ['', 'x', 'l'] as const;

export function checkinDetail(db: Db, rid: number): CheckinDetail | undefined {
  const ev = db.get<{ uuid: string; mtime: number; user: string; comment: string }>(
    `SELECT blob.uuid AS uuid, event.mtime AS mtime, coalesce(event.euser, event.user, '') AS user,
            coalesce(event.ecomment, event.comment, '') AS comment
       FROM event JOIN blob ON blob.rid=event.objid WHERE event.objid=? AND event.type='ci'`,
    rid,
  );
  if (!ev) return undefined;
  const tagRows = db.all<{ tagname: string; value: string | null; tagtype: number }>(
    `SELECT tagname, value, tagtype FROM tagxref JOIN tag USING(tagid) WHERE rid=? AND tagtype>0 ORDER BY tagname`,
    rid,
  );
  const parents = db.all<{ uuid: string }>(
    'SELECT blob.uuid AS uuid FROM plink JOIN blob ON blob.rid=plink.pid WHERE plink.cid=? ORDER BY isprim DESC, blob.uuid', rid,
  ).map((r) => r.uuid);
  const children = db.all<{ uuid: string }>(
    'SELECT blob.uuid AS uuid FROM plink JOIN blob ON blob.rid=plink.cid WHERE plink.pid=? ORDER BY isprim DESC, blob.uuid', rid,
  ).map((r) => r.uuid);
  const fileRows = db.all<{ name: string; oldname: string | null; uuid: string | null; prev: string | null; fid: number; pid: number; mperm: number; isaux: number; parent: string | null; pfnid: number; fnid: number }>(
    `SELECT f.name AS name, pf.name AS oldname, b.uuid AS uuid, pb.uuid AS prev, mlink.fid AS fid, mlink.pid AS pid,
            mlink.mperm AS mperm, mlink.isaux AS isaux, pm.uuid AS parent, mlink.pfnid AS pfnid, mlink.fnid AS fnid
       FROM mlink JOIN filename f ON f.fnid=mlink.fnid
       LEFT JOIN filename pf ON pf.fnid=mlink.pfnid AND mlink.pfnid>0
       LEFT JOIN blob b ON b.rid=mlink.fid AND mlink.fid>0
       LEFT JOIN blob pb ON pb.rid=mlink.pid AND mlink.pid>0
       LEFT JOIN blob pm ON pm.rid=mlink.pmid
      WHERE mlink.mid=? ORDER BY mlink.isaux, f.name`,
    rid,
  );
  const files: ChangedFile[] = fileRows.map((r) => {
    let change: ChangedFile['change'];
    if (r.fid === 0) change = 'deleted';
    else if (r.pid < 0) change = 'merged';
    else if (r.pid === 0) change = 'added';
    else if (r.pfnid > 0 && r.pfnid !== r.fnid) change = 'renamed';
    else if (r.fid === r.pid) change = 'mode';
    else change = 'modified';
    return {
      name: r.name,
      oldName: r.pfnid > 0 && r.pfnid !== r.fnid ? r.oldname : null,
      uuid: r.uuid,
      prevUuid: r.prev,
      change,
      perm: PERMS[r.mperm] ?? '',
      parent: r.parent,
    };
  });
  return {
    rid,
    uuid: ev.uuid,
    time: julianToIso(ev.mtime),
    user: ev.user,
    comment: ev.comment,
    branch: tagRows.find((t) => t.tagname === 'branch')?.value ?? null,
    tags: tagRows.map((t) => ({ name: t.tagname, value: t.value, propagating: t.tagtype === 2 })),
    parents,
    children,
    leaf: Boolean(db.value('SELECT 1 FROM leaf WHERE rid=?', rid)),
    closed: tagRows.some((t) => t.tagname === 'closed'),
    files,
  };
}
