/**
 * The writes made here that no hub or peer has accepted yet (the outbox's unaccepted entries,
 * outbox.ts), counted by kind: what deleting the repository from this device would lose for
 * good. Written here and nowhere else, they exist only in this file until a server takes them.
 */
import { artifactKind, emptyKindCounts, type KindCounts } from '../repo/queries/artifact-kind.ts';
import type { Repository } from '../repo/repository.ts';
import { unaccepted } from './outbox.ts';

export interface UnsyncedWork extends KindCounts {
  /** All of them together. */
  total: number;
}

export function unsyncedWork(repo: Repository, now = Date.now()): UnsyncedWork {
  const counts = emptyKindCounts();
  let total = 0;
  for (const e of unaccepted(repo, now)) {
    const rid = repo.content.ridOf(e.uuid);
    // An entry whose artifact is gone (shunned, say) has nothing left to lose.
    if (rid === undefined || repo.content.isPhantom(rid)) continue;
    counts[artifactKind(repo.db, rid)]++;
    total++;
  }
  return { ...counts, total };
}
