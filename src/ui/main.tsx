/**
 * Entry of the web app: claim the repositories for this tab (one owner per origin), start the
 * worker that holds them, render the UI, and register the service worker.
 */
import { render } from 'solid-js/web';
import { createSignal, Show } from 'solid-js';
import * as Comlink from 'comlink';
import type { Remote } from 'comlink';
import type { WorkerApi } from '../peer/worker-api.ts';
import { App } from './App.tsx';
import { claimOwnership, type Ownership } from './ownership.ts';
import { createPeerState, type Peer } from './peer-state.ts';
import { applyUpdate, registerServiceWorker, updateReady } from './pwa.ts';

const [api, setApi] = createSignal<Remote<WorkerApi>>();
const [peer, setPeer] = createSignal<Peer>();
const [ownership, setOwnership] = createSignal<Ownership>();
let worker: Worker | undefined;

const owner = claimOwnership({
  acquired() {
    worker = new Worker(new URL('../../workers/repo-worker.ts', import.meta.url), { type: 'module', name: 'edgesync-repos' });
    const remote = Comlink.wrap<WorkerApi>(worker);
    const p = createPeerState(remote);
    setApi(() => remote);
    setPeer(p);
    // Tests and the bench script drive the worker API directly (never SQL).
    (globalThis as { edgesync?: unknown }).edgesync = remote;
    void p.start();
  },
  async release() {
    await api()?.shutdown().catch(() => undefined);
    worker?.terminate();
    worker = undefined;
    setApi(undefined);
    setPeer(undefined);
  },
  state: setOwnership,
});

const update = (
  <Show when={updateReady()}>
    <div class="update" role="status">
      A new version of EdgeSync is ready. <button type="button" onClick={() => applyUpdate()}>Update</button>
    </div>
  </Show>
);

render(
  () => <App api={api()} peer={peer()} ownership={ownership()} takeOver={() => owner.takeOver()} update={update} />,
  document.getElementById('app')!,
);
registerServiceWorker();
