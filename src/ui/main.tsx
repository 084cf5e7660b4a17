/** Entry of the web app: start the repository worker and render the UI. */
import { render } from 'solid-js/web';
import * as Comlink from 'comlink';
import type { WorkerApi } from '../../workers/repo-worker.ts';
import { App } from './App.tsx';

const worker = new Worker(new URL('../../workers/repo-worker.ts', import.meta.url), { type: 'module' });
const api = Comlink.wrap<WorkerApi>(worker);

render(() => <App api={api} />, document.getElementById('app')!);
