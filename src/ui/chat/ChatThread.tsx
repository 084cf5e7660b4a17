/** The open thread: its messages (those waiting to be sent last), action buttons, and the reply box. */
import { For } from 'solid-js';
import type { ChatSendRequest, ChatView } from '../../peer/notify-types.ts';
import { threadShort, type NotifyMessage } from '../../notify/message.ts';
import type { StoredMessage } from '../../notify/threads.ts';
import { ChatMessage } from './ChatMessage.tsx';

/** The first answer to each message, by the id of the message it answers. */
function answers(list: StoredMessage[]): Map<string, NotifyMessage> {
  const m = new Map<string, NotifyMessage>();
  for (const s of list) if (s.message.reply_to && !m.has(s.message.reply_to)) m.set(s.message.reply_to, s.message);
  return m;
}

export function ChatThread(props: { view: ChatView; thread: string; send: (req: ChatSendRequest) => Promise<NotifyMessage | undefined> }) {
  const list = () => props.view.messages;
  const answered = () => answers(list());
  const byId = (id: string) => list().find((x) => x.message.id === id)?.message;

  async function reply(e: SubmitEvent, last: NotifyMessage | undefined) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const body = String(new FormData(form).get('body'));
    if (await props.send({ body, thread: props.thread, replyTo: last?.id })) form.reset();
  }

  return (
    <>
      <h3 class="thread-heading">Thread <code>{threadShort(props.thread)}</code></h3>
      <ol class="messages" data-testid="chat-messages" aria-live="polite">
        <For each={list()}>
          {(s) => <ChatMessage m={s.message} mine={s.message.from === props.view.self.id} answer={answered().get(s.message.id)} byId={byId}
            onAction={(a) => void props.send({ body: a, thread: props.thread, replyTo: s.message.id, actionResponse: true })} />}
        </For>
        <For each={props.view.outbox}>
          {(m) => <ChatMessage m={m} mine sending byId={byId} />}
        </For>
      </ol>
      <form class="chat-reply" onSubmit={(e) => void reply(e, list()[list().length - 1]?.message)}>
        <label>Reply<textarea name="body" rows="2" required /></label>
        <button type="submit">Send reply</button>
      </form>
    </>
  );
}
