/**
 * What the sync panel says about syncing, so that it never says two things that cannot both be
 * true. A finished sync's words ("Up to date", "Synced: …") hold only while the hub is there:
 * once it is lost they would claim what nobody can know, so the panel says when it last synced
 * instead. A sync that failed because the hub is gone (it could not be reached, or nobody
 * answered) is not repeated either: the connection's own error says so already.
 */
import type { ConnectionState, SyncProgress } from '../peer/api-types.ts';

export type SyncStatus =
  /** A sync or clone under way: its words and progress bar. */
  | { kind: 'running'; progress: SyncProgress }
  /** The last sync ended well, and the hub is still there. */
  | { kind: 'done'; progress: SyncProgress }
  /** The last sync failed for a reason of its own (words from its code). */
  | { kind: 'failed'; progress: SyncProgress }
  /** The hub is not there now: only when it last synced can be told. */
  | { kind: 'not-connected'; lastSync: string | undefined }
  /** Nothing to say yet. */
  | { kind: 'none' };

/** Failures that only say the hub, or every peer behind it, is not there. */
const LOST_HUB: ReadonlySet<string | undefined> = new Set(['unreachable', 'no-peer']);

export function syncStatus(connection: ConnectionState, progress: SyncProgress | undefined, lastSync: string | undefined): SyncStatus {
  if (progress?.phase === 'running') return { kind: 'running', progress };
  if (connection !== 'connected') {
    if (progress?.phase === 'failed' && !LOST_HUB.has(progress.code)) return { kind: 'failed', progress };
    return { kind: 'not-connected', lastSync };
  }
  if (progress?.phase === 'done') return { kind: 'done', progress };
  // Not reaching the hub is over once it is connected again.
  if (progress?.phase === 'failed' && progress.code !== 'unreachable') return { kind: 'failed', progress };
  return { kind: 'none' };
}
