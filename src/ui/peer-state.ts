/**
 * The UI's picture of the peer, kept current by the worker's event stream: the repositories,
 * the latest progress of each, hub connection states, and a counter per repository that bumps
 * when its check-ins change (views reload their timeline on it). Each event changes the store
 * as src/ui/peer-events.ts says; nothing is listed again.
 */
import { createStore, produce } from 'solid-js/store';
import { createSignal } from 'solid-js';
import * as Comlink from 'comlink';
import type { Remote } from 'comlink';
import type { PeerEvent } from '../peer/api-types.ts';
import type { WorkerApi } from '../peer/worker-api.ts';
import { applyPeerEvent, emptyPeerState, type PeerState } from './peer-events.ts';
import { errorText } from './error-text.ts';

export type { PeerState } from './peer-events.ts';

export function createPeerState(api: Remote<WorkerApi>) {
  const [state, set] = createStore<PeerState>(emptyPeerState());
  const [tick, setTick] = createSignal(0);

  function onEvent(e: PeerEvent): void {
    if (e.type === 'log') {
      console.info(`[edgesync${e.repo ? ` ${e.repo}` : ''}] ${e.text}`);
      return;
    }
    set(produce((s) => applyPeerEvent(s, e, Date.now())));
  }

  async function start(): Promise<void> {
    await api.subscribe(Comlink.proxy(onEvent));
    try {
      // Ready once the worker's list of repositories arrives (its `repos` event, sent by init).
      await api.init();
    } catch (e) {
      set('error', errorText(e));
    }
    // Relative times ("2 min ago") need a clock.
    setInterval(() => setTick(tick() + 1), 15_000);
  }

  return { state, start, tick };
}

export type Peer = ReturnType<typeof createPeerState>;
