/** What the worker tells the chat UI about notify (plain data across the worker boundary). */
import type { NotifyMessage, Priority } from '../notify/message.ts';
import type { StoredMessage, ThreadSummary } from '../notify/threads.ts';
import type { ConnectionState, PeerInfo } from './api-types.ts';

export interface ChatView {
  repo: string;
  project: string;
  /** `named`: a name was given (not the generated "Browser …" one). */
  self: { id: string; name: string; named?: boolean };
  /** 'none' when the repository has no hub. */
  connection: ConnectionState;
  error?: string;
  threads: ThreadSummary[];
  unread: number;
  /** The open thread's messages, in stream order. */
  messages: StoredMessage[];
  /** Written here, not yet stored by the hub (offline): sent on reconnect. */
  outbox: NotifyMessage[];
  online: PeerInfo[];
}

export interface ChatSendRequest {
  body: string;
  /** Continue this thread; a new one when absent. */
  thread?: string;
  replyTo?: string;
  priority?: Priority;
  actions?: { id: string; label: string }[];
  /** An action tap: body is the action id. */
  actionResponse?: boolean;
}

export type NotifyEvent =
  /** Something changed in the repository's chat (messages, outbox, connection, presence). */
  | { type: 'notify'; repo: string; unread: number }
  /** Messages that want attention (action_required or urgent, from someone else, unread). */
  | { type: 'notify-alert'; repo: string; messages: NotifyMessage[] };
