/**
 * The storage part of home: how much this site uses of what the browser gives it, and whether
 * the browser keeps it (persistent) or may clear it, in words, with what it answered when asked.
 */
import { Show } from 'solid-js';
import type { StorageInfo } from '../../peer/api-types.ts';
import { formatBytes } from '../format.ts';
import { persistAnswer } from '../persistence.ts';

export function StorageNote(props: { storage: StorageInfo }) {
  const st = () => props.storage;
  return (
    <div class="small storage" data-testid="storage">
      <p class="muted">
        Storage: {formatBytes(st().usedBytes)} used of {formatBytes(st().quotaBytes)} available to this site.
      </p>
      <p data-testid="persistence" data-persisted={String(st().persisted)} classList={{ warn: !st().persisted }}>
        <Show when={persistAnswer() !== undefined}>
          {persistAnswer() ? 'Asked to keep this site’s storage, the browser agreed. ' : 'Asked to keep this site’s storage, the browser declined. '}
        </Show>
        <Show
          when={st().persisted}
          fallback={<>Storage is <strong>not persistent</strong>: when space runs short the browser may delete these repositories without asking, check-ins no hub has yet included. Download a <code>.fossil</code> or put a repository on a hub to keep a copy elsewhere.</>}
        >
          Storage is <strong>persistent</strong>: the browser keeps these repositories until you delete them.
        </Show>
      </p>
    </div>
  );
}
