/**
 * Wiki pages, technotes and forum posts name their previous version(s) in P cards; those links
 * go into plink like check-in parentage (with no baseline), so version history can be walked.
 */
import type { Artifact } from '../../fossil/artifact-types.ts';
import { propagateAllTags } from './tags.ts';
import type { CrosslinkSession } from './session.ts';
import { timeOf } from './fields.ts';

export function addVersionLinks(s: CrosslinkSession, rid: number, a: Artifact): void {
  const insert = s.db.prepare('INSERT OR IGNORE INTO plink(pid, cid, isprim, mtime, baseid) VALUES(?,?,?,?,NULL)');
  let previous = 0;
  a.parents.forEach((uuid, i) => {
    const pid = s.ensure(uuid);
    if (i === 0) previous = pid;
    insert.run(pid, rid, i === 0 ? 1 : 0, timeOf(a));
  });
  if (previous) propagateAllTags(s, previous);
}
