/**
 * The parts of a NATS connection that do not depend on how it was opened (TCP in Node,
 * WebSocket in the browser), so the transport, responder and agents run on either.
 */
import type { ConnectionOptions, NatsConnection } from '@nats-io/nats-core';
import { CodedError } from '../errors.ts';
import type { NatsAuth } from './nats-url.ts';

/** Backoff between reconnect attempts: 250 ms doubling to 5 s, with jitter so peers spread out. */
export function backoff(): { next: () => number; reset: () => void } {
  let attempt = 0;
  return {
    next() {
      const base = Math.min(5000, 250 * 2 ** Math.min(attempt++, 5));
      return Math.round(base * (0.75 + Math.random() * 0.5));
    },
    reset() {
      attempt = 0;
    },
  };
}

/**
 * The connection's max_payload as the server announced it (it may change after a reconnect).
 * Between a lost server and a reconnect there is no announcement: the server cannot be reached.
 */
export function maxPayloadOf(nc: NatsConnection): number {
  const n = nc.info?.max_payload;
  if (typeof n !== 'number' || n <= 0) throw new CodedError('unreachable', 'the NATS server did not announce max_payload');
  return n;
}

/**
 * The inbox prefix for a NATS user: `_INBOX.<user>`. A hub lets each user subscribe only to its
 * own inboxes, so nobody reads the replies meant for someone else.
 */
export function inboxPrefixFor(user: string | undefined): string | undefined {
  return user !== undefined && /^[A-Za-z0-9_-]{1,64}$/.test(user) ? `_INBOX.${user}` : undefined;
}

/**
 * The options every peer connects with, Node or browser: endless reconnects (unless capped) with
 * the backoff above, quick liveness pings, no echo, and the auth with its own inbox prefix.
 * `delay` must be reset on each reconnect (resetBackoffOnReconnect).
 */
export function peerConnectionOptions(
  servers: string | string[],
  delay: { next: () => number },
  o: { name: string; auth: NatsAuth; maxReconnectAttempts?: number; waitOnFirstConnect?: boolean; timeoutMs?: number },
): ConnectionOptions {
  const c: ConnectionOptions = {
    servers,
    name: o.name,
    maxReconnectAttempts: o.maxReconnectAttempts ?? -1,
    reconnectDelayHandler: () => delay.next(),
    waitOnFirstConnect: o.waitOnFirstConnect ?? false,
    timeout: o.timeoutMs ?? 10_000,
    // Announce liveness quickly so a dead hub is noticed within seconds, not minutes.
    pingInterval: 10_000,
    maxPingOut: 2,
    // A peer's own requests must never reach its own responder in the queue group.
    noEcho: true,
  };
  if (o.auth.token !== undefined) c.token = o.auth.token;
  if (o.auth.user !== undefined) {
    c.user = o.auth.user;
    c.pass = o.auth.password ?? '';
    c.inboxPrefix = inboxPrefixFor(o.auth.user);
  }
  return c;
}

/** After a reconnect the next outage starts its backoff from the shortest delay again. */
export function resetBackoffOnReconnect(nc: NatsConnection, delay: { reset: () => void }): void {
  void (async () => {
    for await (const s of nc.status()) if (s.type === 'reconnect') delay.reset();
  })();
}
