/**
 * Shown on every page of a repository: how many chat messages are unread (a link to the chat),
 * and, by subscribing to the chat's events, the system notifications while the repository is open.
 * It also hands the remembered author name to the chat, whose name it is until one is given there.
 */
import { createEffect, createSignal, onCleanup, Show } from 'solid-js';
import { repoHash } from '../route.ts';
import { onNotify } from './chat-events.ts';
import { useApi } from '../context.tsx';
import { author } from '../write/common.ts';
import './chat.css';

export function ChatBanner(props: { name: string; section: string }) {
  const api = useApi();
  const [unread, setUnread] = createSignal(0);
  const off = onNotify(api, (e) => {
    if (e.type === 'notify' && e.repo === props.name) setUnread(e.unread);
  });
  onCleanup(off);
  void api.notify.view(props.name).then((v) => setUnread(v.unread), () => undefined);
  // The name typed for writes is this browser's chat name too, until one is given in the chat.
  createEffect(() => {
    const a = author();
    if (a) void api.notify.setName(a, { ifUnnamed: true }).catch(() => undefined);
  });
  return (
    <Show when={unread() > 0 && props.section !== 'chat'}>
      <a class="chat-banner unread" href={repoHash(props.name, 'chat')} data-testid="chat-banner">{unread()} unread chat {unread() === 1 ? 'message' : 'messages'}</a>
    </Show>
  );
}
