/** The Edit files page's head: the check-in and branch the working copy starts from, and starting elsewhere. */
import { For, Show } from 'solid-js';
import { repoHash } from '../route.ts';
import { dateTime } from '../format.ts';
import { short } from './common.ts';
import type { WorkingCopy } from './working-copy.ts';

export function DraftBase(props: { wc: WorkingCopy }) {
  const wc = props.wc;
  const state = wc.state;

  function startFrom(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    void wc.startFrom({ checkin: String(f.get('checkin') ?? '').trim(), branch: String(f.get('branch') ?? '') });
  }

  return (
    <section class="card write-base" aria-labelledby="base-h">
      <h2 id="base-h">Working copy</h2>
      <Show when={state()?.base} fallback={<p class="muted">Loading…</p>}>
        {(b) => (
          <p data-testid="draft-base">
            On <strong class="branch">{state()!.branch ?? b().branch ?? 'trunk'}</strong>, from check-in{' '}
            <a href={repoHash(wc.name(), 'checkin', b().uuid)}><code>{short(b().uuid)}</code></a>{' '}
            <span class="muted">“{b().comment}” by {b().user}, {dateTime(b().time)}</span>
          </p>
        )}
      </Show>
      <Show when={state()?.branchMovedTo}>
        <p class="write-warn" role="status" data-testid="branch-moved">
          <strong>{state()!.branch}</strong> has moved on since you started (it is now at{' '}
          <a href={repoHash(wc.name(), 'checkin', state()!.branchMovedTo!)}><code>{short(state()!.branchMovedTo)}</code></a>).
          Committing keeps your work as a second leaf of the branch, a fork you can see and merge later.
        </p>
      </Show>
      <details>
        <summary>Start from another branch or check-in</summary>
        <form class="write-start" onSubmit={startFrom}>
          <label>Branch
            <select name="branch" data-testid="start-branch">
              <For each={wc.points() ?? []}>
                {(p) => <option value={p.branch} selected={p.branch === state()?.branch}>{p.branch}{p.closed ? ' (closed)' : ''}</option>}
              </For>
            </select>
          </label>
          <label>or check-in (hash prefix or tag)<input name="checkin" placeholder="e.g. 1a2b3c4d" autocomplete="off" /></label>
          <button type="submit" disabled={(state()?.changes ?? 0) > 0} title={(state()?.changes ?? 0) > 0 ? 'Commit or discard the pending changes first' : undefined}>Start here</button>
        </form>
      </details>
    </section>
  );
}
