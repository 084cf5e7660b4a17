/**
 * System notifications for `action_required` and `urgent` messages, when the user allowed them.
 * A page's `new Notification` focuses the chat on click; an installed PWA on Android only allows
 * notifications through the service worker registration, so that is the fallback.
 */
import { priorityOf, type NotifyMessage } from '../../notify/message.ts';
import { repoHash } from '../route.ts';

export function alertsSupported(): boolean {
  return typeof Notification !== 'undefined';
}

export function alertsAllowed(): boolean {
  return alertsSupported() && Notification.permission === 'granted';
}

export async function askForAlerts(): Promise<NotificationPermission | 'unsupported'> {
  if (!alertsSupported()) return 'unsupported';
  return Notification.requestPermission();
}

export function showAlerts(repo: string, messages: NotifyMessage[]): void {
  if (!alertsAllowed()) return;
  for (const m of messages) {
    const p = priorityOf(m);
    if (p === 'info') continue;
    const title = `${p === 'urgent' ? 'Urgent' : 'Action needed'}: ${m.from_name || m.from} (${m.project})`;
    const body = m.actions?.length ? `${m.body}\n[${m.actions.map((a) => a.label).join(' / ')}]` : m.body;
    const link = `${location.origin}${location.pathname}${repoHash(repo, 'chat', m.thread)}`;
    const opts: NotificationOptions = { body, tag: m.id, data: { url: link }, requireInteraction: p === 'urgent' };
    try {
      const n = new Notification(title, opts);
      n.onclick = () => {
        window.focus();
        location.href = link;
        n.close();
      };
    } catch {
      void navigator.serviceWorker?.getRegistration().then((reg) => reg?.showNotification(title, opts));
    }
  }
}
