/**
 * The `leaf` table: check-ins with no child on the same branch (a check-in without a branch tag
 * counts as "trunk"). Like upstream (leaf.c), leaf status is only re-examined for check-ins whose
 * branch tag moved, and for their parents, and only once the whole run is done, so that the answer
 * reflects the final tags rather than some intermediate state.
 */
import { TagId } from '../schema.ts';
import type { CrosslinkSession } from './session.ts';

/** Remember to re-examine rid and its parents at the end of the session. */
export function scheduleLeafCheck(s: CrosslinkSession, rid: number): void {
  s.leafChecks.add(rid);
  for (const pid of s.db.prepare('SELECT pid FROM plink WHERE cid=? AND pid>0').column<number>(rid)) {
    s.leafChecks.add(pid);
  }
}

const HAS_CHILD_ON_SAME_BRANCH = `
  SELECT 1 FROM plink
   WHERE pid=?
     AND coalesce((SELECT value FROM tagxref WHERE tagid=${TagId.branch} AND rid=?),'trunk')
      == coalesce((SELECT value FROM tagxref WHERE tagid=${TagId.branch} AND rid=plink.cid),'trunk')`;

export function runLeafChecks(s: CrosslinkSession): void {
  const hasChild = s.db.prepare(HAS_CHILD_ON_SAME_BRANCH);
  const remove = s.db.prepare('DELETE FROM leaf WHERE rid=?');
  const add = s.db.prepare('INSERT OR IGNORE INTO leaf VALUES(?)');
  const exists = s.db.prepare('SELECT 1 FROM blob WHERE rid=?');
  for (const rid of s.leafChecks) {
    // A check-in scheduled by work that was later rolled back is no longer there.
    if (exists.get(rid) === undefined) continue;
    if (hasChild.get(rid, rid) !== undefined) remove.run(rid);
    else add.run(rid);
  }
  s.leafChecks.clear();
}
