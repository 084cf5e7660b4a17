/** The repositories in this browser: each with its size, last sync, connection, peers, and a running clone's progress. */
import { For, Show } from 'solid-js';
import { usePeer } from '../context.tsx';
import { ago, count, formatBytes } from '../format.ts';
import { ProgressBar } from '../ProgressBar.tsx';
import { repoHash } from '../route.ts';
import { ConnectionBadge } from '../ConnectionBadge.tsx';

export function RepoList() {
  const peer = usePeer();
  const s = peer.state;
  /** The clone of a repository under way (one a reload interrupted resumes by itself). */
  const cloneRunning = (name: string) => {
    const p = s.progress[name];
    return p && p.kind === 'clone' && p.phase === 'running' ? p : undefined;
  };
  return (
    <section aria-labelledby="local-h">
      <h2 id="local-h">Repositories in this browser</h2>
      <Show when={s.repos.length > 0} fallback={<p class="muted">None yet. Clone one from a hub, create one, or drop a <code>.fossil</code> file here.</p>}>
        <ul class="repo-list" data-testid="repo-list">
          <For each={s.repos}>
            {(r) => (
              <li class="repo-card">
                <a href={repoHash(r.name)} class="repo-link">
                  <span class="repo-name">{r.name}</span>
                  <span class="muted small">{r.projectName !== r.name ? r.projectName : ''}</span>
                </a>
                <div class="repo-meta small">
                  <span>{count(r.checkins, 'check-in')}</span>
                  <span>{formatBytes(r.bytes)}</span>
                  <span>synced {(peer.tick(), ago(r.lastSync))}</span>
                  <Show when={r.hub}>
                    <ConnectionBadge state={r.connection} />
                    <span>{r.peers.length} {r.peers.length === 1 ? 'peer' : 'peers'} online</span>
                  </Show>
                  <Show when={r.unfinished && !cloneRunning(r.name)}><span class="warn">clone unfinished</span></Show>
                </div>
                <Show when={r.unfinished && cloneRunning(r.name)}>
                  {(p) => (
                    <div class="small" aria-live="polite" data-testid="repo-clone-progress">
                      <span>{p().text}</span>
                      <ProgressBar fraction={p().fraction} label={`clone of ${r.name}`} />
                    </div>
                  )}
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
