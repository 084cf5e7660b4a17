/**
 * Connecting to NATS from a browser (or a worker): WebSocket only, through `wsconnect`, with the
 * same reconnect policy as the Node side. Everything above the connection (transport, responder,
 * presence, announcements) is the one implementation both sides share.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import { CodedError } from '../errors.ts';
import { loadNatsCore } from './nats-lib.ts';
import { backoff, peerConnectionOptions, resetBackoffOnReconnect } from './connection-common.ts';
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
  const o = peerConnectionOptions(server, delay, { name: opts.name ?? 'edgesync browser', auth: opts.auth ?? {}, waitOnFirstConnect: opts.waitOnFirstConnect, timeoutMs: opts.timeoutMs });
  const { wsconnect } = await loadNatsCore();
  const nc = await wsconnect(o);
  resetBackoffOnReconnect(nc, delay);
  return nc;
}
