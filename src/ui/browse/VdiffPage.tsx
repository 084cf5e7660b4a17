/**
 * The difference between any two check-ins (fossil's /vdiff?from=A&to=B): every file whose
 * content differs, with its hunks as `fossil diff --from A --to B` cuts them; `?w=1` ignores
 * whitespace (`fossil diff -w`), `?diff=split` shows them side by side.
 */
import { createResource, For, Show } from 'solid-js';
import type { SectionProps } from '../repo-sections.tsx';
import { go, repoHash } from '../route.ts';
import { useApi } from '../context.tsx';
import { Loaded } from './common.tsx';
import { Comment } from './Comment.tsx';
import { DiffStat, DiffView } from './DiffView.tsx';
import './read-more.css';
import { PageTitle } from '../shell/PageTitle.tsx';

export function VdiffPage(props: SectionProps) {
  const browse = useApi().browse;
  const from = () => props.args[0] ?? '';
  const to = () => props.args[1] ?? '';
  const ws = () => props.query.get('w') === '1';
  const split = () => props.query.get('diff') === 'split';
  const [view] = createResource(() => (from() && to() ? { n: props.name, from: from(), to: to(), w: ws() } : false),
    (k) => browse.vdiff(k.n, k.from, k.to, { ignoreWhitespace: k.w }));
  const href = (o: { from?: string; to?: string; w?: boolean; split?: boolean }) => {
    const params = new URLSearchParams();
    if (o.w ?? ws()) params.set('w', '1');
    if (o.split ?? split()) params.set('diff', 'split');
    const qs = params.toString();
    return `${repoHash(props.name, 'vdiff', o.from ?? from(), o.to ?? to())}${qs ? `?${qs}` : ''}`;
  };
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    go(href({ from: String(f.get('from') ?? '').trim() || 'tip', to: String(f.get('to') ?? '').trim() || 'tip', w: f.get('w') !== null }));
  };
  return (
    <article class="browse vdiff-page" data-testid="vdiff">
      <section class="card">
        <PageTitle repo={props.name}>Differences between check-ins</PageTitle>
        <form class="row vdiff-form" onSubmit={submit}>
          <label class="inline">From <input type="text" name="from" value={from()} placeholder="hash, branch or tag" data-testid="vdiff-from" /></label>
          <label class="inline">To <input type="text" name="to" value={to()} placeholder="hash, branch or tag" data-testid="vdiff-to" /></label>
          <label class="inline small"><input type="checkbox" name="w" checked={ws()} data-testid="vdiff-ws" /> ignore whitespace</label>
          <button type="submit" data-testid="vdiff-go">Compare</button>
        </form>
      </section>
      <Show when={from() && to()}>
        <Loaded data={view}>
          {(v) => (
            <section class="card" data-testid="vdiff-result" data-from={v.from.uuid} data-to={v.to.uuid}>
              <p class="small">
                From <a href={repoHash(props.name, 'checkin', v.from.uuid)}><code>{v.from.uuid.slice(0, 12)}</code></a> <Comment repo={props.name} text={v.from.comment} /><br />
                To <a href={repoHash(props.name, 'checkin', v.to.uuid)}><code>{v.to.uuid.slice(0, 12)}</code></a> <Comment repo={props.name} text={v.to.comment} />
              </p>
              <div class="row">
                <h2>{v.files.length} changed file{v.files.length === 1 ? '' : 's'}</h2>
                <a class="button-link" href={href({ split: !split() })} data-testid="vdiff-split">{split() ? 'Unified diffs' : 'Side-by-side diffs'}</a>
                <a class="button-link" href={href({ from: to(), to: from() })}>Swap</a>
              </div>
              <ul class="changed vdiff-files">
                <For each={v.files}>
                  {(f) => (
                    <li class="changed-file vdiff-file" data-name={f.name} data-change={f.change}>
                      <div class="changed-head">
                        <span class={`change change-${f.change}`}>{f.change}</span> <span class="fname">{f.name}</span> <DiffStat diff={f.diff} />
                      </div>
                      <DiffView diff={f.diff} split={split()} />
                    </li>
                  )}
                </For>
              </ul>
            </section>
          )}
        </Loaded>
      </Show>
    </article>
  );
}
