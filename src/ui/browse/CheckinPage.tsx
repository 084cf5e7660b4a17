/**
 * One check-in, as `fossil info` and the /info page show it: comment, user, time, branch, tags,
 * parents and children, and the files it changed with their diffs (unified or side by side).
 * The page paints as soon as the check-in is read; diffs follow in batches.
 */
import { createResource, createSignal, For, onCleanup, Show } from 'solid-js';
import type { SectionProps } from '../repo-sections.tsx';
import { go, repoHash } from '../route.ts';
import type { CheckinView, FileDiff } from '../../peer/browse-types.ts';
import { BranchLink, Loaded, useCanWrite, When } from './common.tsx';
import { Comment } from './Comment.tsx';
import { DiffStat, DiffView } from './DiffView.tsx';
import { ArchiveLinks } from './ArchiveLinks.tsx';
import { useApi } from '../context.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';

/**
 * Diffs load for the files on or near the screen, a few at a time: expanding file versions can
 * take a while on a large repository, and the worker answers in order, so small batches let
 * other requests (the next page) through.
 */
const BATCH = 4;
const FIRST_FILES = 6;

export function CheckinPage(props: SectionProps) {
  const browse = useApi().browse;
  const split = () => props.query.get('diff') === 'split';
  const canWrite = useCanWrite(() => props.name);
  const [diffs, setDiffs] = createSignal<Record<number, FileDiff>>({});
  const [ci] = createResource(() => ({ name: props.name, ref: props.args[0] ?? 'tip' }), async (k) => {
    const c = await browse.checkin(k.name, k.ref);
    current = c;
    setDiffs({});
    queue.clear();
    // The first files are what a reader looks at first, wherever the list sits on the page.
    for (let i = 0; i < Math.min(FIRST_FILES, c.changed.length); i++) queue.add(i);
    queueMicrotask(() => void pump());
    return c;
  });

  let alive = true;
  let busy = false;
  /** The check-in whose diffs are wanted (set as soon as it is read, before it renders). */
  let current: CheckinView | undefined;
  const queue = new Set<number>();
  const observer = new IntersectionObserver((seen) => {
    for (const e of seen) if (e.isIntersecting) want(Number((e.target as HTMLElement).dataset.index));
  }, { rootMargin: '800px 0px' });
  onCleanup(() => {
    alive = false;
    observer.disconnect();
  });

  function want(i: number) {
    if (diffs()[i] === undefined) queue.add(i);
    void pump();
  }

  async function pump() {
    const c = current;
    if (busy || !c || !queue.size) return;
    busy = true;
    try {
      while (alive && queue.size && current === c) {
        const batch = [...queue].sort((a, b) => a - b).slice(0, BATCH);
        for (const i of batch) queue.delete(i);
        const part = await browse.diffs(props.name, batch.map((i) => ({ before: c.changed[i]!.prevUuid, after: c.changed[i]!.uuid })));
        if (!alive || current !== c) return;
        const next = { ...diffs() };
        batch.forEach((i, k) => (next[i] = part[k]!));
        setDiffs(next);
      }
    } finally {
      busy = false;
    }
  }

  const toggle = () => go(`${repoHash(props.name, 'checkin', props.args[0] ?? 'tip')}${split() ? '' : '?diff=split'}`, true);

  return (
    <Loaded data={ci}>
      {(c) => (
        <article class="browse checkin-page" data-testid="checkin" data-uuid={c.uuid}>
          <section class="card">
            <PageTitle repo={props.name} class="checkin-comment" text={`Check-in ${c.uuid.slice(0, 10)}`}><Comment repo={props.name} text={c.comment} /></PageTitle>
            <dl class="facts">
              <dt>Check-in</dt><dd><code data-testid="checkin-uuid">{c.uuid}</code></dd>
              <dt>Date</dt><dd><When iso={c.time} /> UTC</dd>
              <dt>User</dt><dd data-testid="checkin-user">{c.user}</dd>
              <dt>Branch</dt><dd><BranchLink repo={props.name} branch={c.branch} />{c.leaf ? ' (leaf)' : ''}{c.closed ? ' (closed)' : ''}</dd>
              <dt>Tags</dt>
              <dd data-testid="checkin-tags">
                <For each={c.tags.filter((t) => t.name.startsWith('sym-'))}>{(t) => <a class="chip" data-tag={t.name.slice(4)} href={`${repoHash(props.name, 'timeline')}?b=${encodeURIComponent(t.name.slice(4))}`} title={t.propagating ? 'propagating' : undefined}>{t.name.slice(4)}</a>}</For>
                <For each={c.tags.filter((t) => !t.name.startsWith('sym-') && t.name !== 'branch')}>{(t) => <span class="chip raw-tag" title="a property tag">{t.name}{t.value ? `=${t.value}` : ''}</span>}</For>
              </dd>
              <dt>Parents</dt>
              <dd data-testid="checkin-parents"><For each={c.parents} fallback={<span class="muted">none (first check-in)</span>}>{(p, i) => <>{i() > 0 ? <span class="muted"> merge </span> : null}<a href={repoHash(props.name, 'checkin', p)} data-uuid={p}><code>{p.slice(0, 12)}</code></a> </>}</For></dd>
              <dt>Children</dt>
              <dd data-testid="checkin-children"><For each={c.children} fallback={<span class="muted">none</span>}>{(p) => <><a href={repoHash(props.name, 'checkin', p)} data-uuid={p}><code>{p.slice(0, 12)}</code></a> </>}</For></dd>
            </dl>
            <div class="actions">
              <a class="button-link" href={repoHash(props.name, 'files', c.uuid)}>Files at this check-in</a>
              <a class="button-link" href={`${repoHash(props.name, 'timeline')}?b=${encodeURIComponent(c.branch ?? '')}`}>Branch timeline</a>
              <Show when={c.parents[0]}>{(p) => <a class="button-link" href={`${repoHash(props.name, 'vdiff', p(), c.uuid)}?w=1`} data-testid="checkin-vdiff-ws">Diff ignoring whitespace</a>}</Show>
              <ArchiveLinks repo={props.name} checkin={c.uuid} />
              <Show when={canWrite()}><a class="button-link" href={repoHash(props.name, 'tag-add', c.uuid)} data-testid="edit-link" title="tag this check-in">Edit tags</a></Show>
            </div>
          </section>
          <section class="card">
            <div class="row">
              <h2>{c.changed.length} changed file{c.changed.length === 1 ? '' : 's'}</h2>
              <button type="button" class="secondary" onClick={toggle} data-testid="diff-toggle">{split() ? 'Unified diffs' : 'Side-by-side diffs'}</button>
            </div>
            <ul class="changed" data-testid="changed-files">
              <For each={c.changed}>
                {(f, i) => (
                  <li class="changed-file" data-name={f.name} data-change={f.change} data-old={f.oldName ?? undefined} data-index={i()} ref={(el) => observer.observe(el)}>
                    <div class="changed-head">
                      <span class={`change change-${f.change}`}>{f.change}</span>
                      <Show when={f.uuid} fallback={<span class="fname">{f.name}</span>}>
                        <a class="fname" href={repoHash(props.name, 'file', c.uuid, ...f.name.split('/'))}>{f.name}</a>
                      </Show>
                      <Show when={f.oldName}><span class="muted small"> from {f.oldName}</span></Show>
                      <DiffStat diff={diffs()[i()]} />
                      <a class="small" href={repoHash(props.name, 'finfo', ...f.name.split('/'))}>history</a>
                    </div>
                    <Show when={diffs()[i()]} fallback={<p class="muted small">Diff loading…</p>}>
                      {(d) => <DiffView diff={d()} split={split()} />}
                    </Show>
                  </li>
                )}
              </For>
            </ul>
          </section>
        </article>
      )}
    </Loaded>
  );
}
