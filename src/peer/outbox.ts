/**
 * What this peer wrote itself (check-ins, wiki, tickets, tags) and peers may still lack. Peers
 * here fetch by pulling when they hear an announcement, and a browser may not push to a leaf, so
 * the peer announces these again whenever it (re)connects or another peer appears: a write made
 * offline, or announced while the leaf was down, still reaches everyone. Announcing something a
 * peer already has costs it one lookup. Kept in the repository's config (`edgesync-outbox`,
 * which fossil ignores), newest last, bounded in size and age.
 */
import type { Repository } from '../repo/repository.ts';

const KEY = 'edgesync-outbox';
const MAX_ENTRIES = 200;
const MAX_AGE_MS = 30 * 86_400_000;

export interface OutboxEntry {
  uuid: string;
  /** When it was written here (ms since the epoch). */
  at: number;
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

export function addToOutbox(repo: Repository, uuids: string[], now = Date.now()): void {
  const list = readOutbox(repo, now).filter((e) => !uuids.includes(e.uuid));
  for (const uuid of uuids) list.push({ uuid, at: now });
  repo.config.set(KEY, JSON.stringify(list.slice(-MAX_ENTRIES)));
}
