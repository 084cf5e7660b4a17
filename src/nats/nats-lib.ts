/**
 * The NATS client library, loaded when the first connection is made, so that commands which never
 * touch NATS (an HTTP sync, a timeline) do not pay for loading it. Every NatsConnection this code
 * base holds was made through loadNatsCore (connect-node.ts, connect-web.ts), so code that gets a
 * connection can use natsCore() synchronously.
 */
import type * as NatsCore from '@nats-io/nats-core';

let core: typeof NatsCore | undefined;

export async function loadNatsCore(): Promise<typeof NatsCore> {
  return (core ??= await import('@nats-io/nats-core'));
}

/** The library, once a connection has loaded it. */
export function natsCore(): typeof NatsCore {
  if (!core) throw new Error('the NATS client library is not loaded: connect first');
  return core;
}
