/** The working copy's files: a filter, the list (each opens in the editor), a new file, files to add. */
import { createSignal, For, Show } from 'solid-js';
import type { WorkingCopy } from './working-copy.ts';

/** At most this many files listed; a filter finds the others. */
const SHOWN = 400;

export const statusLabel: Record<string, string> = { edited: 'edited', added: 'added', renamed: 'renamed', deleted: 'deleted', unchanged: '' };

export function DraftFiles(props: { wc: WorkingCopy }) {
  const wc = props.wc;
  const [filter, setFilter] = createSignal('');
  const shown = () => {
    const q = filter().toLowerCase();
    const all = wc.state()?.files ?? [];
    return (q ? all.filter((f) => f.name.toLowerCase().includes(q)) : all).slice(0, SHOWN);
  };

  function newFile(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const name = String(new FormData(form).get('newname') ?? '').trim();
    if (name) void wc.newFile(name, () => form.reset());
  }

  return (
    <section class="card write-files" aria-labelledby="files-h">
      <h2 id="files-h">Files <span class="muted small">({wc.state()?.files.length ?? 0})</span></h2>
      <input type="search" placeholder="Filter files" aria-label="Filter files" value={filter()} onInput={(e) => setFilter(e.currentTarget.value)} />
      <ul class="write-file-list" data-testid="file-list">
        <For each={shown()}>
          {(f) => (
            <li data-name={f.name} data-status={f.status} aria-current={wc.selected() === f.name ? 'true' : undefined}>
              <button type="button" class="link" onClick={() => void wc.open(f.name)}>{f.name}</button>
              <Show when={f.status !== 'unchanged'}><span class={`write-st write-st-${f.status}`}>{statusLabel[f.status]}</span></Show>
            </li>
          )}
        </For>
      </ul>
      <Show when={(wc.state()?.files.length ?? 0) > shown().length}><p class="muted small">Showing {shown().length}; filter to find the others.</p></Show>
      <form class="write-new" onSubmit={newFile}>
        <label>New file<input name="newname" placeholder="path/name.txt" autocomplete="off" data-testid="new-file-name" /></label>
        <button type="submit" class="secondary">Create</button>
      </form>
      <div class="write-add">
        <label>Into folder<input value={wc.folder()} onInput={(e) => wc.setFolder(e.currentTarget.value)} placeholder="(top level)" data-testid="add-folder" /></label>
        <label class="file-button">
          <input type="file" multiple data-testid="add-input" onChange={(e) => { void wc.addFiles(e.currentTarget.files); e.currentTarget.value = ''; }} />
          <span>Add files…</span>
        </label>
        <p class="muted small">or drop files anywhere on this page</p>
      </div>
    </section>
  );
}
