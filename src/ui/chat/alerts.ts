/**
 * System notifications for `action_required` and `urgent` messages, when the user allowed them.
 * A click brings this window forward and opens the message's thread. A page's `new Notification`
 * is kept referenced until it closes: one nobody holds may be collected with its click handler,
 * and the click then does nothing. An installed PWA on Android only allows notifications through
 * the service worker registration, so that is the fallback; the service worker's click handler
 * (public/sw-notify.js) focuses a window of the app and opens the thread there.
 */
import { priorityOf, type NotifyMessage } from '../../notify/message.ts';
import { go, repoHash } from '../route.ts';

/** Notifications shown and not yet closed (see above). */
const shown = new Set<Notification>();

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
    // The repository's name: the project is its code, which says nothing to a person.
    const title = `${p === 'urgent' ? 'Urgent' : 'Action needed'}: ${m.from_name || m.from} (${repo})`;
    const body = m.actions?.length ? `${m.body}\n[${m.actions.map((a) => a.label).join(' / ')}]` : m.body;
    const hash = repoHash(repo, 'chat', m.thread);
    const link = `${location.origin}${location.pathname}${hash}`;
    const opts: NotificationOptions = { body, tag: m.id, data: { url: link }, requireInteraction: p === 'urgent' };
    try {
      const n = new Notification(title, opts);
      shown.add(n);
      n.onclose = () => shown.delete(n);
      // The browser's own click handling (it focuses the tab) stays: no preventDefault.
      n.onclick = () => {
        window.focus();
        go(hash);
        n.close();
        shown.delete(n);
      };
    } catch {
      void navigator.serviceWorker?.getRegistration().then((reg) => reg?.showNotification(title, opts));
    }
  }
}
