/**
 * What the repository worker tells the UI: plain data that crosses the worker boundary. The UI
 * sees repositories only through these shapes (and the worker API), never through SQL.
 */
import type { ErrorCode } from '../errors.ts';
import type { MergeReport } from '../mesh/merge-copy.ts';
import type { NatsAuth } from '../nats/nats-url.ts';
import type { Identity } from './access.ts';
import type { NotifyEvent } from './notify-types.ts';

export type ConnectionState = 'none' | 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface PeerInfo {
  peerId: string;
  name: string;
  kind: string;
}

/** A repository on this device, as the home screen lists it. */
export interface RepoSummary {
  /** Local name (also the file name in browser storage). */
  name: string;
  projectCode: string;
  projectName: string;
  bytes: number;
  checkins: number;
  /** ISO time of the newest check-in. */
  newest?: string;
  hub?: string;
  /** ISO time of the last successful sync. */
  lastSync?: string;
  connection: ConnectionState;
  peers: PeerInfo[];
  /** A clone that was interrupted (it resumes on the next clone of the same project). */
  unfinished: boolean;
  /** Who this browser is here and whether it may write. */
  identity: Identity;
  /** Check-ins made here that no server is known to have yet (on a hub), oldest first. */
  pending: { uuid: string; comment: string }[];
}

/**
 * What importing a `.fossil` file did: made a new repository, or found that this project is
 * already here (then nothing was stored; the file can be merged into that one).
 */
export type ImportOutcome = { kind: 'imported'; repo: RepoSummary } | { kind: 'same-project'; existing: string };

/** What merging a copy brought (nothing, when it was the same or an older copy), and the repository after. */
export type MergeOutcome = MergeReport & { repo: RepoSummary };

export type { UnsyncedWork } from '../mesh/unsynced.ts';

export interface CheckinRow {
  uuid: string;
  comment: string;
  user: string;
  time: string;
  branch: string | null;
  tags: string[];
}

export interface StorageInfo {
  usedBytes: number;
  quotaBytes: number;
  persisted: boolean;
}

export interface CloneRequest {
  hub: string;
  projectCode: string;
  name?: string;
  auth?: NatsAuth;
  /** What the link lets this browser do (a read link, a write invite). */
  role?: 'reader' | 'writer';
  /** The write invite's fossil login. */
  login?: { user: string; password: string };
}

/** The activity of one sync or clone, for progress bars. */
export interface SyncProgress {
  repo: string;
  kind: 'clone' | 'sync' | 'pull';
  phase: 'running' | 'done' | 'failed';
  rounds: number;
  artifactsIn: number;
  artifactsOut: number;
  bytesIn: number;
  bytesOut: number;
  /** 0..1 when it can be told. */
  fraction?: number;
  /** A clone's artifacts already kept in storage: a reload or a lost connection resumes from there. */
  saved?: number;
  /** Plain words, for the UI (when it failed: the error's message, for a log; the UI words `code`). */
  text: string;
  /** What went wrong, when it failed (errors.ts). */
  code?: ErrorCode;
  error?: string;
  /** With whom. */
  peer?: string;
  /** The project a clone brings (the page that started it finds its progress by it). */
  project?: string;
  /**
   * A clone's head start is in (src/sync/head-start.ts): its newest check-ins and the tip's files
   * can be read while the rest of the history arrives, so the page opens the repository.
   */
  headStart?: boolean;
}

/** A hub connection's state, as its link reports it (the store adds which repositories use it). */
export interface ConnectionEvent {
  type: 'connection';
  hub: string;
  state: ConnectionState;
  error?: string;
  code?: ErrorCode;
}

/**
 * What the worker tells the page, each event carrying what changed, so the page updates its
 * picture from the event itself (src/ui/peer-events.ts) instead of asking again.
 */
export type PeerEvent =
  /** Every repository, sent once the worker is ready (on each `init`): the page's starting point. */
  | { type: 'repos'; repos: RepoSummary[] }
  /** A repository that appeared or changed (counts, hub, who you are, pending check-ins, last sync). */
  | { type: 'repo'; repo: RepoSummary }
  | { type: 'repo-removed'; name: string }
  /** `repos`: the repositories whose connection this is (a hub may be reached with several credentials). */
  | (ConnectionEvent & { repos: string[] })
  | { type: 'progress'; progress: SyncProgress }
  | { type: 'checkins'; repo: string; uuids: string[]; source: 'local' | 'remote' }
  | { type: 'peers'; repo: string; peers: PeerInfo[] }
  | { type: 'log'; repo?: string; text: string }
  | NotifyEvent;
