/**
 * Search: check-in (and other timeline) comments as `fossil search` finds them, then wiki pages,
 * technotes, tickets, forum posts and files of the newest check-in. All in this browser's copy of
 * the repository, so it works offline. `?q=` holds the words, `?all=1` lists every matching
 * comment (`fossil search -a`), not only the best.
 */
import { createResource, For, Show } from 'solid-js';
import type { SectionProps } from '../repo-sections.tsx';
import { go, repoHash } from '../route.ts';
import { useApi } from '../context.tsx';
import { Loaded } from './common.tsx';
import './read-more.css';
import { SEARCH_INPUT_ID } from '../shell/shortcuts.ts';
import { PageTitle } from '../shell/PageTitle.tsx';

/** Text with the words that match between \u0002 and \u0003 (the worker's snippets) as <mark>s. */
function Marked(props: { text: string }) {
  const parts = () => props.text.split(/(\u0002[^\u0003]*\u0003)/);
  return <For each={parts()}>{(p) => (p.startsWith('\u0002') ? <mark>{p.slice(1, -1)}</mark> : p)}</For>;
}

/** Mark whole words equal to a term (ASCII case ignored; `term*` also marks words it starts). */
function markTerms(text: string, pattern: string): string {
  const word = '[A-Za-z0-9_\\u0080-\\uFFFF]';
  const terms = [...pattern.matchAll(new RegExp(`(${word}+)(\\*?)`, 'gu'))].slice(0, 8)
    .map((m) => `${m[1]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${m[2] ? `${word}*` : ''}`);
  if (!terms.length) return text;
  return text.replace(new RegExp(`(?<!${word})(?:${terms.join('|')})(?!${word})`, 'gi'), (m) => `\u0002${m}\u0003`);
}

/** Comments listed (the count says how many match in all). */
const SHOWN = 50;

const KIND_LABEL = { wiki: 'Wiki', technote: 'Technote', ticket: 'Ticket', forum: 'Forum post', file: 'File' } as const;
const EVENT_LABEL: Record<string, string> = { ci: 'check-in', w: 'wiki', t: 'ticket', e: 'technote', f: 'forum', g: 'tag' };

export function SearchPage(props: SectionProps) {
  const browse = useApi().browse;
  const q = () => props.query.get('q') ?? '';
  const all = () => props.query.get('all') === '1';
  const [result] = createResource(() => (q().trim() ? { n: props.name, q: q(), all: all() } : false), (k) => browse.search(k.n, k.q, { all: k.all, limit: SHOWN }));
  // Snippets after the list is on screen: each reads a whole document.
  const [snippets] = createResource(() => {
    const r = result.latest;
    return r && r.documents.length ? { n: props.name, q: q(), ids: r.documents.map((d) => d.id) } : false;
  }, (k) => browse.searchSnippets(k.n, k.q, k.ids));
  const docHref = (kind: keyof typeof KIND_LABEL, key: string) => {
    switch (kind) {
      case 'wiki': return repoHash(props.name, 'wiki', key);
      case 'technote': return repoHash(props.name, 'technote', key);
      case 'ticket': return repoHash(props.name, 'ticket', key);
      case 'forum': return repoHash(props.name, 'info', key);
      case 'file': return repoHash(props.name, 'file', 'tip', ...key.split('/'));
    }
  };
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const params = new URLSearchParams({ q: String(f.get('q') ?? '') });
    if (f.get('all')) params.set('all', '1');
    go(`${repoHash(props.name, 'search')}?${params}`);
  };
  return (
    <section class="card browse search-page" data-testid="search">
      <PageTitle repo={props.name}>Search</PageTitle>
      <form class="row search-form" role="search" onSubmit={submit}>
        <input type="search" name="q" value={q()} placeholder="Words that must all appear" aria-label="Search words" id={SEARCH_INPUT_ID} data-testid="search-input" />
        <label class="inline small"><input type="checkbox" name="all" checked={all()} data-testid="search-all" /> every match</label>
        <button type="submit" data-testid="search-go">Search</button>
      </form>
      <Show when={q().trim()} fallback={<p class="muted small">Every word must appear. <code>word*</code> matches words that start with it.</p>}>
        <Loaded data={result}>
          {(r) => (
            <>
              <h2>Comments <span class="muted small" data-testid="search-comment-count">{r.commentCount}</span></h2>
              <Show when={r.comments.length} fallback={<p class="muted">No comment has all of these words.</p>}>
                <ol class="search-hits" data-testid="search-comments">
                  <For each={r.comments}>
                    {(c) => (
                      <li data-testid="search-comment" data-uuid={c.uuid} data-type={c.type}>
                        <a href={c.type === 'ci' ? repoHash(props.name, 'checkin', c.uuid) : repoHash(props.name, 'info', c.uuid)}><code>{c.uuid.slice(0, 10)}</code></a>{' '}
                        <span class="muted small">{c.time.slice(0, 16).replace('T', ' ')} · {c.user} · {EVENT_LABEL[c.type] ?? c.type}</span>
                        <div class="hit-text"><Marked text={markTerms(c.comment, q())} /></div>
                      </li>
                    )}
                  </For>
                </ol>
                <Show when={r.commentCount > r.comments.length}><p class="muted small">The best {r.comments.length} of {r.commentCount} shown.</p></Show>
              </Show>
              <h2>Wiki, technotes, tickets, forum and files at the tip</h2>
              <Show when={r.documents.length} fallback={<p class="muted">Nothing else has all of these words.</p>}>
                <ol class="search-hits" data-testid="search-documents">
                  <For each={r.documents}>
                    {(d, i) => (
                      <li data-testid="search-doc" data-kind={d.kind} data-key={d.key}>
                        <span class="chip">{KIND_LABEL[d.kind]}</span>{' '}
                        <a href={docHref(d.kind, d.key)}>{d.kind === 'file' ? d.key : d.title || d.key.slice(0, 12)}</a>
                        <Show when={d.time}><span class="muted small"> {d.time.slice(0, 10)}</span></Show>
                        <div class="hit-text small"><Marked text={snippets.latest?.[i()] ?? ''} /></div>
                      </li>
                    )}
                  </For>
                </ol>
              </Show>
            </>
          )}
        </Loaded>
      </Show>
    </section>
  );
}
