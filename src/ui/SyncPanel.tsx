/**
 * The sync status of one repository: connected or not, which hub, who is online, who you are
 * here and what you may do, when it last synced, what is moving right now (a progress bar),
 * what just arrived, check-ins made here that no server has yet, errors in plain words, and
 * Sync now. A repository that lives only here can be put on a hub from here.
 */
import { createSignal, For, Match, Show, Switch } from 'solid-js';
import type { RepoSummary } from '../peer/api-types.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { ago, count } from './format.ts';
import { ConnectionBadge } from './ConnectionBadge.tsx';
import { createAction } from './actions.ts';
import { useApi, usePeer } from './context.tsx';
import { errorText } from './error-text.ts';
import { syncStatus } from './sync-status.ts';

export function SyncPanel(props: { repo: RepoSummary; defaultHub?: string }) {
  const api = useApi();
  const peer = usePeer();
  const s = peer.state;
  const [running, setRunning] = createSignal(false);
  const [joining, setJoining] = createSignal(false);
  const [signingIn, setSigningIn] = createSignal(false);
  const formAction = createAction(errorText);
  const progress = () => s.progress[props.repo.name];
  // What it says about syncing never contradicts the connection (sync-status.ts).
  const status = () => syncStatus(props.repo.connection, progress(), props.repo.lastSync);
  const hubState = () => (props.repo.hub ? s.hubs[props.repo.hub] : undefined);
  /**
   * A clone that stopped while its repository was open (its head start showed it early): said
   * as the share link's page says it, also when the words about syncing are only "not connected".
   */
  const cloneStopped = () => {
    const p = progress();
    return p?.kind === 'clone' && p.phase === 'failed' && status().kind !== 'failed' ? p : undefined;
  };
  const arrival = () => s.arrivals[props.repo.name];
  const id = () => props.repo.identity;

  async function syncNow() {
    setRunning(true);
    try {
      await api.hub.syncNow(props.repo.name);
    } finally {
      setRunning(false);
    }
  }

  async function submit(e: SubmitEvent, action: (f: FormData) => Promise<unknown>, done: () => void) {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    await formAction.run(async () => {
      await action(f);
      done();
    });
  }

  const joinForm = () => (
    <form class="inline-form" data-testid="join-hub" onSubmit={(e) => void submit(e, (f) => {
      const user = String(f.get('user') ?? '').trim();
      return api.hub.join(props.repo.name, String(f.get('hub') ?? '').trim(), user ? { user, password: String(f.get('password') ?? '') } : undefined);
    }, () => setJoining(false))}>
      <label>Hub address<input name="hub" required value={props.defaultHub ?? 'ws://127.0.0.1:8222'} /></label>
      <label>Hub user<input name="user" autocomplete="username" placeholder="from your hub's operator" /></label>
      <label>Password<input name="password" type="password" autocomplete="current-password" /></label>
      <div class="row"><button type="submit">Put it on the hub</button> <button type="button" class="secondary" onClick={() => setJoining(false)}>Cancel</button></div>
    </form>
  );

  const signInForm = () => (
    <form class="inline-form" data-testid="sign-in" onSubmit={(e) => void submit(e, (f) => api.hub.signIn(props.repo.name, String(f.get('login') ?? ''), String(f.get('password') ?? '')), () => setSigningIn(false))}>
      <label>Fossil login<input name="login" required autocomplete="username" /></label>
      <label>Password<input name="password" type="password" required autocomplete="current-password" /></label>
      <div class="row"><button type="submit">Sign in</button> <button type="button" class="secondary" onClick={() => setSigningIn(false)}>Cancel</button></div>
    </form>
  );

  return (
    <section class="card sync-panel" aria-labelledby="sync-h" data-testid="sync-panel">
      <div class="row">
        <h2 id="sync-h">Sync</h2>
        <ConnectionBadge state={props.repo.connection} />
      </div>
      <Show when={props.repo.hub} fallback={
        <Show when={joining()} fallback={
          <p class="muted">This repository lives only in this browser. <button type="button" class="link" onClick={() => setJoining(true)}>Put it on a hub</button> to sync and share it.</p>
        }>{joinForm()}</Show>
      }>
        <dl class="facts">
          <dt>Hub</dt><dd><code>{props.repo.hub}</code></dd>
          <dt>You</dt>
          <dd data-testid="identity">
            {id().user ?? (id().role === 'owner' ? 'this browser (its own repository)' : 'no login')}
            {' · '}<span data-testid="may-write">{id().canWrite ? 'can write' : 'read only'}</span>
            {' '}<Show when={id().role !== 'owner' || id().user}>
              <Show when={id().user} fallback={<button type="button" class="link" onClick={() => setSigningIn(true)}>Sign in</button>}>
                <button type="button" class="link" onClick={() => void api.hub.signOut(props.repo.name)}>Sign out</button>
              </Show>
            </Show>
          </dd>
          <dt>Peers online</dt>
          <dd data-testid="peers">
            <Show when={props.repo.peers.length > 0} fallback="none">
              <For each={props.repo.peers}>{(p) => <span class="chip" title={p.peerId}>{p.name} <span class="muted">({p.kind})</span></span>}</For>
            </Show>
          </dd>
          <dt>Last sync</dt><dd>{(peer.tick(), ago(props.repo.lastSync))}</dd>
        </dl>
        <Show when={signingIn()}>{signInForm()}</Show>
        <Show when={id().note}>
          <p class="notice small" role="note" data-testid="access-note">{id().note}</p>
        </Show>
        <Show when={hubState()?.error && props.repo.connection !== 'connected'}>
          <p class="error" role="status">{hubState()!.error}</p>
        </Show>
        <Show when={cloneStopped()}>
          {(p) => <p class="error" role="alert" data-testid="clone-stopped">The clone stopped: {errorText({ code: p().code, message: p().error })} What arrived is kept.</p>}
        </Show>
        <Show when={status().kind !== 'none'}>
          <div aria-live="polite" data-testid="sync-progress">
            <Switch>
              <Match when={status().kind === 'not-connected'}>
                <p class="muted" data-testid="not-connected">Not connected to the hub; last synced {(peer.tick(), ago(props.repo.lastSync))}.</p>
              </Match>
              <Match when={progress()}>
                {(p) => (
                  <>
                    <p class={status().kind === 'failed' ? 'error' : ''} role={status().kind === 'failed' && p().kind === 'clone' ? 'alert' : undefined}>{status().kind === 'failed' ? errorText({ code: p().code, message: p().error }) : p().text}</p>
                    <Show when={status().kind === 'running'}>
                      <ProgressBar fraction={p().fraction} label="sync progress" />
                      {/* A clone opened before it ended (its head start): what a reload would keep. */}
                      <Show when={p().kind === 'clone' && p().saved}>
                        {(n) => <p class="muted small" data-testid="clone-saved" data-saved={n()}>{count(n(), 'artifact is', 'artifacts are')} kept already; older check-ins appear as they arrive.</p>}
                      </Show>
                    </Show>
                  </>
                )}
              </Match>
            </Switch>
          </div>
        </Show>
        <Show when={arrival()}>
          {(a) => (
            <p class="arrival" data-testid="arrival" aria-live="polite">
              {a().source === 'local' ? 'Committed here' : 'Arrived'}: {a().uuids.map((u) => u.slice(0, 10)).join(', ')}
              {' '}<span class="muted">({(peer.tick(), ago(new Date(a().at).toISOString()))})</span>
            </p>
          )}
        </Show>
        <Show when={props.repo.pending.length > 0}>
          <div data-testid="pending">
            <p class="small">Made here, not yet on a server ({props.repo.pending.length}):</p>
            <ul class="plain small">
              <For each={props.repo.pending.slice(-5)}>{(c) => <li><code>{c.uuid.slice(0, 10)}</code> {c.comment}</li>}</For>
            </ul>
          </div>
        </Show>
        <button type="button" onClick={() => void syncNow()} disabled={running() || props.repo.connection !== 'connected'}>
          {running() ? 'Syncing…' : 'Sync now'}
        </button>
      </Show>
      <Show when={formAction.error()}><p class="error" role="alert">{formAction.error()}</p></Show>
    </section>
  );
}
