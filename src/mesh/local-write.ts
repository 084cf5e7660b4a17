/**
 * The one path of a write made on this peer (a check-in, a wiki page, a ticket change, a tag),
 * from the browser or the CLI: the write and its outbox entry in one transaction, so a write
 * is never without the record that makes it announced again (outbox.ts), then the after-write
 * step. In the browser that hands it to the mesh agent, which pushes it signed to the servers
 * and announces it; the CLI has none, and a leaf serving the same file sees it change.
 */
import type { Repository } from '../repo/repository.ts';
import { addToOutbox } from './outbox.ts';

/** The artifact a write made, and whether it is a check-in (those go on the timeline). */
export interface Written {
  uuid: string;
  kind: 'checkin' | 'other';
}

/** What the write returns: its artifact, and the value its caller wants. */
export interface LocalWrite<T> extends Written {
  value: T;
}

/** `now`: when it was written, for the outbox (ms since the epoch; a simulation's clock). */
export function writeHere<T>(repo: Repository, write: (repo: Repository) => LocalWrite<T>, afterWrite?: (w: Written) => void, now = Date.now()): T {
  const w = repo.db.transaction(() => {
    const made = write(repo);
    // A private artifact never leaves this repository: there is nothing to announce.
    if (!isPrivate(repo, made.uuid)) addToOutbox(repo, [made.uuid], now);
    return made;
  });
  afterWrite?.({ uuid: w.uuid, kind: w.kind });
  return w.value;
}

function isPrivate(repo: Repository, uuid: string): boolean {
  return repo.db.value('SELECT 1 FROM private JOIN blob USING(rid) WHERE blob.uuid=?', uuid) !== undefined;
}
