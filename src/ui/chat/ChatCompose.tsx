/** A new thread: the message, its priority and answer buttons. */
import type { ChatSendRequest } from '../../peer/notify-types.ts';
import { parseActions, type NotifyMessage, type Priority } from '../../notify/message.ts';
import { errorText } from '../error-text.ts';

export function ChatCompose(props: {
  disabled: boolean;
  send: (req: ChatSendRequest) => Promise<NotifyMessage | undefined>;
  /** Answer buttons that do not parse. */
  invalid: (text: string) => void;
  sent: (m: NotifyMessage) => void;
}) {
  async function compose(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    let actions;
    try {
      actions = String(f.get('actions') || '') ? parseActions(String(f.get('actions'))) : undefined;
    } catch (err) {
      props.invalid(errorText(err));
      return;
    }
    const m = await props.send({ body: String(f.get('body')), priority: String(f.get('priority')) as Priority, actions });
    if (m) {
      form.reset();
      props.sent(m);
    }
  }

  return (
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
      <button type="submit" disabled={props.disabled}>Send</button>
    </form>
  );
}
