/**
 * The notify message, v1, exactly as the Go EdgeSync peers put it on the wire (JSON field names
 * `v id thread project from from_name timestamp body` and, omitted when empty, `priority actions
 * reply_to media action_response`). Building, encoding and strict-but-tolerant parsing live
 * here; nothing in this file touches NATS.
 */
import { randomHex } from './ids.ts';

export type Priority = 'info' | 'action_required' | 'urgent';
export const PRIORITIES: readonly Priority[] = ['info', 'action_required', 'urgent'];

export interface NotifyAction {
  id: string;
  label: string;
}

export interface NotifyMessage {
  v: 1;
  /** `msg-` + 32 hex. */
  id: string;
  /** `thread-` + 32 hex. */
  thread: string;
  project: string;
  /** The sender's peer id. */
  from: string;
  from_name: string;
  /** RFC 3339 with a fraction (Go writes nanoseconds, we write milliseconds). */
  timestamp: string;
  body: string;
  priority?: Priority;
  actions?: NotifyAction[];
  reply_to?: string;
  media?: string[];
  /** A tap on an action: a reply whose body is the action's id. */
  action_response?: boolean;
}

export class NotifyMessageError extends Error {
  override name = 'NotifyMessageError';
}

export const newMessageId = (): string => `msg-${randomHex(16)}`;
export const newThreadId = (): string => `thread-${randomHex(16)}`;

/** A project is one NATS subject token: letters, digits, `-` and `_`. */
export function checkProject(project: string): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(project)) {
    throw new NotifyMessageError(`not a notify project name: ${JSON.stringify(project)} (letters, digits, - and _)`);
  }
  return project;
}

/** The first 8 characters after `thread-`: the last token of the message's subject. */
export function threadShort(thread: string): string {
  const s = thread.startsWith('thread-') ? thread.slice(7) : thread;
  return s.slice(0, 8);
}

export interface NewMessageOptions {
  project: string;
  from: string;
  fromName: string;
  body: string;
  /** Continue this thread (a full `thread-…` id); a new thread when absent. */
  thread?: string;
  priority?: Priority;
  actions?: NotifyAction[];
  replyTo?: string;
  media?: string[];
  actionResponse?: boolean;
  now?: Date;
}

export function newMessage(o: NewMessageOptions): NotifyMessage {
  const m: NotifyMessage = {
    v: 1,
    id: newMessageId(),
    thread: o.thread ?? newThreadId(),
    project: checkProject(o.project),
    from: o.from,
    from_name: o.fromName,
    timestamp: (o.now ?? new Date()).toISOString(),
    body: o.body,
  };
  // Like the Go peers: a new message says its priority, a reply only when it is not the default.
  const priority = o.priority ?? (o.replyTo ? undefined : 'info');
  if (priority) m.priority = priority;
  if (o.actions?.length) m.actions = o.actions;
  if (o.replyTo) m.reply_to = o.replyTo;
  if (o.media?.length) m.media = o.media;
  if (o.actionResponse) m.action_response = true;
  return validateMessage(m);
}

/** `approve,reject` or `approve:Approve it,reject` -> actions (id, and label defaulting to the id). */
export function parseActions(text: string): NotifyAction[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const i = s.indexOf(':');
      const id = (i < 0 ? s : s.slice(0, i)).trim();
      const label = (i < 0 ? s : s.slice(i + 1)).trim() || id;
      if (!id) throw new NotifyMessageError(`an action needs an id: ${JSON.stringify(s)}`);
      return { id, label };
    });
}

/** The priority a receiver acts on: absent means `info`. */
export const priorityOf = (m: NotifyMessage): Priority => m.priority ?? 'info';

