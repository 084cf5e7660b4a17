/**
 * The working copy in the browser: choose where to start (a branch tip or a check-in), edit
 * text files, add files (picker or drag-and-drop, binary too), rename and delete, see the
 * pending changes and commit them on the branch or on a new one. Every change goes straight
 * to the worker's draft, so a reload or a closed tab loses nothing. The state and its changes
 * are in working-copy.ts; this page lays out its parts and takes dropped files.
 */
import { createSignal, Show } from 'solid-js';
import type { SectionProps } from '../repo-sections.tsx';
import { repoHash } from '../route.ts';
import { createWorkingCopy } from './working-copy.ts';
import { DraftBase } from './DraftBase.tsx';
import { DraftFiles } from './DraftFiles.tsx';
import { FileEditor } from './FileEditor.tsx';
import { DraftChanges } from './DraftChanges.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';

export function EditPage(props: SectionProps) {
  const wc = createWorkingCopy(() => props.name);
  const [dragging, setDragging] = createSignal(false);

  return (
    <div
      class="write-edit"
      classList={{ dragging: dragging() }}
      data-testid="drop-zone"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        void wc.addFiles(e.dataTransfer?.files);
      }}
    >
      <PageTitle repo={props.name}>Edit files</PageTitle>
      <Show when={wc.action.error()}><p role="alert" class="error" data-testid="write-error">{wc.action.error()}</p></Show>
      <Show when={wc.notice()}>
        {(n) => (
          <p role="status" class="write-notice" data-testid="write-notice">
            {n().text} <Show when={n().uuid}><a href={repoHash(props.name, 'checkin', n().uuid!)}>View the check-in</a></Show>
          </p>
        )}
      </Show>
      <DraftBase wc={wc} />
      <div class="write-grid">
        <DraftFiles wc={wc} />
        <FileEditor wc={wc} />
      </div>
      <DraftChanges wc={wc} />
    </div>
  );
}
