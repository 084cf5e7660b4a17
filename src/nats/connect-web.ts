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

/**
 * Connect to a `ws://` or `wss://` server (or any of a cluster's, comma-separated); reconnects
 * forever with a capped backoff, also to the cluster's other nodes, which the server names.
 */
export async function connectNatsWeb(server: string, opts: WebConnectOptions = {}): Promise<NatsConnection> {
  const servers = server.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = servers.find((s) => !/^wss?:\/\//i.test(s));
  if (bad !== undefined || servers.length === 0) throw new CodedError('bad-input', `a browser reaches NATS over WebSocket: ws:// or wss://, not ${bad ?? server}`);
  const delay = backoff();
  const o = peerConnectionOptions(servers.length === 1 ? servers[0]! : servers, delay, { name: opts.name ?? 'edgesync browser', auth: opts.auth ?? {}, waitOnFirstConnect: opts.waitOnFirstConnect, timeoutMs: opts.timeoutMs });
  const { wsconnect } = await loadNatsCore();
  const nc = await wsconnect(o);
  resetBackoffOnReconnect(nc, delay);
  return nc;
}
