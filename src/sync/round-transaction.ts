/**
 * One exchange's worth of database work as one transaction, with a crosslink session around it
 * when the repository crosslinks, so the work crosslinking defers (leaves, tickets, time
 * nudges) runs once per exchange instead of once per artifact. A throw rolls everything back.
 */
import { withCrosslink } from '../repo/crosslink/crosslink.ts';
import type { Repository } from '../repo/repository.ts';

export function inExchangeTransaction<T>(repo: Repository, fn: () => T): T {
  return repo.hasCrosslinker ? withCrosslink(repo, () => fn()) : repo.db.transaction(fn);
}
