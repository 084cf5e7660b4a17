/** Branches, tags and leaves (as `fossil branch ls`, `tag ls`, `leaves` list them) and repository stats. */
import { createResource, createSignal, For, Show } from 'solid-js';
import type { BranchSummary } from '../../peer/browse-types.ts';
import type { SectionProps } from '../repo-sections.tsx';
import { go, repoHash } from '../route.ts';
import { branchColor, BranchLink, formatSize, HashLink, Loaded, When } from './common.tsx';
import { Comment } from './Comment.tsx';
import { useApi, usePeer } from '../context.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';

const SHOWN_BRANCHES = 50;
const SHOWN_LEAVES = 100;

export function BranchesPage(props: SectionProps) {
  const browse = useApi().browse;
  // A long-lived repository has hundreds of branches: the newest first, the rest on request. The
  // first list carries the tips of the branches shown first only (each a lookup in the blob
  // table); showing more asks for the whole list.
  const [all, setAll] = createSignal(false);
  const [showClosed, setShowClosed] = createSignal(false);
  const [rows] = createResource(() => ({ n: props.name, whole: all() || showClosed() }), (k) => browse.branchList(k.n, k.whole ? undefined : SHOWN_BRANCHES));
  const table = (rows: BranchSummary[], testid: string) => {
    const bs = () => (all() ? rows : rows.slice(0, SHOWN_BRANCHES));
    return (
    <div class="table-scroll">
      <table class="grid-table" data-testid={testid}>
        <thead><tr><th>Branch</th><th>Check-ins</th><th>Newest</th><th>Tip</th></tr></thead>
        <tbody>
          <For each={bs()}>
            {(b) => (
              <tr data-name={b.name} classList={{ closed: b.closed }}>
                <td><span class="swatch" style={{ background: branchColor(b.name) }} /> <a href={`${repoHash(props.name, 'timeline')}?b=${encodeURIComponent(b.name)}`}>{b.name}</a></td>
                <td class="num">{b.checkins}</td>
                <td class="small"><When iso={b.time} /></td>
                <td><Show when={b.tip}>{(tip) => <HashLink repo={props.name} uuid={tip()} />}</Show> <a class="small" href={repoHash(props.name, 'files', b.name)}>files</a></td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <Show when={!all() && rows.length > SHOWN_BRANCHES}>
        <button type="button" class="secondary" onClick={() => setAll(true)}>Show all {rows.length}</button>
      </Show>
    </div>
    );
  };
  return (
    <section class="card browse">
      <PageTitle repo={props.name}>Branches</PageTitle>
      <Loaded data={rows}>
        {(bs) => {
          const byTime = [...bs].sort((a, b) => (a.time < b.time ? 1 : -1));
          const closed = byTime.filter((b) => b.closed);
          return (
            <>
              {table(byTime.filter((b) => !b.closed), 'branch-list')}
              <Show when={closed.length}>
                <details class="closed-branches" open={showClosed()} onToggle={(e) => setShowClosed(e.currentTarget.open)}>
                  <summary data-testid="closed-branches">{closed.length} closed branch{closed.length === 1 ? '' : 'es'}</summary>
                  {/* Rendered only when opened: a long-lived repository has hundreds. */}
                  <Show when={showClosed()}>{table(closed, 'closed-branch-list')}</Show>
                </details>
              </Show>
            </>
          );
        }}
      </Loaded>
    </section>
  );
}

export function TagsPage(props: SectionProps) {
  const browse = useApi().browse;
  const [rows] = createResource(() => props.name, (n) => browse.tagList(n));
  return (
    <section class="card browse">
      <PageTitle repo={props.name}>Tags</PageTitle>
      <Loaded data={rows}>
        {(ts) => (
          <Show when={ts.length} fallback={<p class="muted">No tags.</p>}>
            <ul class="plain tag-cloud" data-testid="tag-list">
              <For each={ts}>{(t) => <li data-name={t}><a class="chip" href={repoHash(props.name, 'checkin', t)} title="the newest check-in with this tag">{t}</a> <a class="small" href={`${repoHash(props.name, 'timeline')}?b=${encodeURIComponent(t)}`}>timeline</a></li>}</For>
            </ul>
          </Show>
        )}
      </Loaded>
    </section>
  );
}

export function LeavesPage(props: SectionProps) {
  const browse = useApi().browse;
  // The newest first (each leaf is a few reads anywhere in a large file), all of them on request.
  const [all, setAll] = createSignal(false);
  const [rows] = createResource(() => ({ n: props.name, all: all() }), (k) => browse.leafList(k.n, true, k.all ? undefined : SHOWN_LEAVES + 1));
  return (
    <section class="card browse">
      <PageTitle repo={props.name}>Leaves</PageTitle>
      <p class="small muted">Check-ins with no children: the tip of each line of work.</p>
      <Loaded data={rows}>
        {(ls) => (
          <>
          <ol class="tl" data-testid="leaf-list">
            <For each={all() ? ls : ls.slice(0, SHOWN_LEAVES)}>
              {(l) => (
                <li class="tl-row" data-uuid={l.uuid} classList={{ closed: l.closed }}>
                  <span class="tl-time small muted">{l.time.slice(0, 10)}</span>
                  <div class="tl-body">
                    <HashLink repo={props.name} uuid={l.uuid} /> <Comment repo={props.name} text={l.comment} />
                    <div class="small muted"><BranchLink repo={props.name} branch={l.branch} />{l.closed ? ' · closed' : ''}</div>
                  </div>
                </li>
              )}
            </For>
          </ol>
          <Show when={!all() && ls.length > SHOWN_LEAVES}>
            <button type="button" class="secondary" onClick={() => setAll(true)}>Show all</button>
          </Show>
          </>
        )}
      </Loaded>
    </section>
  );
}

export function StatsPage(props: SectionProps) {
  const browse = useApi().browse;
  const peer = usePeer();
  const [s] = createResource(() => ({ n: props.name, v: peer.state.changes[props.name] ?? 0 }), (k) => browse.stats(k.n));
  return (
    <section class="card browse">
      <PageTitle repo={props.name}>Statistics</PageTitle>
      <Loaded data={s}>
        {(st) => (
          <dl class="facts stats" data-testid="stats">
            <dt>Project</dt><dd>{st.projectName ?? '(unnamed)'}</dd>
            <dt>Project code</dt><dd><code>{st.projectCode}</code></dd>
            <dt>Artifacts</dt><dd data-stat="artifacts">{st.artifacts}</dd>
            <dt>Phantoms</dt><dd data-stat="phantoms">{st.phantoms}</dd>
            <dt>Stored as deltas</dt><dd data-stat="deltas">{st.deltas}</dd>
            <dt>Check-ins</dt><dd data-stat="checkins">{st.checkins}</dd>
            <dt>Files</dt><dd data-stat="files">{st.files}</dd>
            <dt>Wiki edits</dt><dd data-stat="wiki">{st.wikiEdits}</dd>
            <dt>Ticket changes</dt><dd data-stat="tickets">{st.ticketChanges}</dd>
            <dt>Technotes</dt><dd data-stat="technotes">{st.technotes}</dd>
            <dt>Forum posts</dt><dd data-stat="forum">{st.forumPosts}</dd>
            <dt>Tag changes</dt><dd data-stat="tags">{st.tagChanges}</dd>
            <dt>Content</dt><dd>{formatSize(st.expandedBytes)} expanded, {formatSize(st.storedBytes)} stored ({st.storedBytes ? Math.round(st.expandedBytes / st.storedBytes) : 0}:1)</dd>
          </dl>
        )}
      </Loaded>
    </section>
  );
}

/** `info/HASH`: finds what the hash names and shows its page (as fossil's /info does). */
export function InfoPage(props: SectionProps) {
  const browse = useApi().browse;
  const [t] = createResource(() => ({ n: props.name, h: props.args[0] ?? '' }), (k) => browse.resolve(k.n, k.h));
  const target = () => {
    const r = t.latest;
    if (!r) return undefined;
    switch (r.kind) {
      case 'checkin': return repoHash(props.name, 'checkin', r.uuid);
      case 'file': return repoHash(props.name, 'file', r.checkin!, ...r.path!.split('/'));
      case 'wiki': return `${repoHash(props.name, 'wiki', r.target!)}?v=${r.uuid}`;
      case 'ticket': return repoHash(props.name, 'ticket', r.target!);
      case 'technote': return repoHash(props.name, 'technote', r.target!);
      case 'forum': return repoHash(props.name, 'forum', r.target!);
      default: return repoHash(props.name, 'artifact', r.uuid);
    }
  };
  return (
    <Loaded data={t}>
      {() => {
        const to = target();
        if (to) queueMicrotask(() => go(to, true));
        return <p class="muted">Opening…</p>;
      }}
    </Loaded>
  );
}
