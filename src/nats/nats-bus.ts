/**
 * The mesh's bus on a real NATS connection (Node over TCP or WebSocket, the browser over
 * WebSocket). Requests that find no responder, time out or are refused by the server's
 * permissions become BusErrors with a code, so callers never read error text.
 */
import type { Msg, MsgHdrs, NatsConnection, Subscription } from '@nats-io/nats-core';
import { natsCore } from './nats-lib.ts';
import { BusError, type BusHeaders, type BusMessage, type BusStatus, type BusSubscription, type MeshBus } from '../mesh/bus.ts';
import { maxPayloadOf } from './connection-common.ts';

function toNatsHeaders(h: Record<string, string> | undefined): MsgHdrs | undefined {
  if (!h) return undefined;
  const out = natsCore().headers();
  for (const [k, v] of Object.entries(h)) out.set(k, v);
  return out;
}

function fromNatsHeaders(h: MsgHdrs | undefined): BusHeaders | undefined {
  if (!h) return undefined;
  return { get: (name) => h.get(name) || undefined };
}

function wrap(m: Msg): BusMessage {
  return {
    subject: m.subject,
    data: m.data,
    headers: fromNatsHeaders(m.headers),
    replyTo: m.reply || undefined,
    respond: (data, headers) => m.respond(data, { headers: toNatsHeaders(headers) }),
  };
}

/** A NATS failure of a request, by kind. */
export function busErrorOf(e: unknown, subject: string): BusError {
  const text = `${(e as Error)?.name ?? ''} ${(e as Error)?.message ?? String(e)}`;
  const cause = (e as { cause?: unknown })?.cause;
  const isNoResponders = (x: unknown): boolean => {
    const err = x as { isNoResponders?: () => boolean; message?: string; cause?: unknown };
    if (typeof err?.isNoResponders === 'function' && err.isNoResponders()) return true;
    return /no responders/i.test(String(err?.message ?? '')) || (err?.cause !== undefined && isNoResponders(err.cause));
  };
  if (isNoResponders(e)) return new BusError('no-responders', `no responder on ${subject}`, { cause: e });
  if (/timeout/i.test(text) || (cause !== undefined && /timeout/i.test(String((cause as Error)?.message)))) {
    return new BusError('timeout', `no reply on ${subject} in time`, { cause: e });
  }
  if (/permissions? violation/i.test(text)) return new BusError('refused', `the hub does not let this user request ${subject}`, { cause: e });
  if (/closed/i.test(text)) return new BusError('closed', `the connection closed`, { cause: e });
  return new BusError('failed', (e as Error)?.message ?? String(e), { cause: e });
}

export class NatsBus implements MeshBus {
  constructor(
    readonly nc: NatsConnection,
    /** The NATS user the connection authenticated as (it owns this peer's ids on a hub). */
    readonly user: string | undefined = undefined,
  ) {}

  get maxPayload(): number {
    return maxPayloadOf(this.nc);
  }

  publish(subject: string, data: Uint8Array): void {
    if (!this.nc.isClosed()) this.nc.publish(subject, data);
  }

  subscribe(subject: string, onMessage: (m: BusMessage) => void, opts: { queue?: string } = {}): BusSubscription {
    let refusal: Error | undefined;
    const sub: Subscription = this.nc.subscribe(subject, {
      queue: opts.queue,
      callback: (err, m) => {
        if (err) {
          refusal = err;
          return;
        }
        onMessage(wrap(m));
      },
    });
    void sub.closed.then((e) => {
      if (e instanceof Error) refusal = e;
    });
    return {
      unsubscribe: () => {
        if (!sub.isClosed()) sub.unsubscribe();
      },
      get refusal() {
        return refusal;
      },
    };
  }

  async request(subject: string, data: Uint8Array, opts: { timeoutMs: number; headers?: Record<string, string> }): Promise<BusMessage> {
    try {
      return wrap(await this.nc.request(subject, data, { timeout: opts.timeoutMs, headers: toNatsHeaders(opts.headers) }));
    } catch (e) {
      throw busErrorOf(e, subject);
    }
  }

  async flush(): Promise<void> {
    await this.nc.flush();
    // The refusal, when there is one, is delivered to the subscription just before the PONG.
    await new Promise((r) => setTimeout(r, 0));
  }

  onStatus(fn: (s: BusStatus) => void): () => void {
    let stopped = false;
    void (async () => {
      for await (const s of this.nc.status()) {
        if (stopped) return;
        if (s.type === 'disconnect' || s.type === 'reconnect') fn(s.type);
      }
    })().catch(() => undefined);
    return () => {
      stopped = true;
    };
  }

  isClosed(): boolean {
    return this.nc.isClosed();
  }
}
