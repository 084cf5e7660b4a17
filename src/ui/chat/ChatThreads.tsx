/** The chat's threads, newest activity first, with their unread counts; and a link to start a new one. */
import { For, Show } from 'solid-js';
import type { ChatView } from '../../peer/notify-types.ts';
import { dateTime } from '../format.ts';
import { repoHash } from '../route.ts';

export function ChatThreads(props: { name: string; view: ChatView; thread: string | undefined }) {
  return (
    <nav class="chat-threads" aria-label="Threads">
      <a href={repoHash(props.name, 'chat')} class="new-thread" aria-current={!props.thread ? 'page' : undefined}>+ New thread</a>
      <ul class="plain">
        <For each={props.view.threads} fallback={<li class="muted small">No messages yet.</li>}>
          {(t) => (
            <li>
              <a href={repoHash(props.name, 'chat', t.thread)} class={`thread-link prio-${t.priority}`} data-testid="chat-thread" data-thread={t.thread} aria-current={props.thread === t.thread ? 'page' : undefined}>
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
  );
}
