/** The working copy's pending changes (each can be reverted) and the commit form. */
import { For, Show } from 'solid-js';
import { formatBytes } from '../format.ts';
import { AuthorField } from './gate.tsx';
import { statusLabel } from './DraftFiles.tsx';
import type { WorkingCopy } from './working-copy.ts';

export function DraftChanges(props: { wc: WorkingCopy }) {
  const wc = props.wc;
  const changed = () => (wc.state()?.files ?? []).filter((f) => f.status !== 'unchanged');
  const count = () => changed().length + (wc.state()?.deleted.length ?? 0);

  function commit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    void wc.commit(new FormData(form), () => {
      (form.elements.namedItem('comment') as HTMLTextAreaElement).value = '';
      (form.elements.namedItem('newbranch') as HTMLInputElement).value = '';
    });
  }

  return (
    <section class="card write-changes" aria-labelledby="changes-h" data-testid="changes">
      <h2 id="changes-h">Pending changes <span class="muted small">({count()})</span></h2>
      <Show when={count() > 0} fallback={<p class="muted">No changes yet.</p>}>
        <ul class="write-change-list">
          <For each={changed()}>
            {(f) => (
              <li data-name={f.name} data-status={f.status}>
                <span class={`write-st write-st-${f.status}`}>{statusLabel[f.status]}</span>{' '}
                <button type="button" class="link" onClick={() => void wc.open(f.name)}>{f.name}</button>
                <Show when={f.oldName}> <span class="muted small">(was {f.oldName})</span></Show>
                {' '}<span class="muted small">{formatBytes(f.size)}</span>
                {' '}<button type="button" class="link small" onClick={() => void wc.revert(f.name)}>revert</button>
              </li>
            )}
          </For>
          <For each={wc.state()?.deleted ?? []}>
            {(name) => (
              <li data-name={name} data-status="deleted">
                <span class="write-st write-st-deleted">deleted</span> {name}{' '}
                <button type="button" class="link small" onClick={() => void wc.revert(name)}>restore</button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <form class="write-commit" onSubmit={commit}>
        <label>Comment<textarea name="comment" rows="3" required data-testid="commit-comment" /></label>
        <div class="write-commit-row">
          <AuthorField name={wc.name()} testid="commit-user" />
          <label>New branch (optional)<input name="newbranch" placeholder={`commit on ${wc.state()?.branch ?? 'trunk'}`} autocomplete="off" data-testid="commit-branch" /></label>
        </div>
        <div class="actions">
          <button type="submit" disabled={wc.action.busy() === 'commit'} data-testid="commit-button">Commit</button>
          <button type="button" class="danger" onClick={() => void wc.discard()} disabled={(wc.state()?.changes ?? 0) === 0}>Discard all</button>
        </div>
      </form>
    </section>
  );
}
