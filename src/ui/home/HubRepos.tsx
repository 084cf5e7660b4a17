/** The repositories the hub serves that are not here yet, each cloned with one click. */
import { For, Show } from 'solid-js';
import type { HubInfo } from '../hub-info.ts';
import { usePeer } from '../context.tsx';

export function HubRepos(props: { hub: HubInfo | undefined; busy: boolean; clone: (r: { name: string; projectCode: string }) => void }) {
  const s = usePeer().state;
  const onHub = () => (props.hub?.repos ?? []).filter((r) => !s.repos.some((l) => l.projectCode === r.projectCode));
  return (
    <Show when={onHub().length > 0}>
      <section class="card" aria-labelledby="hub-h">
        <h2 id="hub-h">On this hub</h2>
        <ul class="plain">
          <For each={onHub()}>
            {(r) => (
              <li class="row">
                <span>{r.name} <code class="muted small">{r.projectCode.slice(0, 12)}</code></span>
                <button type="button" disabled={props.busy} onClick={() => props.clone(r)}>Clone</button>
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  );
}
