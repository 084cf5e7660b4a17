/**
 * Create or edit a wiki page: title, markup (Fossil wiki, Markdown, plain text), the text and a
 * live preview. Saving makes a new version of the page (chained to the previous one), synced like
 * any other artifact; offline it waits for the hub.
 */
import { createEffect, createSignal, on, Show } from 'solid-js';
import type { WikiPageSource } from '../../peer/author-types.ts';
import type { SectionProps } from '../repo-sections.tsx';
import { go, repoHash } from '../route.ts';
import { authorOr, message, short, rememberAuthorFrom } from './common.ts';
import { AuthorField } from './gate.tsx';
import { RepoText } from '../browse/RepoText.tsx';
import { useApi } from '../context.tsx';
import { createAction } from '../actions.ts';
import { PageTitle } from '../shell/PageTitle.tsx';

export function WikiEdit(props: SectionProps) {
  const author = useApi().author;
  const existing = () => props.args[0] ?? '';
  const [title, setTitle] = createSignal('');
  const [text, setText] = createSignal('');
  const [mimetype, setMimetype] = createSignal<WikiPageSource['mimetype']>('text/x-markdown');
  const [version, setVersion] = createSignal<string>();
  const action = createAction(message);
  const [saved, setSaved] = createSignal<string>();
  const [tab, setTab] = createSignal<'write' | 'preview' | 'both'>('both');

  // The editor waits for the page's current text, so nothing typed is overwritten by it.
  const [loaded, setLoaded] = createSignal(false);

  createEffect(on(existing, async (t) => {
    setTitle(t);
    setSaved(undefined);
    setLoaded(false);
    if (!t) {
      setText('');
      setVersion(undefined);
      setLoaded(true);
      return;
    }
    try {
      const src = await author.wikiSource(props.name, t);
      setText(src.text);
      setMimetype(src.mimetype);
      setVersion(src.version);
      setLoaded(true);
    } catch (e) {
      action.setError(message(e));
    }
  }));

  async function save(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    rememberAuthorFrom(f);
    if (!text().trim()) {
      action.setError('The page is empty. (An empty version would delete the page.)');
      return;
    }
    await action.run(async () => {
      const uuid = await author.writeWiki(props.name, { title: title().trim(), text: text(), mimetype: mimetype(), user: authorOr() });
      setSaved(uuid);
      setVersion(uuid);
      if (title().trim() !== existing()) go(repoHash(props.name, 'wiki-edit', title().trim()), true);
    });
  }

  return (
    <section class="card write-wiki" aria-labelledby="wiki-h">
      <PageTitle repo={props.name} id="wiki-h">{existing() ? `Edit wiki page “${existing()}”` : 'New wiki page'}</PageTitle>
      <Show when={action.error()}><p role="alert" class="error" data-testid="write-error">{action.error()}</p></Show>
      <Show when={saved()}>
        <p role="status" class="write-notice" data-testid="write-notice">
          Saved version <code>{short(saved())}</code>. <a href={repoHash(props.name, 'wiki', title().trim())}>View the page</a>
        </p>
      </Show>
      <form onSubmit={(e) => void save(e)}>
        <div class="write-commit-row">
          <label>Title<input name="title" required value={title()} onInput={(e) => setTitle(e.currentTarget.value)} readOnly={!!existing()} data-testid="wiki-title" /></label>
          <label>Markup
            <select name="mimetype" value={mimetype()} onChange={(e) => setMimetype(e.currentTarget.value as WikiPageSource['mimetype'])} data-testid="wiki-mimetype">
              <option value="text/x-markdown">Markdown</option>
              <option value="text/x-fossil-wiki">Fossil wiki</option>
              <option value="text/plain">Plain text</option>
            </select>
          </label>
        </div>
        <div class="write-tabs" role="tablist" aria-label="Editor or preview">
          <button type="button" role="tab" class="secondary" aria-selected={tab() === 'write'} onClick={() => setTab('write')}>Write</button>
          <button type="button" role="tab" class="secondary" aria-selected={tab() === 'preview'} onClick={() => setTab('preview')}>Preview</button>
          <button type="button" role="tab" class="secondary write-both" aria-selected={tab() === 'both'} onClick={() => setTab('both')}>Side by side</button>
        </div>
        <div class="write-wiki-panes" classList={{ both: tab() === 'both' }}>
          <Show when={tab() !== 'preview'}>
            <textarea class="write-text" name="text" value={text()} disabled={!loaded()} onInput={(e) => setText(e.currentTarget.value)} aria-label="Page text" data-testid="wiki-text" />
          </Show>
          <Show when={tab() !== 'write'}>
            {/* The same rule as every page that shows repository text: nothing runs, nothing is fetched. */}
            <div class="write-preview wiki-rendered"><RepoText repo={props.name} text={text()} mimetype={mimetype()} testid="wiki-preview" /></div>
          </Show>
        </div>
        <div class="write-commit-row">
          <AuthorField name={props.name} />
        </div>
        <div class="actions">
          <button type="submit" data-testid="wiki-save" disabled={!loaded()}>Save page</button>
          <Show when={version()}><span class="muted small">Current version <code>{short(version())}</code></span></Show>
        </div>
      </form>
    </section>
  );
}
