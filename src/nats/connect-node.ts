/**
 * Connecting to NATS from Node: nats:// and tls:// over TCP, ws:// and wss:// over WebSocket
 * (Node 20 has no global WebSocket, so the `ws` package stands in), with user/password or token
 * auth, TLS files, and endless reconnects with a capped exponential backoff so that a leaf keeps
 * going through hub restarts.
 */
import type { ConnectionOptions, NatsConnection } from '@nats-io/nats-core';
import { loadNatsCore } from './nats-lib.ts';
import type { NatsAuth, NatsUrl } from './nats-url.ts';
import { CodedError } from '../errors.ts';
import { backoff, peerConnectionOptions, resetBackoffOnReconnect } from './connection-common.ts';

// Re-exported: the CLI imports them from here.
export { backoff, maxPayloadOf } from './connection-common.ts';

export interface ConnectOptions {
  /** Connection name shown by the server's monitoring. */
  name?: string;
  /** Keep retrying the first connection too (a leaf started before its hub). */
  waitOnFirstConnect?: boolean;
  /** Give up reconnecting after this many attempts (default: never, for servers). */
  maxReconnectAttempts?: number;
  /** Credentials that override the URL's. */
  auth?: NatsAuth;
  /** ms before the first connection attempt fails. */
  timeoutMs?: number;
}

/** A `ws` socket factory; for wss:// it trusts the URL's `ca=` file (a private CA) and presents `cert=`/`key=`. */
function wsFactoryWith(tls: NatsUrl['tls']) {
  return async (u: string): Promise<{ socket: never; encrypted: boolean }> => {
    const { default: WebSocket } = await import('ws');
    const { readFileSync } = await import('node:fs');
    const read = (f: string | undefined) => (f ? readFileSync(f) : undefined);
    const socket = new WebSocket(u, tls ? { ca: read(tls.ca), cert: read(tls.cert), key: read(tls.key) } : {});
    return { socket: socket as never, encrypted: u.startsWith('wss:') };
  };
}

/**
 * Connects, or fails with an error that names the server (`nats://HOST:PORT`: never the
 * credentials, which the URL's `server` does not hold) and says whether it was the credentials.
 */
export async function connectNats(url: NatsUrl, opts: ConnectOptions = {}): Promise<NatsConnection> {
  try {
    return await connectOnce(url, opts);
  } catch (e) {
    const message = (e as Error).message ?? String(e);
    const code = /authori[sz]ation|authentication|auth.*(violation|expired|revoked)|user.*password/i.test(message) ? 'auth' : 'unreachable';
    throw new NatsConnectError(code, `${url.server}: ${message}`, { cause: e });
  }
}

/** Connecting to a NATS server failed: `auth` (credentials refused) or `unreachable`. */
export class NatsConnectError extends CodedError {
  override name = 'NatsConnectError';
}

async function connectOnce(url: NatsUrl, opts: ConnectOptions): Promise<NatsConnection> {
  const auth = opts.auth ?? url.auth;
  const delay = backoff();
  const base = peerConnectionOptions(url.server, delay, { name: opts.name ?? 'edgesync', auth, maxReconnectAttempts: opts.maxReconnectAttempts, waitOnFirstConnect: opts.waitOnFirstConnect, timeoutMs: opts.timeoutMs });
  if (url.tls) {
    base.tls = {};
    if (url.tls.ca) base.tls.caFile = url.tls.ca;
    if (url.tls.cert) base.tls.certFile = url.tls.cert;
    if (url.tls.key) base.tls.keyFile = url.tls.key;
  }
  let nc: NatsConnection;
  if (url.scheme === 'ws' || url.scheme === 'wss') {
    const hasGlobal = typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'function';
    // Node's own WebSocket (when present) cannot be given a CA, so a private CA needs `ws`.
    const useWs = !hasGlobal || (url.scheme === 'wss' && url.tls !== undefined);
    const { wsconnect } = await loadNatsCore();
    nc = await wsconnect(useWs ? ({ ...base, tls: undefined, wsFactory: wsFactoryWith(url.tls) } as ConnectionOptions) : base);
  } else {
    const { connect } = await import('@nats-io/transport-node');
    await loadNatsCore();
    nc = await connect(base);
  }
  resetBackoffOnReconnect(nc, delay);
  return nc;
}
