/**
 * What this peer wrote itself (check-ins, wiki, tickets, tags) and peers may still lack. Peers
 * here fetch by pulling what they hear announced, so the peer announces these again whenever it
 * (re)connects or another peer appears: a write made offline, or announced while the leaf was
 * down, still reaches everyone. Announcing something a peer already has costs it one lookup.
 *
 * An entry is accepted once a server has it (a push to a server went through while it was
 * here, or a server announced it): until then the UI lists it as not yet on a server. Kept in
 * the repository's config (`edgesync-outbox`, which fossil ignores), newest last, bounded in
 * size and age.
 */
import type { Repository } from '../repo/repository.ts';

const KEY = 'edgesync-outbox';
const MAX_ENTRIES = 200;
const MAX_AGE_MS = 30 * 86_400_000;

export interface OutboxEntry {
  uuid: string;
  /** When it was written here (ms since the epoch). */
  at: number;
  /** When a server was seen to have it. */
  accepted?: number;
}

export function readOutbox(repo: Repository, now = Date.now()): OutboxEntry[] {
  const raw = repo.config.get(KEY);
  if (!raw) return [];
  try {
    const list = JSON.parse(raw) as OutboxEntry[];
    return list.filter((e) => typeof e.uuid === 'string' && now - e.at < MAX_AGE_MS);
  } catch {
    return [];
  }
}

function writeOutbox(repo: Repository, list: OutboxEntry[]): void {
  repo.config.set(KEY, JSON.stringify(list.slice(-MAX_ENTRIES)));
}

export function addToOutbox(repo: Repository, uuids: string[], now = Date.now()): void {
  const list = readOutbox(repo, now).filter((e) => !uuids.includes(e.uuid));
  for (const uuid of uuids) list.push({ uuid, at: now });
  writeOutbox(repo, list);
}

/** Mark entries as on a server: those named, or every entry written at or before `upTo` ms. */
export function markAccepted(repo: Repository, which: { uuids?: readonly string[]; upTo?: number }, now = Date.now()): string[] {
  const list = readOutbox(repo, now);
  const marked: string[] = [];
  for (const e of list) {
    if (e.accepted !== undefined) continue;
    if (which.uuids?.includes(e.uuid) || (which.upTo !== undefined && e.at <= which.upTo)) {
      e.accepted = now;
      marked.push(e.uuid);
    }
  }
  if (marked.length) writeOutbox(repo, list);
  return marked;
}

/** Entries no server is known to have yet, oldest first. */
export function unaccepted(repo: Repository, now = Date.now()): OutboxEntry[] {
  return readOutbox(repo, now).filter((e) => e.accepted === undefined);
}
