/**
 * A repository's chat (notify): threads with unread counts on the left, the open thread on the
 * right with its messages, action buttons and a reply box; a form for a new thread; who is
 * online; the project, your name and system notifications in the settings. This page keeps the
 * chat's view current and sends; its parts (ChatThreads, ChatThread, ChatCompose, ChatSettings)
 * show it.
 */
import { createEffect, createSignal, For, onCleanup, Show } from 'solid-js';
import type { ChatSendRequest, ChatView } from '../../peer/notify-types.ts';
import type { NotifyMessage } from '../../notify/message.ts';
import type { SectionProps } from '../repo-sections.tsx';
import { ConnectionBadge } from '../ConnectionBadge.tsx';
import { go, repoHash } from '../route.ts';
import { createAction } from '../actions.ts';
import { useApi } from '../context.tsx';
import { onNotify } from './chat-events.ts';
import { ChatThreads } from './ChatThreads.tsx';
import { ChatThread } from './ChatThread.tsx';
import { ChatCompose } from './ChatCompose.tsx';
import { ChatSettings } from './ChatSettings.tsx';
import './chat.css';
import { errorText } from '../error-text.ts';
import { PageTitle } from '../shell/PageTitle.tsx';
import { setAuthor } from '../write/common.ts';

export function ChatPage(props: SectionProps) {
  const api = useApi();
  const [view, setView] = createSignal<ChatView>();
  const action = createAction(errorText);
  const thread = () => props.args[0];

  let loading = false;
  let again = false;
  async function refresh(): Promise<void> {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      do {
        again = false;
        const v = await api.notify.view(props.name, thread());
        setView(v);
        const t = thread();
        if (t && document.visibilityState === 'visible' && v.threads.find((x) => x.thread === t)?.unread) await api.notify.markRead(props.name, t);
      } while (again);
    } catch (e) {
      action.setError(errorText(e));
    } finally {
      loading = false;
    }
  }

  const off = onNotify(api, (e) => {
    if (e.repo === props.name && e.type === 'notify') void refresh();
  });
  // Presence has no event of its own: look again now and then.
  const timer = setInterval(() => void refresh(), 5000);
  const visible = () => void refresh();
  document.addEventListener('visibilitychange', visible);
  onCleanup(() => {
    off();
    clearInterval(timer);
    document.removeEventListener('visibilitychange', visible);
  });
  createEffect(() => {
    void thread();
    void refresh();
  });

  function send(req: ChatSendRequest): Promise<NotifyMessage | undefined> {
    return action.run(async () => {
      const m = await api.notify.send(props.name, req);
      void refresh();
      return m;
    });
  }

  function settings(f: FormData) {
    void action.run(async () => {
      await api.notify.setName(String(f.get('me')));
      // One name for this browser: the write forms use it too.
      setAuthor(String(f.get('me')));
      const project = String(f.get('project')).trim();
      if (project && project !== view()?.project) {
        await api.notify.setProject(props.name, project);
        go(repoHash(props.name, 'chat'));
      }
      await refresh();
    });
  }

  return (
    <section class="card chat" data-testid="chat" aria-labelledby="chat-h">
      <Show when={view()} fallback={<p class="muted">Opening the chat…</p>}>
        {(v) => (
          <>
            <div class="row chat-head">
              <PageTitle repo={props.name} id="chat-h" text="Chat">Chat <span class="muted small">project <code data-testid="chat-project">{v().project}</code></span></PageTitle>
              <div class="row">
                <Show when={v().unread > 0}><span class="unread" data-testid="chat-unread-total">{v().unread} unread</span></Show>
                <ConnectionBadge state={v().connection} />
              </div>
            </div>
            <Show when={v().connection === 'none'}>
              <p class="muted">Put this repository on a hub to chat with the people and agents there.</p>
            </Show>
            <p class="muted small" data-testid="chat-online">
              Online: <Show when={v().online.length} fallback="nobody else right now">
                <For each={v().online}>{(p) => <span class="chip" title={p.peerId}>{p.name}</span>}</For>
              </Show>
            </p>
            <Show when={action.error()}><p role="alert" class="error">{action.error()}</p></Show>
            <div class="chat-grid">
              <ChatThreads name={props.name} view={v()} thread={thread()} />
              <div class="chat-main">
                <Show when={thread()} fallback={
                  <ChatCompose disabled={v().connection === 'none'} send={send} invalid={action.setError} sent={(m) => go(repoHash(props.name, 'chat', m.thread))} />
                }>
                  {(t) => <ChatThread view={v()} thread={t()} send={send} />}
                </Show>
              </div>
            </div>
            <ChatSettings view={v()} save={settings} />
          </>
        )}
      </Show>
    </section>
  );
}
