/**
 * The UI's picture of the peer, kept current by the worker's event stream: the repositories,
 * the latest progress of each, hub connection states, and a counter per repository that bumps
 * when its check-ins change (views reload their timeline on it).
 */
import { createStore, reconcile } from 'solid-js/store';
import { createSignal } from 'solid-js';
import * as Comlink from 'comlink';
import type { Remote } from 'comlink';
import type { ConnectionState, PeerEvent, PeerInfo, RepoSummary, SyncProgress } from '../peer/api-types.ts';
import type { WorkerApi } from '../peer/worker-api.ts';

export interface PeerState {
  ready: boolean;
  error?: string;
  repos: RepoSummary[];
  progress: Record<string, SyncProgress>;
  peers: Record<string, PeerInfo[]>;
  hubs: Record<string, { state: ConnectionState; error?: string }>;
  /** Bumps when the repository's check-ins change. */
  changes: Record<string, number>;
  /** Newest arrivals, for the sync panel: "check-in abc arrived 2 s ago". */
  arrivals: Record<string, { uuids: string[]; at: number; source: string }>;
}

export function createPeerState(api: Remote<WorkerApi>) {
  const [state, set] = createStore<PeerState>({ ready: false, repos: [], progress: {}, peers: {}, hubs: {}, changes: {}, arrivals: {} });
  const [tick, setTick] = createSignal(0);
  let refreshing: Promise<void> | undefined;
  let again = false;

  async function refresh(): Promise<void> {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        again = false;
        const repos = await api.repos.list();
        set('repos', reconcile(repos, { key: 'name' }));
      } while (again);
    })().finally(() => (refreshing = undefined));
    return refreshing;
  }

  function onEvent(e: PeerEvent): void {
    switch (e.type) {
      case 'repos':
        void refresh();
        break;
      case 'connection':
        set('hubs', e.hub, { state: e.state, error: e.error });
        void refresh();
        break;
      case 'progress':
        set('progress', e.progress.repo, e.progress);
        if (e.progress.phase !== 'running') void refresh();
        break;
      case 'peers':
        set('peers', e.repo, e.peers);
        void refresh();
        break;
      case 'checkins':
        set('changes', e.repo, (n) => (n ?? 0) + 1);
        set('arrivals', e.repo, { uuids: e.uuids, at: Date.now(), source: e.source });
        void refresh();
        break;
      case 'log':
        console.info(`[edgesync${e.repo ? ` ${e.repo}` : ''}] ${e.text}`);
        break;
    }
  }

  async function start(): Promise<void> {
    await api.subscribe(Comlink.proxy(onEvent));
    try {
      await api.init();
      await refresh();
      set('ready', true);
    } catch (e) {
      set('error', (e as Error).message);
    }
    // Relative times ("2 min ago") need a clock.
    setInterval(() => setTick(tick() + 1), 15_000);
  }

  return { state, start, refresh, tick };
}

export type Peer = ReturnType<typeof createPeerState>;
