/**
 * Where a share link lands: clone the project (or find it here already) and open it. While it
 * runs it can be cancelled; when it fails (or was cancelled) it says why, with Retry. Each link
 * gets a landing of its own (App.tsx), so a second link opened in this tab opens its repository;
 * a landing left before its clone ended does not lead anywhere when it does.
 */
import { createEffect, onCleanup, onMount, Show } from 'solid-js';
import { parseShareLink } from '../peer/share-link.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { go, repoHash } from './route.ts';
import { createAction } from './actions.ts';
import { useApi, usePeer } from './context.tsx';
import { cloneErrorText } from './error-text.ts';
import { askToPersist } from './persistence.ts';
import { count } from './format.ts';
import { PageTitle } from './shell/PageTitle.tsx';

export function CloneLanding(props: { link: string }) {
  const api = useApi();
  const peer = usePeer();
  const target = parseShareLink(props.link);
  // The link's credentials go to the worker's storage, not into the history: drop them from the
  // address bar at once (a reload lands on the cloned repository, or here with Retry).
  if (target?.auth || target?.login) history.replaceState(history.state, '', `${location.pathname}${location.search}#/cloning`);
  const action = createAction(cloneErrorText);
  let shown = true;
  onCleanup(() => (shown = false));
  const progress = () => Object.values(peer.state.progress).find((p) => p.kind === 'clone' && p.phase === 'running' && p.project === target?.projectCode);

  async function start() {
    action.setError(undefined);
    if (!target) return action.setError('This link is not a complete EdgeSync share link.');
    void askToPersist();
    const r = await action.run(() => api.repos.clone(target), 'clone');
    if (r && shown) go(repoHash(r.name), true);
  }
  onMount(() => void start());
  // The clone's head start is in: open the repository at once; the rest of the history goes on
  // arriving behind it (its sync panel shows how far).
  createEffect(() => {
    const p = progress();
    if (p?.headStart && shown) go(repoHash(p.repo), true);
  });

  return (
    <main class="page narrow">
      <section class="card" aria-live="polite" data-testid="clone-landing">
        <PageTitle>Cloning {target?.name ?? 'a shared repository'}</PageTitle>
        <Show when={target}>
          <p class="muted small">from <code>{target!.hub}</code>, project <code>{target!.projectCode.slice(0, 12)}</code></p>
        </Show>
        <Show when={!action.error()} fallback={
          <>
            <p role="alert" class="error">{action.error()}</p>
            <Show when={target}><button type="button" onClick={() => void start()}>Retry</button></Show> <a href="#/">Home</a>
          </>
        }>
          <p data-testid="clone-status">{progress()?.text ?? 'Connecting to the hub…'}</p>
          <ProgressBar fraction={progress()?.fraction} label="clone progress" />
          <Show when={progress()?.saved}>
            {(n) => <p class="muted small" data-testid="clone-saved" data-saved={n()}>{count(n(), 'artifact is', 'artifacts are')} kept already: closing this tab or losing the connection does not lose them, and the clone goes on where it stopped.</p>}
          </Show>
          <Show when={action.busy()}>
            <button type="button" class="secondary" onClick={() => void api.repos.cancelClone(target!.projectCode)}>Cancel</button>
          </Show>
        </Show>
      </section>
    </main>
  );
}
