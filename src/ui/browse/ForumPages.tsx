/** Forum: the threads, and one thread with each post at its newest version, replies indented. */
import { createResource, For, Show } from 'solid-js';
import type { SectionProps } from '../repo-sections.tsx';
import { repoHash } from '../route.ts';
import type { ForumPostView } from '../../peer/browse-types.ts';
import { HashLink, Loaded, When } from './common.tsx';
import { RepoText } from './RepoText.tsx';
import { useApi, usePeer } from '../context.tsx';
import { ForumPostActions } from '../records/ForumWrite.tsx';
import { mayWrite, myName } from '../records/common.tsx';
import { PageTitle } from '../shell/PageTitle.tsx';

export function ForumPage(props: SectionProps) {
  const browse = useApi().browse;
  const peer = usePeer();
  const root = () => props.args[0];
  const [list] = createResource(() => (root() ? false : props.name), (n) => browse.forumList(n));
  const [thread] = createResource(() => (root() ? { n: props.name, r: root()! } : false), (k) => browse.forumThread(k.n, k.r));
  const depth = (posts: ForumPostView[], p: ForumPostView) => {
    let d = 0;
    for (let at = p.inReplyTo; at && d < 6; d++) at = posts.find((x) => x.first === at)?.inReplyTo ?? null;
    return d;
  };
  return (
    <Show when={root()} fallback={
      <section class="card browse">
        <PageTitle repo={props.name}>Forum</PageTitle>
        <Show when={mayWrite(peer, props.name)}><p><a class="write-button" href={repoHash(props.name, 'forum-write')} data-testid="forum-new">New thread</a></p></Show>
        <Loaded data={list}>
          {(threads) => (
            <Show when={threads.length} fallback={<p class="muted">No forum posts.</p>}>
              <ul class="plain link-list" data-testid="forum-list">
                <For each={threads}>{(t) => <li data-root={t.root}><a href={repoHash(props.name, 'forum', t.root)}>{t.title}</a> <span class="muted small">{t.user} · {t.posts} post{t.posts === 1 ? '' : 's'} · <When iso={t.time} /></span></li>}</For>
              </ul>
            </Show>
          )}
        </Loaded>
      </section>
    }>
      <Loaded data={thread}>
        {(t) => (
          <article class="browse" data-testid="forum-thread" data-root={t.root}>
            <PageTitle repo={props.name} class="thread-title">{t.title}</PageTitle>
            <For each={t.posts}>
              {(p) => (
                <section class="card forum-post" style={{ 'margin-left': `${depth(t.posts, p) * 1.5}rem` }} data-uuid={p.uuid} data-first={p.first}>
                  <div class="small muted">{p.user} · <When iso={p.time} /> · <HashLink repo={props.name} uuid={p.uuid} />{p.edits ? ` · edited ${p.edits}×` : ''}</div>
                  <Show when={!p.deleted} fallback={<p class="muted">(deleted)</p>}>
                    <RepoText repo={props.name} text={p.text} mimetype={p.mimetype} />
                  </Show>
                  <ForumPostActions repo={props.name} uuid={p.uuid} user={p.user} me={myName(peer, props.name)} canWrite={mayWrite(peer, props.name)} />
                </section>
              )}
            </For>
          </article>
        )}
      </Loaded>
    </Show>
  );
}
