/**
 * Connecting to NATS from a browser (or a worker): WebSocket only, through `wsconnect`, with the
 * same reconnect policy as the Node side. Everything above the connection (transport, responder,
 * presence, announcements) is the one implementation both sides share.
 */
import type { ConnectionOptions, NatsConnection } from '@nats-io/nats-core';
import { CodedError } from '../errors.ts';
import { loadNatsCore } from './nats-lib.ts';
import { backoff, inboxPrefixFor } from './connection-common.ts';
import type { NatsAuth } from './nats-url.ts';

export interface WebConnectOptions {
  name?: string;
  auth?: NatsAuth;
  timeoutMs?: number;
  /** Keep retrying the first connection (default false: the UI wants to hear about a wrong URL). */
  waitOnFirstConnect?: boolean;
}

/** Connect to `ws://` or `wss://` server; reconnects forever with a capped backoff. */
export async function connectNatsWeb(server: string, opts: WebConnectOptions = {}): Promise<NatsConnection> {
  if (!/^wss?:\/\//i.test(server)) throw new CodedError('bad-input', `a browser reaches NATS over WebSocket: ws:// or wss://, not ${server}`);
  const delay = backoff();
  const o: ConnectionOptions = {
    servers: server,
    name: opts.name ?? 'edgesync browser',
    maxReconnectAttempts: -1,
    reconnectDelayHandler: () => delay.next(),
    waitOnFirstConnect: opts.waitOnFirstConnect ?? false,
    timeout: opts.timeoutMs ?? 10_000,
    pingInterval: 10_000,
    maxPingOut: 2,
    // A peer's own requests must never reach its own responder in the queue group.
    noEcho: true,
  };
  const auth = opts.auth ?? {};
  if (auth.token !== undefined) o.token = auth.token;
  if (auth.user !== undefined) {
    o.user = auth.user;
    o.pass = auth.password ?? '';
    o.inboxPrefix = inboxPrefixFor(auth.user);
  }
  const { wsconnect } = await loadNatsCore();
  const nc = await wsconnect(o);
  void (async () => {
    for await (const s of nc.status()) if (s.type === 'reconnect') delay.reset();
  })();
  return nc;
}
