/**
 * A `.fossil` file of a project already here is not imported twice: home offers to bring what
 * the file has into the repository that is here (the worker's mergeFile), and then says what
 * came in, or that nothing was new (the same or an older copy).
 */
import { Show } from 'solid-js';
import type { MergeOutcome } from '../../peer/api-types.ts';
import { count, kindsInWords } from '../format.ts';
import { repoHash } from '../route.ts';

export interface PendingMerge {
  file: string;
  existing: string;
  bytes: Uint8Array;
}

export function MergeOffer(props: { offer: PendingMerge; busy: boolean; merge: () => void; cancel: () => void }) {
  return (
    <section class="card" aria-labelledby="merge-h" data-testid="merge-offer">
      <h2 id="merge-h">“{props.offer.existing}” is already here</h2>
      <p>
        <code>{props.offer.file}</code> is a copy of the same project as “{props.offer.existing}”. Sync the two: whatever
        the file has that “{props.offer.existing}” lacks (check-ins, wiki, tickets) is added to it, checked as if it came
        from a hub, all at once or not at all. Nothing is removed or replaced.
      </p>
      <div class="actions">
        <button type="button" disabled={props.busy} onClick={() => props.merge()} data-testid="merge-confirm">Sync into “{props.offer.existing}”</button>
        <button type="button" class="secondary" disabled={props.busy} onClick={() => props.cancel()}>Cancel</button>
      </div>
    </section>
  );
}

export function MergeReport(props: { outcome: MergeOutcome }) {
  const o = () => props.outcome;
  const added = () => {
    const kinds = kindsInWords(o());
    const all = count(o().artifacts, 'artifact');
    return kinds === 'nothing' ? all : `${kinds} (${all} in all)`;
  };
  return (
    <p class="card" role="status" data-testid="merge-report">
      <Show when={o().artifacts > 0} fallback={<>“{o().repo.name}” already has everything in this file: nothing new was added. </>}>
        Added to “{o().repo.name}”: {added()}.{' '}
      </Show>
      <a href={repoHash(o().repo.name)}>Open “{o().repo.name}”</a>
    </p>
  );
}
