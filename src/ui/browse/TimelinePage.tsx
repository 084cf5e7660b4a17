/**
 * The timeline of every event kind, newest first, with the graph of parents and merges, branch
 * colours, filters in the URL (b branch, u user, y type, since, until, q search) and paging.
 */
import { createMemo, createResource, createSignal, For, Show } from 'solid-js';
import type { SectionProps } from '../repo-sections.tsx';
import { go, repoHash } from '../route.ts';
import type { TimelinePage as Page } from '../../peer/browse-types.ts';
import { branchColor, BranchLink, HashLink, queryString, safeColor, When } from './common.tsx';
import { Comment, eventText } from './Comment.tsx';
import { layoutGraph } from './graph.ts';
import { GraphCell, GraphGap } from './GraphCell.tsx';
import { useApi, usePeer } from '../context.tsx';
import { errorText } from '../error-text.ts';
import { PageTitle } from '../shell/PageTitle.tsx';
import { SEARCH_INPUT_ID } from '../shell/shortcuts.ts';

const PAGE = 50;
const TYPES: [string, string][] = [['', 'All events'], ['ci', 'Check-ins'], ['w', 'Wiki'], ['t', 'Tickets'], ['e', 'Technotes'], ['g', 'Tag changes'], ['f', 'Forum']];
const TYPE_LABEL: Record<string, string> = { ci: 'check-in', w: 'wiki', t: 'ticket', e: 'technote', g: 'tags', f: 'forum' };

