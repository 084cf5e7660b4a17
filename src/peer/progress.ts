/** Turning a sync's engine events into progress for the UI; a failure carries its code (the UI words it). */
import type { SyncEvents } from '../sync/sync-events.ts';
import type { SyncResult } from '../sync/client-session.ts';
import type { PeerEvent, SyncProgress } from './api-types.ts';
import type { ErrorReport } from './error-report.ts';

/** At most this often a progress event while bytes flow (a clone has thousands of rounds). */
const THROTTLE_MS = 100;

/** `project`: the project a clone brings (set on its progress, see SyncProgress). */
export function progressEvents(repo: string, kind: SyncProgress['kind'], emit: (e: PeerEvent) => void, peer?: string, project?: string) {
  const p: SyncProgress = { repo, kind, phase: 'running', rounds: 0, artifactsIn: 0, artifactsOut: 0, bytesIn: 0, bytesOut: 0, text: startText(kind) };
  if (peer) p.peer = peer;
  if (project) p.project = project;
  let last = 0;
  const send = (force = false) => {
    const now = Date.now();
    if (!force && now - last < THROTTLE_MS) return;
    last = now;
    emit({ type: 'progress', progress: { ...p } });
  };
  send(true);
  const events: SyncEvents = {
    round(r) {
      p.rounds = r.round;
      p.artifactsIn += r.received.files + r.received.deltas;
      p.artifactsOut += r.sent.files + r.sent.deltas;
      p.bytesIn += r.received.wireBytes;
      p.bytesOut += r.sent.wireBytes;
      if (kind !== 'clone') p.text = `${verb(kind)}: ${p.artifactsIn} in, ${p.artifactsOut} out`;
      send();
    },
    headStart() {
      p.headStart = true;
      send(true);
    },
    cloneProgress(c) {
      p.saved = c.saved;
      if (c.estimatedTotal) p.fraction = Math.min(1, c.received / c.estimatedTotal);
      p.text = c.estimatedTotal ? `Cloning: ${c.received} of about ${c.estimatedTotal} artifacts` : `Cloning: ${c.received} artifact${c.received === 1 ? '' : 's'}`;
      send();
    },
  };
  return {
    events,
    /** Extra steps (e.g. the rebuild after a clone). */
    step(text: string, fraction?: number) {
      p.text = text;
      if (fraction !== undefined) p.fraction = fraction;
      send(true);
    },
    done(r: SyncResult): SyncProgress {
      p.phase = 'done';
      p.fraction = 1;
      p.artifactsIn = r.artifactsReceived;
      p.artifactsOut = r.artifactsSent;
      p.bytesIn = r.bytesReceived;
      p.bytesOut = r.bytesSent;
      p.text = doneText(kind, r);
      send(true);
      return { ...p };
    },
    failed(error: ErrorReport): SyncProgress {
      p.phase = 'failed';
      p.code = error.code;
      p.error = error.message;
      p.text = error.message;
      send(true);
      return { ...p };
    },
  };
}

function verb(kind: SyncProgress['kind']): string {
  return kind === 'clone' ? 'Cloning' : kind === 'pull' ? 'Pulling' : 'Syncing';
}

function startText(kind: SyncProgress['kind']): string {
  return `${verb(kind)}…`;
}

function doneText(kind: SyncProgress['kind'], r: SyncResult): string {
  if (kind === 'clone') return `Cloned ${r.artifactsReceived} artifact${r.artifactsReceived === 1 ? '' : 's'}`;
  if (!r.artifactsReceived && !r.artifactsSent) return 'Up to date';
  return `Synced: ${r.artifactsReceived} received, ${r.artifactsSent} sent`;
}

