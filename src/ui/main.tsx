/**
 * Entry of the web app: start this tab's worker (every tab has one; one of them holds the
 * repositories and the others' calls go to it, workers/tab-leader.ts), render the UI, and
 * register the service worker.
 */
import { render } from 'solid-js/web';
import { Show } from 'solid-js';
import * as Comlink from 'comlink';
import type { WorkerApi } from '../peer/worker-api.ts';
import { App } from './App.tsx';
import { createPeerState } from './peer-state.ts';
import { applyUpdate, registerServiceWorker, updateReady } from './pwa.ts';

const worker = new Worker(new URL('../../workers/repo-worker.ts', import.meta.url), { type: 'module', name: 'edgesync-repos' });
const api = Comlink.wrap<WorkerApi>(worker);
const peer = createPeerState(api);
// Tests and the bench script drive the worker API directly (never SQL).
(globalThis as { edgesync?: unknown }).edgesync = api;
void peer.start();

const update = (
  <Show when={updateReady()}>
    <div class="update" role="status">
      A new version of EdgeSync is ready. <button type="button" onClick={() => applyUpdate()}>Update</button>
    </div>
  </Show>
);

render(() => <App api={api} peer={peer} update={update} />, document.getElementById('app')!);
registerServiceWorker();
