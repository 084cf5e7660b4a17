/**
 * Delete of a repository holding writes no hub or peer has yet: they would be lost for good, so
 * this says how many of each kind and deleting needs its own button. Escape, the backdrop and
 * "Keep it" leave the repository as it is.
 */
import { onCleanup, onMount } from 'solid-js';
import type { UnsyncedWork } from '../peer/api-types.ts';
import { kindsInWords } from './format.ts';

export function DeleteWarning(props: { name: string; work: UnsyncedWork; keep: () => void; download: () => void; remove: () => void }) {
  let keepButton!: HTMLButtonElement;
  const before = document.activeElement as HTMLElement | null;
  const onKey = (e: KeyboardEvent) => e.key === 'Escape' && props.keep();
  onMount(() => {
    document.addEventListener('keydown', onKey);
    queueMicrotask(() => keepButton.focus());
  });
  onCleanup(() => {
    document.removeEventListener('keydown', onKey);
    before?.focus?.();
  });
  return (
    <div class="dialog-backdrop" onClick={(e) => e.target === e.currentTarget && props.keep()}>
      <div class="dialog card" role="alertdialog" aria-modal="true" aria-labelledby="delete-h" aria-describedby="delete-what" data-testid="delete-warning">
        <h2 id="delete-h">Delete “{props.name}” with unsynced work?</h2>
        <p id="delete-what">
          <strong data-testid="unsynced-count">{kindsInWords(props.work)}</strong> made in this browser {props.work.total === 1 ? 'is' : 'are'} not
          on any hub or peer yet. Deleting “{props.name}” from this browser loses {props.work.total === 1 ? 'it' : 'them'} for good.
          Download a <code>.fossil</code> first to keep a copy, or keep the repository until it has synced.
        </p>
        <div class="actions">
          <button type="button" ref={keepButton} onClick={() => props.keep()} data-testid="delete-keep">Keep it</button>
          <button type="button" class="secondary" onClick={() => props.download()}>Download .fossil</button>
          <button type="button" class="danger" onClick={() => props.remove()} data-testid="delete-anyway">Delete and lose {props.work.total === 1 ? 'it' : 'them'}</button>
        </div>
      </div>
    </div>
  );
}
