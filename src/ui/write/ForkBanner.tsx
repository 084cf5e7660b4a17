/**
 * Shown on every page of a repository while a branch has more than one open leaf: the plain sign
 * that work went on in parallel (e.g. commits made offline in two places). Both check-ins are
 * kept; the banner links to each, so the user can look and merge.
 */
import { createResource, For, Show } from 'solid-js';
import type { SectionProps } from '../repo-sections.tsx';
import { repoHash } from '../route.ts';
import { dateTime } from '../format.ts';
import { short } from './common.ts';
import { useApi, usePeer } from '../context.tsx';

export function ForkBanner(props: Pick<SectionProps, 'name'>) {
  const author = useApi().author;
  const peer = usePeer();
  const [forks] = createResource(
    () => ({ n: props.name, v: peer.state.changes[props.name] ?? 0, c: peer.state.repos.find((r) => r.name === props.name)?.checkins }),
    (k) => author.forks(k.n).catch(() => []),
  );
  return (
    <Show when={(forks.latest ?? []).length > 0}>
      <div class="write-forks" role="status" data-testid="fork-banner">
        <For each={forks.latest}>
          {(f) => (
            <p data-branch={f.branch}>
              <strong>Branch {f.branch} has {f.leaves.length} leaves</strong>: work went on in parallel and all of it is kept.{' '}
              <For each={f.leaves}>
                {(l, i) => (
                  <>
                    {i() > 0 ? ' · ' : ''}
                    <a href={repoHash(props.name, 'checkin', l.uuid)} data-uuid={l.uuid} title={l.comment}>
                      <code>{short(l.uuid)}</code> by {l.user}, {dateTime(l.time)}
                    </a>
                    {l.mine ? <strong class="write-mine"> (yours)</strong> : ''}
                  </>
                )}
              </For>
              {' '}<a href={repoHash(props.name, 'edit')} class="small">Continue from one of them in Edit files</a>
            </p>
          )}
        </For>
      </div>
    </Show>
  );
}
