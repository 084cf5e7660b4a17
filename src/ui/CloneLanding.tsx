/** Where a share link lands: clone the project (or find it here already) and open it. */
import { onMount, Show } from 'solid-js';
import { parseShareLink } from '../peer/share-link.ts';
import { ProgressBar } from './ProgressBar.tsx';
import { go, repoHash } from './route.ts';
import { createAction } from './actions.ts';
import { useApi, usePeer } from './context.tsx';
import { errorText } from './error-text.ts';
import { askToPersist } from './persistence.ts';

export function CloneLanding(props: { link: string }) {
  const api = useApi();
  const peer = usePeer();
  const target = parseShareLink(props.link);
  // The link's credentials go to the worker's storage, not into the history: drop them from the
  // address bar at once (a reload lands on the cloned repository, or here with "Try again").
  if (target?.auth || target?.login) history.replaceState(history.state, '', `${location.pathname}${location.search}#/cloning`);
  const action = createAction(errorText);
  const progress = () => Object.values(peer.state.progress).find((p) => p.kind === 'clone');

  async function start() {
    action.setError(undefined);
    if (!target) return action.setError('This link is not a complete EdgeSync share link.');
    void askToPersist();
    await action.run(async () => {
      const r = await api.repos.clone(target);
      go(repoHash(r.name), true);
    });
  }
  onMount(() => void start());

  return (
    <main class="page narrow">
      <section class="card" aria-live="polite">
        <h2>Cloning {target?.name ?? 'a shared repository'}</h2>
        <Show when={target}>
          <p class="muted small">from <code>{target!.hub}</code>, project <code>{target!.projectCode.slice(0, 12)}</code></p>
        </Show>
        <Show when={!action.error()} fallback={<><p role="alert" class="error">{action.error()}</p><button type="button" onClick={() => void start()}>Try again</button> <a href="#/">Home</a></>}>
          <p data-testid="clone-status">{progress()?.text ?? 'Connecting to the hub…'}</p>
          <ProgressBar fraction={progress()?.fraction} label="clone progress" />
          <Show when={progress()?.saved}>
            {(n) => <p class="muted small" data-testid="clone-saved" data-saved={n()}>{n()} artifacts are kept already: closing this tab or losing the connection does not lose them, and the clone goes on where it stopped.</p>}
          </Show>
        </Show>
      </section>
    </main>
  );
}
