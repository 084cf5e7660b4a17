/** The chat's settings: your name, the project (the hub's notify subjects), system notifications. */
import { createSignal, Show } from 'solid-js';
import type { ChatView } from '../../peer/notify-types.ts';
import { alertsAllowed, alertsSupported, askForAlerts } from './alerts.ts';

export function ChatSettings(props: { view: ChatView; save: (f: FormData) => void }) {
  const [alertsOn, setAlertsOn] = createSignal(alertsAllowed());
  return (
    <details class="chat-settings">
      <summary>Chat settings</summary>
      <form onSubmit={(e) => {
        e.preventDefault();
        props.save(new FormData(e.currentTarget));
      }}>
        <label>Your name<input name="me" value={props.view.self.name} /></label>
        <label>Project (the hub's notify.&lt;project&gt; subjects; the repository's project code unless changed, as <code>edgesync notify --project</code> takes it)<input name="project" value={props.view.project} pattern="[A-Za-z0-9_\-]+" /></label>
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
  );
}
