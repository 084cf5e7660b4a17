/**
 * The sync status of one repository: connected or not, which hub, who is online, when it last
 * synced, what is moving right now (a progress bar), what just arrived, errors in plain words,
 * and Sync now.
 */
import { createSignal, For, Show } from 'solid-js';
import type { Remote } from 'comlink';
import type { WorkerApi } from '../../workers/repo-worker.ts';
import type { RepoSummary } from '../peer/api-types.ts';
import type { Peer } from './peer-state.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { ago } from './format.ts';
import { ConnectionBadge } from './ConnectionBadge.tsx';

export function SyncPanel(props: { api: Remote<WorkerApi>; peer: Peer; repo: RepoSummary; onJoinHub: () => void }) {
  const s = props.peer.state;
  const [running, setRunning] = createSignal(false);
  const progress = () => s.progress[props.repo.name];
  const hubState = () => (props.repo.hub ? s.hubs[props.repo.hub] : undefined);
  const arrival = () => s.arrivals[props.repo.name];

  async function syncNow() {
    setRunning(true);
    try {
      await props.api.syncNow(props.repo.name);
    } finally {
      setRunning(false);
    }
  }

  return (
    <section class="card sync-panel" aria-labelledby="sync-h" data-testid="sync-panel">
      <div class="row">
        <h2 id="sync-h">Sync</h2>
        <ConnectionBadge state={props.repo.connection} />
      </div>
      <Show when={props.repo.hub} fallback={
        <p class="muted">This repository lives only in this browser. <button type="button" class="link" onClick={() => props.onJoinHub()}>Put it on a hub</button> to sync and share it.</p>
      }>
        <dl class="facts">
          <dt>Hub</dt><dd><code>{props.repo.hub}</code></dd>
          <dt>Peers online</dt>
          <dd data-testid="peers">
            <Show when={props.repo.peers.length > 0} fallback="none">
              <For each={props.repo.peers}>{(p) => <span class="chip" title={p.peerId}>{p.name} <span class="muted">({p.kind})</span></span>}</For>
            </Show>
          </dd>
          <dt>Last sync</dt><dd>{(props.peer.tick(), ago(props.repo.lastSync))}</dd>
        </dl>
        <Show when={hubState()?.error && props.repo.connection !== 'connected'}>
          <p class="error" role="status">{hubState()!.error}</p>
        </Show>
        <Show when={progress()}>
          {(p) => (
            <div aria-live="polite" data-testid="sync-progress">
              <p class={p().phase === 'failed' ? 'error' : ''}>{p().text}</p>
              <Show when={p().phase === 'running'}>
                <ProgressBar fraction={p().fraction} label="sync progress" />
              </Show>
            </div>
          )}
        </Show>
        <Show when={arrival()}>
          {(a) => (
            <p class="arrival" data-testid="arrival" aria-live="polite">
              {a().source === 'local' ? 'Committed here' : 'Arrived'}: {a().uuids.map((u) => u.slice(0, 10)).join(', ')}
              {' '}<span class="muted">({(props.peer.tick(), ago(new Date(a().at).toISOString()))})</span>
            </p>
          )}
        </Show>
        <button type="button" onClick={() => void syncNow()} disabled={running() || props.repo.connection !== 'connected'}>
          {running() ? 'Syncing…' : 'Sync now'}
        </button>
      </Show>
    </section>
  );
}
