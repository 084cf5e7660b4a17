/** What every `edgesync notify` subcommand shares: the hub connection, the project, this device. */
import type { NatsConnection } from '@nats-io/nats-core';
import type { OptionSpec } from '../args.ts';
import { UsageError } from '../args.ts';
import { jsonOption, type TypedContext } from '../command.ts';
import { connectNats } from '../../nats/connect-node.ts';
import { parseNatsUrl, type NatsAuth, type NatsUrl } from '../../nats/nats-url.ts';
import { checkProject } from '../../notify/message.ts';
import { defaultName, NotifyStateFile } from '../../notify/read-state-file.ts';
import { openNotifyJs, type NotifyJs } from '../../notify/stream.ts';

export const DEFAULT_NATS = 'nats://127.0.0.1:4222';

/** The options of every notify subcommand. */
export const notifyOptions = [
  { name: 'nats', type: 'string', value: 'URL', help: 'the hub (nats://, tls://, ws://, wss://)' },
  { name: 'user', type: 'string', value: 'U', help: 'NATS user (hub auth)' },
  { name: 'password', type: 'string', value: 'PW', help: 'NATS password' },
  { name: 'token', type: 'string', value: 'T', help: 'NATS token' },
  { name: 'project', short: 'p', type: 'string', value: 'P', help: 'the notify project (letters, digits, - and _)' },
  { name: 'thread', short: 't', type: 'string', value: 'T', help: 'a thread: thread-<32 hex>, or its first 8+ hex digits' },
  { name: 'priority', type: 'string', value: 'X', help: 'info (default), action_required or urgent' },
  { name: 'actions', type: 'string', value: 'A,B', help: 'answer buttons: id[:label],…' },
  { name: 'reply-to', type: 'string', value: 'MSG', help: 'the message id this one answers' },
  { name: 'action-response', type: 'boolean', help: 'this reply is a tapped action (BODY is its id)' },
  { name: 'media', type: 'string', repeat: true, value: 'NAME', help: 'a media name to attach (repeatable)' },
  { name: 'name', type: 'string', value: 'NAME', help: 'your display name (default $EDGESYNC_NAME or user@host)' },
  { name: 'timeout', type: 'number', value: 'S', help: 'ask: seconds to wait for an answer (default 300)' },
  { name: 'new-only', type: 'boolean', help: 'watch: on first use, skip what was sent before' },
  { name: 'count', type: 'number', value: 'N', help: 'watch: stop after N messages' },
  { name: 'wait', type: 'number', value: 'MS', help: 'who: how long to listen (default 1000)' },
  jsonOption,
] as const satisfies readonly OptionSpec[];

/** What a notify subcommand is given: its options typed from notifyOptions. */
export type NotifyContext = TypedContext<typeof notifyOptions>;
type NotifyOptions = NotifyContext['args']['options'];

export interface NotifySession {
  url: NatsUrl;
  nc: NatsConnection;
  n: NotifyJs;
  project: string;
  state: NotifyStateFile;
  self: { id: string; name: string };
  close(): Promise<void>;
}

export function projectOf(o: NotifyOptions): string {
  const p = o.project;
  if (!p) throw new UsageError('--project P is required');
  try {
    return checkProject(p);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function authOf(o: NotifyOptions, url: NatsUrl): NatsAuth {
  if (o.token !== undefined) return { token: String(o.token) };
  if (o.user !== undefined) return { user: String(o.user), password: String(o.password ?? '') };
  return url.auth;
}

export async function openSession(ctx: NotifyContext): Promise<NotifySession> {
  const o = ctx.args.options;
  const project = projectOf(o);
  const url = parseNatsUrl(String(o.nats ?? process.env.EDGESYNC_NATS ?? DEFAULT_NATS));
  const nc = await connectNats(url, { name: 'edgesync notify', auth: authOf(o, url), maxReconnectAttempts: -1, timeoutMs: 5000 });
  try {
    const n = await openNotifyJs(nc);
    const state = new NotifyStateFile();
    const self = { id: state.deviceId(), name: String(o.name ?? process.env.EDGESYNC_NAME ?? defaultName()) };
    return { url, nc, n, project, state, self, close: () => nc.close() };
  } catch (e) {
    await nc.close().catch(() => undefined);
    throw e;
  }
}

/** Resolves when the process is asked to stop (Ctrl-C or SIGTERM). */
export function untilSignal(): { promise: Promise<void>; dispose(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  const on = () => resolve();
  process.once('SIGINT', on);
  process.once('SIGTERM', on);
  return {
    promise,
    dispose() {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    },
  };
}
