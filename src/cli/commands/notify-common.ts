/** What every `edgesync notify` subcommand shares: the hub connection, the project, this device. */
import type { NatsConnection } from '@nats-io/nats-core';
import type { OptionValues } from '../args.ts';
import { UsageError } from '../args.ts';
import type { CommandContext } from '../command.ts';
import { connectNats } from '../../nats/connect-node.ts';
import { parseNatsUrl, type NatsAuth, type NatsUrl } from '../../nats/nats-url.ts';
import { checkProject } from '../../notify/message.ts';
import { defaultName, NotifyStateFile } from '../../notify/read-state-file.ts';
import { openNotifyJs, type NotifyJs } from '../../notify/stream.ts';

export const DEFAULT_NATS = 'nats://127.0.0.1:4222';

export interface NotifySession {
  url: NatsUrl;
  nc: NatsConnection;
  n: NotifyJs;
  project: string;
  state: NotifyStateFile;
  self: { id: string; name: string };
  close(): Promise<void>;
}

export function projectOf(o: OptionValues): string {
  const p = o.project as string | undefined;
  if (!p) throw new UsageError('--project P is required');
  try {
    return checkProject(p);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function authOf(o: OptionValues, url: NatsUrl): NatsAuth {
  if (o.token !== undefined) return { token: String(o.token) };
  if (o.user !== undefined) return { user: String(o.user), password: String(o.password ?? '') };
  return url.auth;
}

export async function openSession(ctx: CommandContext): Promise<NotifySession> {
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