/** Checks the fields a receiver relies on; returns the message. */
export function validateMessage(m: NotifyMessage): NotifyMessage {
  const bad = (why: string) => {
    throw new NotifyMessageError(`bad notify message ${JSON.stringify(m.id ?? '')}: ${why}`);
  };
  if (m.v !== 1) bad(`version ${JSON.stringify(m.v)} (only 1 is known)`);
  if (typeof m.id !== 'string' || !/^msg-[0-9a-zA-Z_-]{1,64}$/.test(m.id)) bad('id must be msg-<hex>');
  if (typeof m.thread !== 'string' || !/^thread-[0-9a-zA-Z_-]{1,64}$/.test(m.thread)) bad('thread must be thread-<hex>');
  checkProject(m.project);
  if (typeof m.from !== 'string') bad('from must be a string');
  if (typeof m.from_name !== 'string') bad('from_name must be a string');
  if (typeof m.body !== 'string') bad('body must be a string');
  if (typeof m.timestamp !== 'string' || Number.isNaN(timestampMs(m.timestamp))) bad(`timestamp ${JSON.stringify(m.timestamp)} is not RFC 3339`);
  if (m.priority !== undefined && !PRIORITIES.includes(m.priority)) bad(`unknown priority ${JSON.stringify(m.priority)}`);
  if (m.reply_to !== undefined && typeof m.reply_to !== 'string') bad('reply_to must be a message id');
  if (m.actions !== undefined) {
    if (!Array.isArray(m.actions)) bad('actions must be a list');
    for (const a of m.actions!) if (!a || typeof a.id !== 'string' || !a.id || typeof a.label !== 'string') bad('an action is {id, label}');
  }
  if (m.media !== undefined && (!Array.isArray(m.media) || m.media.some((x) => typeof x !== 'string'))) bad('media must be a list of names');
  if (m.action_response !== undefined && typeof m.action_response !== 'boolean') bad('action_response must be a boolean');
  return m;
}

/**
 * Epoch ms of an RFC 3339 time. Go writes up to nine fraction digits and any offset; JavaScript's
 * Date takes at most milliseconds reliably, so the fraction is cut to three digits first.
 */
export function timestampMs(ts: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/.exec(ts);
  if (!m) return NaN;
  const frac = m[2] ? `.${m[2].slice(0, 3).padEnd(3, '0')}` : '';
  return Date.parse(`${m[1]!.replace(/[t ]/, 'T')}${frac}${m[3]!.toUpperCase()}`);
}

/** JSON in the Go field order, empty optional fields left out (as Go's `omitempty` does). */
export function encodeMessage(m: NotifyMessage): Uint8Array {
  return new TextEncoder().encode(messageJson(m));
}

export function messageJson(m: NotifyMessage): string {
  const o: Record<string, unknown> = {
    v: m.v,
    id: m.id,
    thread: m.thread,
    project: m.project,
    from: m.from,
    from_name: m.from_name,
    timestamp: m.timestamp,
    body: m.body,
  };
  if (m.priority) o.priority = m.priority;
  if (m.actions?.length) o.actions = m.actions.map((a) => ({ id: a.id, label: a.label }));
  if (m.reply_to) o.reply_to = m.reply_to;
  if (m.media?.length) o.media = m.media;
  if (m.action_response) o.action_response = true;
  return JSON.stringify(o);
}

/**
 * A message from the wire. Go peers send `null` for empty lists and may add fields we do not
 * know (ignored); anything missing or of the wrong type is an error, so a receiver can drop it.
 */
export function parseMessage(data: Uint8Array | string): NotifyMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
  } catch {
    throw new NotifyMessageError('not JSON');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new NotifyMessageError('not a JSON object');
  const r = raw as Record<string, unknown>;
  const m: NotifyMessage = {
    v: r.v as 1,
    id: r.id as string,
    thread: r.thread as string,
    project: r.project as string,
    from: r.from as string,
    from_name: (r.from_name ?? '') as string,
    timestamp: r.timestamp as string,
    body: r.body as string,
  };
  if (r.priority !== undefined && r.priority !== null && r.priority !== '') m.priority = r.priority as Priority;
  if (Array.isArray(r.actions) && r.actions.length) m.actions = r.actions as NotifyAction[];
  else if (r.actions !== undefined && r.actions !== null && !Array.isArray(r.actions)) m.actions = r.actions as NotifyAction[];
  if (r.reply_to !== undefined && r.reply_to !== null && r.reply_to !== '') m.reply_to = r.reply_to as string;
  if (Array.isArray(r.media) && r.media.length) m.media = r.media as string[];
  else if (r.media !== undefined && r.media !== null && !Array.isArray(r.media)) m.media = r.media as string[];
  if (r.action_response !== undefined && r.action_response !== null && r.action_response !== false) m.action_response = r.action_response as boolean;
  return validateMessage(m);
}
