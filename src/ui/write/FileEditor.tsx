/** The file open in the working copy: its text (saved as you type), or a binary file to replace; rename, delete, revert, close. */
import { Show } from 'solid-js';
import { formatBytes } from '../format.ts';
import type { WorkingCopy } from './working-copy.ts';

export function FileEditor(props: { wc: WorkingCopy }) {
  const wc = props.wc;

  function rename(e: SubmitEvent) {
    e.preventDefault();
    void wc.rename(String(new FormData(e.currentTarget as HTMLFormElement).get('rename') ?? '').trim());
  }

  return (
    <section class="card write-editor" aria-labelledby="editor-h" data-testid="editor">
      <Show when={wc.selected()} fallback={<><h2 id="editor-h">Editor</h2><p class="muted">Pick a file to edit it, or create or add one.</p></>}>
        <div class="row">
          <h2 id="editor-h" class="write-fname" data-testid="editor-name">{wc.selected()}</h2>
          <span class="muted small" data-testid="save-state">{wc.dirty() ? 'editing…' : wc.entry()?.status === 'unchanged' ? 'unchanged' : 'saved in the draft'}</span>
        </div>
        <Show when={wc.binary() === undefined} fallback={
          <div class="write-binary">
            <p>Binary file, {formatBytes(wc.binary() ?? 0)}.</p>
            <label class="file-button"><input type="file" onChange={(e) => void wc.replaceBinary(e.currentTarget.files)} /><span>Replace with…</span></label>
          </div>
        }>
          <textarea
            class="write-text"
            data-testid="editor-text"
            spellcheck={false}
            value={wc.text()}
            onInput={(e) => wc.typed(e.currentTarget.value)}
            onBlur={() => void wc.save()}
            onKeyDown={(e) => {
              if (e.key === 's' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                void wc.save();
              }
            }}
          />
        </Show>
        <div class="write-file-actions">
          <form class="write-rename" onSubmit={rename}>
            <input name="rename" value={wc.selected()} aria-label="New name" data-testid="rename-input" autocomplete="off" />
            <button type="submit" class="secondary">Rename</button>
          </form>
          <button type="button" class="danger" onClick={() => void wc.remove()} data-testid="delete-file">Delete</button>
          <Show when={wc.entry() && wc.entry()!.status !== 'unchanged'}>
            <button type="button" class="secondary" onClick={() => void wc.revert(wc.selected()!)}>Revert</button>
          </Show>
          <button type="button" class="link" onClick={() => void wc.save().then(wc.close)}>Close</button>
        </div>
      </Show>
    </section>
  );
}
