/**
 * Create or edit a technote, as fossil's /technoteedit does: its own time (where the timeline
 * shows it), the timeline comment, tags, a background colour, the markup and the text, with a
 * live preview. Each save is one technote artifact (a new version of the note when editing).
 * `#/repo/R/technote-edit` (new) or `…/technote-edit/ID`.
 */
import { createEffect, createSignal, on, Show } from 'solid-js';
import type { SectionProps } from '../repo-sections.tsx';
import { go, repoHash } from '../route.ts';
import { useApi } from '../context.tsx';
import { createAction } from '../actions.ts';
import { RepoText } from '../browse/RepoText.tsx';
import { AuthorField } from '../write/gate.tsx';
import { authorOr, message, rememberAuthorFrom } from '../write/common.ts';
import { MarkupSelect } from './common.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';

/** Now, as the technote time field shows it (UTC, to the minute). */
const nowUtc = () => new Date().toISOString().slice(0, 16).replace('T', ' ');

export function TechnoteEdit(props: SectionProps) {
  const api = useApi();
  const id = () => props.args[0];
  const [when, setWhen] = createSignal(nowUtc());
  const [comment, setComment] = createSignal('');
  const [tags, setTags] = createSignal('');
  const [bgcolor, setBgcolor] = createSignal('');
  const [text, setText] = createSignal('');
  const [mimetype, setMimetype] = createSignal('text/x-markdown');
  const [loaded, setLoaded] = createSignal(false);
  const action = createAction(message);

  createEffect(on(id, async (t) => {
    setLoaded(false);
    if (!t) {
      setWhen(nowUtc());
      setComment('');
      setTags('');
      setBgcolor('');
      setText('');
      return setLoaded(true);
    }
    try {
      const s = await api.records.technoteSource(props.name, t);
      setWhen(s.when);
      setComment(s.comment);
      setTags(s.tags.join(' '));
      setBgcolor(s.bgcolor);
      setText(s.text);
      setMimetype(s.mimetype);
      setLoaded(true);
    } catch (e) {
      action.setError(message(e));
    }
  }));

  async function save(e: SubmitEvent) {
    e.preventDefault();
    rememberAuthorFrom(new FormData(e.currentTarget as HTMLFormElement));
    if (!comment().trim()) return action.setError('A technote needs a comment: it is what the timeline shows.');
    await action.run(async () => {
      const saved = await api.author.writeTechnote(props.name, {
        ...(id() ? { id: id() } : {}), when: when(), comment: comment(), text: text(), mimetype: mimetype(),
        tags: tags().split(/[\s,]+/).filter(Boolean), ...(bgcolor().trim() ? { bgcolor: bgcolor().trim() } : {}), user: authorOr(),
      });
      go(repoHash(props.name, 'technote', saved));
    }, 'save');
  }

  return (
    <section class="card write-wiki" aria-labelledby="tn-h" data-testid="technote-edit">
      <PageTitle repo={props.name} id="tn-h">{id() ? 'Edit technote' : 'New technote'}</PageTitle>
      <Show when={action.error()}><p role="alert" class="error" data-testid="write-error">{action.error()}</p></Show>
      <form onSubmit={(e) => void save(e)}>
        <div class="write-commit-row">
          <label>Time (UTC)<input name="when" value={when()} onInput={(e) => setWhen(e.currentTarget.value)} placeholder="YYYY-MM-DD HH:MM" data-testid="technote-when" /></label>
          <label>Timeline comment<input name="comment" value={comment()} onInput={(e) => setComment(e.currentTarget.value)} data-testid="technote-comment" /></label>
        </div>
        <div class="write-commit-row">
          <label>Tags<input name="tags" value={tags()} onInput={(e) => setTags(e.currentTarget.value)} placeholder="release, notes" data-testid="technote-tags" /></label>
          <label>Background colour<input name="bgcolor" value={bgcolor()} onInput={(e) => setBgcolor(e.currentTarget.value)} placeholder="#ffe0e0" data-testid="technote-bgcolor" /></label>
          <MarkupSelect value={mimetype()} onChange={setMimetype} testid="technote-mimetype" />
        </div>
        <div class="write-wiki-panes both">
          <textarea class="write-text" name="text" rows="12" value={text()} disabled={!loaded()} onInput={(e) => setText(e.currentTarget.value)} aria-label="Technote text" data-testid="technote-text" />
          <div class="write-preview wiki-rendered"><RepoText repo={props.name} text={text()} mimetype={mimetype()} testid="technote-preview" /></div>
        </div>
        <div class="write-commit-row"><AuthorField name={props.name} /></div>
        <div class="actions">
          <button type="submit" disabled={!loaded() || action.busy() !== undefined} data-testid="technote-save">Save technote</button>
        </div>
      </form>
    </section>
  );
}
