/**
 * The app shell: header, the page for the current route, and the update prompt.
 */
import { createMemo, createResource, Match, onCleanup, Show, Switch, type JSX } from 'solid-js';
import type { Remote } from 'comlink';
import type { WorkerApi } from '../peer/worker-api.ts';
import type { Peer } from './peer-state.ts';
import { fetchHubInfo, refetchWhileShown, type HubInfo } from './hub-info.ts';
import { route, type Route } from './route.ts';
import { Home } from './Home.tsx';
import { RepoView } from './RepoView.tsx';
import { CloneLanding } from './CloneLanding.tsx';
import { PeerProvider } from './context.tsx';
import { ThemeToggle } from './shell/ThemeToggle.tsx';
import { ShortcutHelp } from './shell/ShortcutHelp.tsx';
import { installShortcuts, setHelpOpen } from './shell/shortcuts.ts';
import './browse/index.ts';
import './app.css';

export interface AppProps {
  api: Remote<WorkerApi> | undefined;
  peer: Peer | undefined;
  update: JSX.Element;
}

export function App(props: AppProps) {
  // A look that fails (offline) keeps what the hub said last.
  const [hub, { refetch: refetchHub }] = createResource<HubInfo | undefined>(async (_, { value }) => (await fetchHubInfo()) ?? value);
  onCleanup(refetchWhileShown(() => void refetchHub()));
  onCleanup(installShortcuts());
  return (
    <>
      <header class="topbar">
        <a href="#/" class="brand" aria-label="EdgeSync home">
          <img src="/icon.svg" alt="" width="28" height="28" />
          <span>EdgeSync</span>
        </a>
        <span class="muted small tagline">Fossil repositories in your browser</span>
        <div class="topbar-tools">
          <button type="button" class="icon-button" onClick={() => setHelpOpen(true)} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" data-testid="shortcuts-button">
            <span aria-hidden="true">?</span>
          </button>
          <ThemeToggle />
        </div>
      </header>
      <ShortcutHelp />
      {props.update}
      <Switch fallback={<main class="page"><p class="muted">Starting…</p></main>}>
        <Match when={props.peer?.state.error}>
          <main class="page narrow"><p role="alert" class="error">{props.peer!.state.error}</p></main>
        </Match>
        <Match when={props.api && props.peer?.state.ready && props.peer}>
          {(peer) => (
            <PeerProvider api={props.api!} peer={peer()}>
              <Switch>
                {/* Keyed: every link opened (a second one in this tab too) gets a landing of its own. */}
                <Match when={route().page === 'clone' && route()} keyed>
                  {(r) => <CloneLanding link={(r as { link: string }).link} />}
                </Match>
                <Match when={route().page === 'repo' && route()}>
                  {(r) => {
                    const repo = () => r() as Extract<Route, { page: 'repo' }>;
                    // Pages that depend only on the repository's name must not reload when its section changes.
                    const name = createMemo(() => repo().name);
                    return <RepoView name={name()} section={repo().section} args={repo().args} query={repo().query} hub={hub()} />;
                  }}
                </Match>
                <Match when={route().page === 'home'}>
                  <Home hub={hub()} />
                </Match>
              </Switch>
            </PeerProvider>
          )}
        </Match>
      </Switch>
    </>
  );
}
