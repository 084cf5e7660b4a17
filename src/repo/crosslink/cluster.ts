/**
 * Clusters: lists of artifacts a peer has, used by sync to announce many artifacts at once.
 * Linking one marks it with the `cluster` tag, makes phantoms for members we have never seen
 * (so sync will ask for them) and takes the members off the unclustered list.
 */
import type { Artifact } from '../../fossil/artifact-types.ts';
import { insertTag } from './tags.ts';
import type { CrosslinkSession } from './session.ts';
import { timeOf } from './fields.ts';

export function crosslinkCluster(s: CrosslinkSession, rid: number, a: Artifact): void {
  // Clusters carry no D card, so the tag is stamped with the current time (as upstream does).
  insertTag(s, 'cluster', 1, null, rid, timeOf(a), rid);
  const unlist = s.db.prepare('DELETE FROM unclustered WHERE rid=?');
  for (const member of a.members) {
    const mid = s.ensure(member);
    if (mid > 0) unlist.run(mid);
  }
}
