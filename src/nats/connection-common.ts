/**
 * The parts of a NATS connection that do not depend on how it was opened (TCP in Node,
 * WebSocket in the browser), so the transport, responder and agents run on either.
 */
import type { NatsConnection } from '@nats-io/nats-core';

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

/** The connection's max_payload as the server announced it (it may change after a reconnect). */
export function maxPayloadOf(nc: NatsConnection): number {
  const n = nc.info?.max_payload;
  if (typeof n !== 'number' || n <= 0) throw new Error('the NATS server did not announce max_payload');
  return n;
}

/**
 * The inbox prefix for a NATS user: `_INBOX.<user>`. A hub lets each user subscribe only to its
 * own inboxes, so nobody reads the replies meant for someone else.
 */
export function inboxPrefixFor(user: string | undefined): string | undefined {
  return user !== undefined && /^[A-Za-z0-9_-]{1,64}$/.test(user) ? `_INBOX.${user}` : undefined;
}
