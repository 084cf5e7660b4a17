/** Wiki pages (list, one page at any version, its source) and technotes (list, one note). */
import { createResource, For, Show } from 'solid-js';
import type { SectionProps } from '../repo-sections.tsx';
import { repoHash } from '../route.ts';
import { HashLink, Loaded, safeColor, useCanWrite, When } from './common.tsx';
import { RepoText } from './RepoText.tsx';
import { useApi } from '../context.tsx';
import { Attachments } from '../records/Attachments.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';
import { count } from '../format.ts';

const MARKUP: Record<string, string> = { 'text/x-fossil-wiki': 'Fossil wiki', 'text/x-markdown': 'Markdown', 'text/plain': 'plain text' };

export function WikiPage(props: SectionProps) {
  const browse = useApi().browse;
  const page = () => props.args.join('/');
  const [list] = createResource(() => (page() ? false : props.name), (n) => browse.wikiList(n));
  const [view] = createResource(() => (page() ? { n: props.name, p: page(), v: props.query.get('v') ?? undefined } : false), (k) => browse.wikiPage(k.n, k.p, k.v));
  const source = () => props.query.get('source') === '1';
  const canWrite = useCanWrite(() => props.name);
  return (
    <Show when={page()} fallback={
      <section class="card browse">
        <PageTitle repo={props.name}>Wiki</PageTitle>
        <Loaded data={list}>
          {(pages) => (
            <Show when={pages.length} fallback={<p class="muted">No wiki pages yet.</p>}>
              <ul class="plain link-list" data-testid="wiki-list">
                <For each={pages}>{(p) => <li data-name={p.name}><a href={repoHash(props.name, 'wiki', p.name)}>{p.name}</a> <span class="muted small"><When iso={p.time} /></span></li>}</For>
              </ul>
            </Show>
          )}
        </Loaded>
      </section>
    }>
      <Loaded data={view}>
        {(w) => (
          <article class="card browse" data-testid="wiki-page" data-uuid={w.uuid}>
            <div class="row">
              <PageTitle repo={props.name} testid="wiki-title">{w.name}</PageTitle>
              <span class="page-actions">
              <Show when={canWrite()}><a class="button-link" href={repoHash(props.name, 'wiki-edit', w.name)} data-testid="edit-link">Edit</a></Show>
              <a class="small" href={`${repoHash(props.name, 'wiki', w.name)}${source() ? '' : `?source=1${props.query.get('v') ? `&v=${props.query.get('v')}` : ''}`}`}>{source() ? 'Rendered' : 'Source'}</a>
              </span>
            </div>
            <p class="small muted">
              {MARKUP[w.mimetype] ?? w.mimetype} · by {w.user} · <When iso={w.time} /> · <HashLink repo={props.name} uuid={w.uuid} />
              <Show when={w.uuid !== w.versions[0]?.uuid}> · <strong>an older version</strong></Show>
            </p>
            <Show when={source()} fallback={<RepoText repo={props.name} text={w.text} mimetype={w.mimetype} testid="wiki-body" />}>
              <pre class="source" data-testid="wiki-source">{w.text}</pre>
            </Show>
            <details class="versions">
              <summary>{w.versions.length} version{w.versions.length === 1 ? '' : 's'}</summary>
              <ol class="plain small" data-testid="wiki-versions">
                <For each={w.versions}>{(v) => <li><a href={`${repoHash(props.name, 'wiki', w.name)}?v=${v.uuid}`}><code>{v.uuid.slice(0, 12)}</code></a> <When iso={v.time} /> {v.user}</li>}</For>
              </ol>
            </details>
            <Attachments repo={props.name} target={w.name} />
          </article>
        )}
      </Loaded>
    </Show>
  );
}

export function TechnotesPage(props: SectionProps) {
  const browse = useApi().browse;
  const [list] = createResource(() => props.name, (n) => browse.technoteList(n));
  return (
    <section class="card browse">
      <PageTitle repo={props.name}>Technotes</PageTitle>
      <p><a class="write-button" href={repoHash(props.name, 'technote-edit')} data-testid="technote-new">New technote</a></p>
      <Loaded data={list}>
        {(notes) => (
          <Show when={notes.length} fallback={<p class="muted">No technotes.</p>}>
            <ul class="plain link-list" data-testid="technote-list">
              <For each={notes}>
                {(t) => <li data-id={t.id}><span class="swatch" style={{ background: safeColor(t.bgcolor) ?? 'transparent' }} /> <When iso={t.time} /> <a href={repoHash(props.name, 'technote', t.id)}>{t.comment || t.id}</a> <span class="muted small">by {t.user}</span></li>}
              </For>
            </ul>
          </Show>
        )}
      </Loaded>
    </section>
  );
}

export function TechnotePage(props: SectionProps) {
  const browse = useApi().browse;
  const [note] = createResource(() => ({ n: props.name, id: props.args[0] ?? '' }), (k) => browse.technote(k.n, k.id));
  return (
    <Loaded data={note}>
      {(t) => (
        <article class="card browse" data-testid="technote" data-uuid={t.uuid}>
          <PageTitle repo={props.name}>{t.comment || 'Technote'}</PageTitle>
          <p class="small muted"><When iso={t.time} /> · by {t.user} · <HashLink repo={props.name} uuid={t.uuid} /> <For each={t.tags}>{(g) => <span class="chip">{g}</span>}</For></p>
          <RepoText repo={props.name} text={t.text} mimetype={t.mimetype} testid="technote-body" />
          <p class="small muted">{count(t.versions.length, 'version')} · id <code>{t.id}</code> · <a href={repoHash(props.name, 'technote-edit', t.id)} data-testid="technote-edit-link">Edit</a></p>
          <Attachments repo={props.name} target={t.id} />
        </article>
      )}
    </Loaded>
  );
}