export function TimelinePage(props: SectionProps) {
  const peer = usePeer();
  // On a phone the filters start folded, so the timeline itself is what shows first.
  const wide = matchMedia('(min-width: 40rem)').matches;
  const browse = useApi().browse;
  const filters = () => ({
    b: props.query.get('b') ?? '', u: props.query.get('u') ?? '', y: props.query.get('y') ?? '',
    since: props.query.get('since') ?? '', until: props.query.get('until') ?? '', q: props.query.get('q') ?? '',
  });
  const version = () => peer.state.changes[props.name] ?? 0;
  // How many entries the page shows: one page more for each "Older events". A change to the
  // repository (a sync brought check-ins) reloads the same number, so what was loaded is not
  // dropped (nor a "more" in flight lost); other filters start again at one page.
  const filterKey = () => JSON.stringify([props.name, filters()]);
  const [wanted, setWanted] = createSignal({ key: '', count: PAGE });
  const count = () => (wanted().key === filterKey() ? wanted().count : PAGE);
  const request = (limit: number) => {
    const f = filters();
    return browse.timelinePage(props.name, {
      limit, offset: 0,
      ...(f.b ? { branch: f.b } : {}), ...(f.y ? { types: [f.y] } : {}), ...(f.u ? { user: f.u } : {}),
      ...(f.q ? { search: f.q } : {}), ...(f.since ? { since: f.since } : {}), ...(f.until ? { until: f.until } : {}),
    });
  };
  const [first] = createResource(() => ({ ...filters(), v: version(), name: props.name, count: count() }), (k): Promise<Page> => request(k.count));
  const more = () => first.latest?.more ?? false;
  const loadingMore = () => first.loading && count() > (first.latest?.entries.length ?? 0);
  // The filter choices load when the filters are first used: on a large repository listing
  // every branch costs more than the page itself (their names only: no tips looked up).
  const [wantChoices, setWantChoices] = createSignal(false);
  const [branches] = createResource(() => (wantChoices() || filters().b ? props.name : false), (n) => browse.branchList(n, 0));
  const [users] = createResource(() => (wantChoices() || filters().u ? props.name : false), (n) => browse.users(n));
  const entries = createMemo(() => first.latest?.entries ?? []);
  const graph = createMemo(() => layoutGraph(entries().map((e) => ({ uuid: e.uuid, parents: e.parents, branch: e.type === 'ci' ? e.branch ?? 'trunk' : null })), branchColor));
  function loadMore() {
    setWanted({ key: filterKey(), count: count() + PAGE });
  }

  function apply(e: Event) {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const v = (k: string) => String(f.get(k) ?? '').trim() || undefined;
    go(`${repoHash(props.name, 'timeline')}${queryString({ b: v('b'), u: v('u'), y: v('y'), since: v('since'), until: v('until'), q: v('q') })}`);
  }

  return (
    <section class="card browse" aria-labelledby="tlp-h" aria-busy={first.loading}>
      <div class="row">
        <PageTitle repo={props.name} id="tlp-h">Timeline</PageTitle>
        <Show when={Object.values(filters()).some(Boolean)}>
          <a href={repoHash(props.name, 'timeline')} class="small">Clear filters</a>
        </Show>
      </div>
      <details class="filters-box" open={wide || Object.values(filters()).some(Boolean)}>
      <summary class="small">Filters and search</summary>
      <form class="filters" onSubmit={apply} data-testid="timeline-filters">
        <label>Search<input name="q" id={SEARCH_INPUT_ID} type="search" value={filters().q} placeholder="in comments" /></label>
        <label>Type
          <select name="y" value={filters().y}>
            <For each={TYPES}>{([v, l]) => <option value={v} selected={v === filters().y}>{l}</option>}</For>
          </select>
        </label>
        <label>Branch
          <input name="b" list="tl-branches" value={filters().b} placeholder="all branches" autocomplete="off" onFocus={() => setWantChoices(true)} />
          <datalist id="tl-branches"><For each={branches.latest ?? []}>{(b) => <option value={b.name} />}</For></datalist>
        </label>
        <label>User
          <input name="u" list="tl-users" value={filters().u} placeholder="anyone" autocomplete="off" onFocus={() => setWantChoices(true)} />
          <datalist id="tl-users"><For each={users.latest ?? []}>{(u) => <option value={u} />}</For></datalist>
        </label>
        <label>Since<input name="since" type="date" value={filters().since} /></label>
        <label>Until<input name="until" type="date" value={filters().until} /></label>
        <button type="submit">Show</button>
      </form>
      </details>
      <Show when={first.error}><p role="alert" class="error">{errorText(first.error)}</p></Show>
      <Show when={first.latest} fallback={<p class="muted">Loading…</p>}>
        <Show when={entries().length > 0} fallback={<p class="muted" data-testid="timeline-empty">Nothing matches.</p>}>
          <ol class="tl" data-testid="browse-timeline">
            <For each={entries()}>
              {(e, i) => {
                const day = () => e.time.slice(0, 10);
                const newDay = () => i() === 0 || entries()[i() - 1]!.time.slice(0, 10) !== day();
                return (
                  <>
                    <Show when={newDay()}><li class="tl-day" aria-hidden="true"><span class="tl-time" /><GraphGap row={graph()[i()]!} /><span class="tl-day-label">{day()}</span></li></Show>
                    <li class="tl-row" data-testid="timeline-row" data-kb-item data-uuid={e.uuid} data-type={e.type} style={safeColor(e.bgcolor) ? { '--row-bg': safeColor(e.bgcolor) } : {}} classList={{ 'has-bg': Boolean(safeColor(e.bgcolor)) }}>
                      <span class="tl-time small muted">{e.time.slice(11, 16)}</span>
                      <GraphCell row={graph()[i()]!} leaf={e.leaf} merge={e.parents.length > 1} color={branchColor(e.branch ?? 'trunk')} />
                      <div class="tl-body">
                        <a class="tl-kind" data-kb-open classList={{ [`kind-${e.type}`]: true }} href={repoHash(props.name, 'info', e.uuid)}>{TYPE_LABEL[e.type] ?? e.type}</a>
                        <Comment repo={props.name} text={eventText(e.type, e.comment)} />
                        <div class="small muted tl-meta">
                          <HashLink repo={props.name} uuid={e.uuid} />
                          {' · '}<a href={`${repoHash(props.name, 'timeline')}?u=${encodeURIComponent(e.user)}`} class="who">{e.user}</a>
                          <Show when={e.type === 'ci'}>
                            {' · '}<BranchLink repo={props.name} branch={e.branch} />
                            <Show when={e.leaf}>{' · '}<span class="leaf-mark">leaf</span></Show>
                            <For each={e.tags.filter((t) => t !== e.branch)}>{(t) => <span class="chip tag-chip">{t}</span>}</For>
                          </Show>
                          <span class="sr-only"><When iso={e.time} /></span>
                        </div>
                      </div>
                    </li>
                  </>
                );
              }}
            </For>
          </ol>
          <Show when={more()}>
            <button type="button" class="secondary load-more" onClick={loadMore} disabled={loadingMore()} data-testid="timeline-more">
              {loadingMore() ? 'Loading…' : 'Older events'}
            </button>
          </Show>
        </Show>
      </Show>
    </section>
  );
}
