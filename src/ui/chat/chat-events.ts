/**
 * One subscription to the worker's notify events per page, shared by every chat component (the
 * worker API has no unsubscribe, so each mount must not add its own), and the system
 * notifications for messages that want attention.
 */
import * as Comlink from 'comlink';
import type { Remote } from 'comlink';
import type { WorkerApi } from '../../peer/worker-api.ts';
import type { PeerEvent } from '../../peer/api-types.ts';
import type { NotifyEvent } from '../../peer/notify-types.ts';
import { showAlerts } from './alerts.ts';

type Listener = (e: NotifyEvent) => void;
const listeners = new Set<Listener>();
let subscribedTo: unknown;

export function onNotify(api: Remote<WorkerApi>, fn: Listener): () => void {
  if (subscribedTo !== api) {
    subscribedTo = api;
    void api.subscribe(
      Comlink.proxy((e: PeerEvent) => {
        if (e.type !== 'notify' && e.type !== 'notify-alert') return;
        if (e.type === 'notify-alert') showAlerts(e.repo, e.messages);
        for (const l of listeners) l(e);
      }),
    );
  }
  listeners.add(fn);
  return () => listeners.delete(fn);
}
