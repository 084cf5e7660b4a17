// What the sync panel says about syncing never contradicts the connection: a finished sync's
// "Up to date" shows only while the hub is there; without the hub the panel tells when it last
// synced; a failure that only says the hub is lost is left to the connection's own error.
import { describe, expect, it } from 'vitest';
import type { ConnectionState, SyncProgress } from '../../src/peer/api-types.ts';
import { syncStatus } from '../../src/ui/sync-status.ts';

function progress(phase: SyncProgress['phase'], extra: Partial<SyncProgress> = {}): SyncProgress {
  return { repo: 'r', kind: 'sync', phase, rounds: 1, artifactsIn: 0, artifactsOut: 0, bytesIn: 0, bytesOut: 0, text: phase === 'done' ? 'Up to date' : 'Syncing…', ...extra };
}

const LAST = '2026-01-01T00:00:00.000Z';
const NOT_CONNECTED: ConnectionState[] = ['connecting', 'reconnecting', 'offline', 'none'];

describe('sync status', () => {
  it('connected: the last sync’s words, or its failure', () => {
    expect(syncStatus('connected', progress('done'), LAST)).toMatchObject({ kind: 'done', progress: { text: 'Up to date' } });
    expect(syncStatus('connected', progress('failed', { code: 'no-peer' }), LAST)).toMatchObject({ kind: 'failed' });
    expect(syncStatus('connected', undefined, LAST)).toEqual({ kind: 'none' });
    // A sync that failed for want of the hub is over once the hub is back.
    expect(syncStatus('connected', progress('failed', { code: 'unreachable' }), LAST)).toEqual({ kind: 'none' });
  });

  it('without the hub a finished sync is never shown: when it last synced instead', () => {
    for (const c of NOT_CONNECTED) {
      expect(syncStatus(c, progress('done'), LAST), c).toEqual({ kind: 'not-connected', lastSync: LAST });
      expect(syncStatus(c, undefined, undefined), c).toEqual({ kind: 'not-connected', lastSync: undefined });
      // The lost hub's failure is the connection's error already; another failure still shows.
      expect(syncStatus(c, progress('failed', { code: 'unreachable' }), LAST), c).toEqual({ kind: 'not-connected', lastSync: LAST });
      expect(syncStatus(c, progress('failed', { code: 'no-peer' }), LAST), c).toEqual({ kind: 'not-connected', lastSync: LAST });
      expect(syncStatus(c, progress('failed', { code: 'local-storage' }), LAST), c).toMatchObject({ kind: 'failed' });
    }
  });

  it('a sync under way shows whatever the connection', () => {
    for (const c of ['connected', ...NOT_CONNECTED] as ConnectionState[]) {
      expect(syncStatus(c, progress('running'), LAST), c).toMatchObject({ kind: 'running' });
    }
  });
});
