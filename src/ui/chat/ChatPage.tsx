/**
 * A repository's chat (notify): threads with unread counts on the left, the open thread on the
 * right with its messages, action buttons and a reply box; a form for a new thread; who is
 * online; the project, your name and system notifications in the settings.
 */
import { createEffect, createSignal, For, onCleanup, Show } from 'solid-js';
import type { ChatView } from '../../peer/notify-types.ts';
import { parseActions, priorityOf, threadShort, type NotifyMessage, type Priority } from '../../notify/message.ts';
import type { StoredMessage } from '../../notify/threads.ts';
import type { SectionProps } from '../repo-sections.tsx';
import { ConnectionBadge } from '../ConnectionBadge.tsx';
import { dateTime } from '../format.ts';
import { go, repoHash } from '../route.ts';
import { alertsAllowed, alertsSupported, askForAlerts } from './alerts.ts';
import { onNotify } from './chat-events.ts';
import { useApi } from '../context.tsx';
import './chat.css';

const PRIORITY_WORDS: Record<Priority, string> = { info: 'info', action_required: 'action needed', urgent: 'urgent' };

export function ChatPage(props: SectionProps) {
  const api = useApi();
  const [view, setView] = createSignal<ChatView>();
  const [error, setError] = createSignal<string>();
  const [alertsOn, setAlertsOn] = createSignal(alertsAllowed());
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
      setError((e as Error).message);
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

  async function send(req: Parameters<typeof api.notify.send>[1]): Promise<NotifyMessage | undefined> {
    setError(undefined);
    try {
      const m = await api.notify.send(props.name, req);
      void refresh();
      return m;
    } catch (e) {
      setError((e as Error).message);
      return undefined;
    }
  }

  async function compose(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    let actions;
    try {
      actions = String(f.get('actions') || '') ? parseActions(String(f.get('actions'))) : undefined;
    } catch (err) {
      setError((err as Error).message);
      return;
    }
    const m = await send({ body: String(f.get('body')), priority: String(f.get('priority')) as Priority, actions });
    if (m) {
      form.reset();
      go(repoHash(props.name, 'chat', m.thread));
    }
  }

  async function reply(e: SubmitEvent, last: NotifyMessage | undefined) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const body = String(new FormData(form).get('body'));
    if (await send({ body, thread: thread(), replyTo: last?.id })) form.reset();
  }

  async function settings(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    setError(undefined);
    try {
      await api.notify.setName(String(f.get('me')));
      const project = String(f.get('project')).trim();
      if (project && project !== view()?.project) {
        await api.notify.setProject(props.name, project);
        go(repoHash(props.name, 'chat'));
      }
      await refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  const answers = (list: StoredMessage[]) => {
    const m = new Map<string, NotifyMessage>();
    for (const s of list) if (s.message.reply_to && !m.has(s.message.reply_to)) m.set(s.message.reply_to, s.message);
    return m;
  };

  return (
    <section class="card chat" data-testid="chat" aria-labelledby="chat-h">
      <Show when={view()} fallback={<p class="muted">Opening the chat…</p>}>
        {(v) => (
          <>
            <div class="row chat-head">
              <h2 id="chat-h">Chat <span class="muted small">project <code data-testid="chat-project">{v().project}</code></span></h2>
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
            <Show when={error()}><p role="alert" class="error">{error()}</p></Show>
            <div class="chat-grid">
              <nav class="chat-threads" aria-label="Threads">
                <a href={repoHash(props.name, 'chat')} class="new-thread" aria-current={!thread() ? 'page' : undefined}>+ New thread</a>
                <ul class="plain">
                  <For each={v().threads} fallback={<li class="muted small">No messages yet.</li>}>
                    {(t) => (
                      <li>
                        <a href={repoHash(props.name, 'chat', t.thread)} class={`thread-link prio-${t.priority}`} data-testid="chat-thread" data-thread={t.thread} aria-current={thread() === t.thread ? 'page' : undefined}>
                          <span class="thread-title">{t.first.body.split('\n')[0]}</span>
                          <span class="muted small">{t.last.from_name || t.last.from} · {dateTime(t.last.timestamp)}</span>
                          <Show when={t.unread > 0}><span class="unread" data-testid="chat-unread" aria-label={`${t.unread} unread`}>{t.unread}</span></Show>
                          <Show when={t.pendingAction}><span class="small warn">waiting for an answer</span></Show>
                        </a>
                      </li>
                    )}
                  </For>
                </ul>
              </nav>
              <div class="chat-main">
                <Show when={thread()} fallback={
                  <form class="chat-compose" onSubmit={compose} data-testid="chat-compose">
                    <label>New message<textarea name="body" rows="3" required /></label>
                    <div class="row">
                      <label>Priority
                        <select name="priority">
                          <option value="info">info</option>
                          <option value="action_required">action required</option>
                          <option value="urgent">urgent</option>
                        </select>
                      </label>
                      <label>Answer buttons <input name="actions" placeholder="yes,no" /></label>
                    </div>
                    <button type="submit" disabled={v().connection === 'none'}>Send</button>
                  </form>
                }>
                  {(t) => {
                    const list = () => v().messages;
                    const answered = () => answers(list());
                    return (
                      <>
                        <h3 class="thread-heading">Thread <code>{threadShort(t())}</code></h3>
                        <ol class="messages" data-testid="chat-messages" aria-live="polite">
                          <For each={list()}>
                            {(s) => <Message m={s.message} mine={s.message.from === v().self.id} answer={answered().get(s.message.id)} byId={(id) => list().find((x) => x.message.id === id)?.message}
                              onAction={(a) => void send({ body: a, thread: t(), replyTo: s.message.id, actionResponse: true })} />}
                          </For>
                          <For each={v().outbox}>
                            {(m) => <Message m={m} mine sending byId={(id) => list().find((x) => x.message.id === id)?.message} />}
                          </For>
                        </ol>
                        <form class="chat-reply" onSubmit={(e) => void reply(e, list()[list().length - 1]?.message)}>
                          <label>Reply<textarea name="body" rows="2" required /></label>
                          <button type="submit">Send reply</button>
                        </form>
                      </>
                    );
                  }}
                </Show>
              </div>
            </div>
            <details class="chat-settings">
              <summary>Chat settings</summary>
              <form onSubmit={settings}>
                <label>Your name<input name="me" value={v().self.name} /></label>
                <label>Project (the hub's notify.&lt;project&gt; subjects)<input name="project" value={v().project} pattern="[A-Za-z0-9_\-]+" /></label>
                <button type="submit">Save</button>
              </form>
              <Show when={alertsSupported()}>
                <p class="small">
                  System notifications for urgent messages and questions: {alertsOn() ? 'on' : Notification.permission === 'denied' ? 'blocked in the browser settings' : 'off'}
                  {' '}<Show when={!alertsOn() && Notification.permission === 'default'}>
                    <button type="button" class="secondary" onClick={() => void askForAlerts().then(() => setAlertsOn(alertsAllowed()))}>Turn on</button>
                  </Show>
                </p>
              </Show>
            </details>
          </>
        )}
      </Show>
    </section>
  );
}

function Message(props: {
  m: NotifyMessage;
  mine: boolean;
  sending?: boolean;
  answer?: NotifyMessage;
  byId: (id: string) => NotifyMessage | undefined;
  onAction?: (id: string) => void;
}) {
  const p = () => priorityOf(props.m);
  const replyTo = () => (props.m.reply_to ? props.byId(props.m.reply_to) : undefined);
  const actionLabel = (q: NotifyMessage | undefined, id: string) => q?.actions?.find((a) => a.id === id)?.label ?? id;
  return (
    <li class={`message prio-${p()}${props.mine ? ' mine' : ''}`} data-testid="chat-message" data-id={props.m.id} data-sending={props.sending ? '' : undefined}>
      <div class="meta small">
        <strong>{props.m.from_name || props.m.from}</strong> <span class="muted">{dateTime(props.m.timestamp)}</span>
        <Show when={p() !== 'info'}> <span class={`prio prio-${p()}`}>{PRIORITY_WORDS[p()]}</span></Show>
        <Show when={props.sending}> <span class="muted">sending…</span></Show>
      </div>
      <Show when={props.m.action_response} fallback={
        <>
          <Show when={replyTo() && !props.m.action_response}>
            <p class="quote muted small">↪ {replyTo()!.body.slice(0, 80)}</p>
          </Show>
          <p class="body">{props.m.body}</p>
        </>
      }>
        <p class="body action-choice">chose <strong>{actionLabel(replyTo(), props.m.body)}</strong></p>
      </Show>
      <Show when={props.m.media?.length}>
        <p class="small muted">Attached: {props.m.media!.join(', ')}</p>
      </Show>
      <Show when={props.m.actions?.length}>
        <Show when={!props.answer && !props.mine && props.onAction} fallback={
          <Show when={props.answer}><p class="small muted">Answered: {actionLabel(props.m, props.answer!.body)} ({props.answer!.from_name || props.answer!.from})</p></Show>
        }>
          <div class="actions" role="group" aria-label="Answer">
            <For each={props.m.actions}>{(a) => <button type="button" data-action={a.id} onClick={() => props.onAction?.(a.id)}>{a.label}</button>}</For>
          </div>
        </Show>
      </Show>
    </li>
  );
}
