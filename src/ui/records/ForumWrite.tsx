/**
 * Writing in the forum, as fossil's /forumnew and /forume2 pages do: a new thread (title and
 * text), a reply to a post, or an edit of one's own post (a thread's first post may be retitled).
 * The text is previewed with the same renderer as every page that shows repository text. Each
 * save is one forum artifact, synced like any other. `#/repo/R/forum-write` (new thread),
 * `…/forum-write/reply/UUID`, `…/forum-write/edit/UUID`.
 */
import { createEffect, createSignal, on, Show } from 'solid-js';
import type { ForumPostSource } from '../../peer/record-types.ts';
import type { SectionProps } from '../repo-sections.tsx';
import { go, repoHash } from '../route.ts';
import { useApi } from '../context.tsx';
import { createAction } from '../actions.ts';
import { RepoText } from '../browse/RepoText.tsx';
import { AuthorField } from '../write/gate.tsx';
import { authorOr, message, rememberAuthorFrom } from '../write/common.ts';
import { MarkupSelect } from './common.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';

export function ForumWrite(props: SectionProps) {
  const api = useApi();
  const mode = () => (props.args[0] === 'reply' || props.args[0] === 'edit' ? props.args[0] : 'new');
  const target = () => props.args[1] ?? '';
  const [post, setPost] = createSignal<ForumPostSource>();
  const [title, setTitle] = createSignal('');
  const [text, setText] = createSignal('');
  const [mimetype, setMimetype] = createSignal('text/x-markdown');
  const [loaded, setLoaded] = createSignal(false);
  const action = createAction(message);

  createEffect(on(() => [mode(), target()] as const, async ([m, t]) => {
    setLoaded(false);
    setPost(undefined);
    setTitle('');
    setText('');
    if (m === 'new') return setLoaded(true);
    try {
      const p = await api.records.forumPost(props.name, t);
      setPost(p);
      if (m === 'edit') {
        setTitle(p.title ?? '');
        setText(p.text);
        setMimetype(p.mimetype);
      }
      setLoaded(true);
    } catch (e) {
      action.setError(message(e));
    }
  }));

  /** A thread's first post has a title; a reply has none. */
  const hasTitle = () => mode() === 'new' || (mode() === 'edit' && post()?.title !== null);

  async function save(e: SubmitEvent) {
    e.preventDefault();
    rememberAuthorFrom(new FormData(e.currentTarget as HTMLFormElement));
    if (mode() !== 'edit' && !text().trim()) return action.setError('Write something first.');
    if (mode() === 'new' && !title().trim()) return action.setError('A new thread needs a title.');
    await action.run(async () => {
      const p = post();
      const uuid = await api.author.postForum(props.name, {
        ...(hasTitle() ? { title: title().trim() } : {}),
        ...(mode() === 'reply' && p ? { inReplyTo: p.uuid } : {}),
        ...(mode() === 'edit' && p ? { edit: p.uuid } : {}),
        text: text(), mimetype: mimetype(), user: authorOr(),
      });
      go(repoHash(props.name, 'forum', mode() === 'new' ? uuid : p!.root));
    }, 'save');
  }

  const heading = () => (mode() === 'new' ? 'New forum thread' : mode() === 'reply' ? `Reply in “${post()?.threadTitle ?? ''}”` : 'Edit your post');
  return (
    <section class="card write-wiki" aria-labelledby="forum-w-h" data-testid="forum-write">
      <PageTitle repo={props.name} id="forum-w-h">{heading()}</PageTitle>
      <Show when={action.error()}><p role="alert" class="error" data-testid="write-error">{action.error()}</p></Show>
      <Show when={mode() === 'reply' && post()}>
        {(p) => (
          <blockquote class="write-preview" data-testid="forum-replying-to">
            <p class="small muted">{p().user} wrote:</p>
            <RepoText repo={props.name} text={p().text} mimetype={p().mimetype} />
          </blockquote>
        )}
      </Show>
      <form onSubmit={(e) => void save(e)}>
        <div class="write-commit-row">
          <Show when={hasTitle()}>
            <label>Title<input name="title" value={title()} onInput={(e) => setTitle(e.currentTarget.value)} data-testid="forum-title" /></label>
          </Show>
          <MarkupSelect value={mimetype()} onChange={setMimetype} testid="forum-mimetype" />
        </div>
        <div class="write-wiki-panes both">
          <textarea class="write-text" name="text" rows="12" value={text()} disabled={!loaded()} onInput={(e) => setText(e.currentTarget.value)} aria-label="Post text" data-testid="forum-text" />
          <div class="write-preview wiki-rendered"><RepoText repo={props.name} text={text()} mimetype={mimetype()} testid="forum-preview" /></div>
        </div>
        <Show when={mode() === 'edit'}><p class="small muted">Saving an empty text deletes the post, as fossil does.</p></Show>
        <div class="write-commit-row"><AuthorField name={props.name} /></div>
        <div class="actions">
          <button type="submit" disabled={!loaded() || action.busy() !== undefined} data-testid="forum-save">{mode() === 'new' ? 'Start thread' : mode() === 'reply' ? 'Post reply' : 'Save edit'}</button>
          <a href={repoHash(props.name, 'forum', ...(post() ? [post()!.root] : []))}>Cancel</a>
        </div>
      </form>
    </section>
  );
}

/** Under each post of a thread: reply, and edit when it is one's own. */
export function ForumPostActions(props: { repo: string; uuid: string; user: string; me: string; canWrite: boolean }) {
  return (
    <Show when={props.canWrite}>
      <p class="small forum-actions">
        <a href={repoHash(props.repo, 'forum-write', 'reply', props.uuid)} data-testid="forum-reply">Reply</a>
        <Show when={props.me !== '' && props.me === props.user}> · <a href={repoHash(props.repo, 'forum-write', 'edit', props.uuid)} data-testid="forum-edit">Edit</a></Show>
      </p>
    </Show>
  );
}
