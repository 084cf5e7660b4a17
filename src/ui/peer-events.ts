/**
 * The page's picture of the peer and how each worker event changes it. The events carry what
 * changed (a repository's summary, a connection's state, progress, new check-ins), so the picture
 * is updated from them alone; the worker is asked for the whole list only once, at the start (its
 * `repos` event). Plain data and a function that changes it in place: the page runs it inside the
 * Solid store's `produce`, the tests on a plain object.
 */
import type { ConnectionState, PeerEvent, PeerInfo, RepoSummary, SyncProgress } from '../peer/api-types.ts';
import { errorText } from './error-text.ts';

export interface PeerState {
  /** The worker has sent the repositories (its first `repos` event). */
  ready: boolean;
  error?: string;
  /** By name, as the worker lists them. */
  repos: RepoSummary[];
  progress: Record<string, SyncProgress>;
  peers: Record<string, PeerInfo[]>;
  hubs: Record<string, { state: ConnectionState; error?: string }>;
  /** Bumps when the repository's check-ins change. */
  changes: Record<string, number>;
  /** Newest arrivals, for the sync panel: "check-in abc arrived 2 s ago". */
  arrivals: Record<string, { uuids: string[]; at: number; source: string }>;
}

export function emptyPeerState(): PeerState {
  return { ready: false, repos: [], progress: {}, peers: {}, hubs: {}, changes: {}, arrivals: {} };
}

/** Apply one event to the state (`now`: the time an arrival is stamped with). */
export function applyPeerEvent(s: PeerState, e: PeerEvent, now: number): void {
  switch (e.type) {
    case 'repos': {
      const names = new Set(e.repos.map((r) => r.name));
      for (let i = s.repos.length - 1; i >= 0; i--) if (!names.has(s.repos[i]!.name)) s.repos.splice(i, 1);
      for (const r of e.repos) putRepo(s.repos, r);
      s.ready = true;
      break;
    }
    case 'repo':
      putRepo(s.repos, e.repo);
      break;
    case 'repo-removed': {
      const i = s.repos.findIndex((r) => r.name === e.name);
      if (i >= 0) s.repos.splice(i, 1);
      break;
    }
    case 'connection':
      s.hubs[e.hub] = { state: e.state, error: e.code ? errorText({ code: e.code, message: e.error }) : undefined };
      for (const r of s.repos) if (e.repos.includes(r.name)) r.connection = e.state;
      break;
    case 'progress':
      s.progress[e.progress.repo] = e.progress;
      break;
    case 'peers': {
      s.peers[e.repo] = e.peers;
      const r = s.repos.find((x) => x.name === e.repo);
      if (r) r.peers = e.peers;
      break;
    }
    case 'checkins':
      s.changes[e.repo] = (s.changes[e.repo] ?? 0) + 1;
      s.arrivals[e.repo] = { uuids: e.uuids, at: now, source: e.source };
      break;
  }
}

/** A repository's new summary: in place of its old one (kept as the same object), or added in name order. */
function putRepo(repos: RepoSummary[], r: RepoSummary): void {
  const i = repos.findIndex((x) => x.name === r.name);
  if (i >= 0) {
    replaceFields(repos[i]!, r);
    return;
  }
  const at = repos.findIndex((x) => x.name > r.name);
  if (at < 0) repos.push(r);
  else repos.splice(at, 0, r);
}

/** The target takes the source's fields, and loses those the source has not (an optional one now unset). */
function replaceFields<T extends object>(target: T, source: T): void {
  const t = target as Record<string, unknown>;
  for (const k of Object.keys(t)) if (!(k in source)) delete t[k];
  Object.assign(t, source);
}
