/**
 * The newest check-ins of a repository on its overview; reloads whenever the worker reports new
 * ones. Each leads to its check-in page; the full timeline (every event, filters, graph) is a tab.
 */
import { createResource, For, Show } from 'solid-js';
import { dateTime } from './format.ts';
import { repoHash } from './route.ts';
import { useApi, usePeer } from './context.tsx';

export function Timeline(props: { name: string }) {
  const api = useApi();
  const peer = usePeer();
  const [rows] = createResource(
    () => ({ name: props.name, v: peer.state.changes[props.name] ?? 0, n: peer.state.repos.find((r) => r.name === props.name)?.checkins }),
    (k) => api.repos.checkins(k.name, 50),
  );
  return (
    <section class="card" aria-labelledby="tl-h">
      <div class="row">
        <h2 id="tl-h">Latest check-ins</h2>
        <a href={repoHash(props.name, 'timeline')} class="small" data-testid="full-timeline">Full timeline</a>
      </div>
      <Show when={(rows.latest ?? []).length > 0} fallback={<p class="muted">{rows.latest ? 'No check-ins yet.' : 'Loading…'}</p>}>
        <ol class="timeline" data-testid="timeline">
          <For each={rows.latest}>
            {(c) => (
              <li data-uuid={c.uuid} data-kb-item>
                <a class="comment" href={repoHash(props.name, 'checkin', c.uuid)}>{c.comment}</a>
                <div class="small muted">
                  <time datetime={c.time}>{dateTime(c.time)}</time>
                  {' · '}<span class="who">{c.user}</span>
                  <Show when={c.branch}>{' · '}<span class="branch">{c.branch}</span></Show>
                  {' · '}<code>{c.uuid.slice(0, 10)}</code>
                </div>
              </li>
            )}
          </For>
        </ol>
      </Show>
    </section>
  );
}
