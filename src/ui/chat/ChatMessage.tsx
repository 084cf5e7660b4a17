/** One chat message: who, when, priority, what it answers, its text, attachments, and its action buttons (or the answer given). */
import { For, Show } from 'solid-js';
import { priorityOf, type NotifyMessage, type Priority } from '../../notify/message.ts';
import { dateTime } from '../format.ts';

const PRIORITY_WORDS: Record<Priority, string> = { info: 'info', action_required: 'action needed', urgent: 'urgent' };

export function ChatMessage(props: {
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
