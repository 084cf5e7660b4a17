/**
 * The serving side of sync over NATS: answers `<prefix>.<code>.sync` in the queue group
 * `sync-<code>` and `.sync.<peer>` for this peer, keeping every reply under the connection's
 * max_payload (wire.ts 2-4): chunked replies and uploads for our clients, a smaller budget or
 * an error naming the artifact for the others.
 */
import { headers as natsHeaders, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import { CardWriter } from '../sync/card-writer.ts';
import { encodeBody, XFER_CONTENT_TYPE } from '../sync/envelope.ts';
import { maxPayloadOf } from './connection-common.ts';
import { oversizeText } from './oversize.ts';
import { ExpiringMap, joinParts, randomId, splitBody } from './parts.ts';
import type { Subjects } from './subjects.ts';
import { bodyLimit, HDR_ACK, HDR_ERROR, HDR_EXT, HDR_FETCH, HDR_MAX_PAYLOAD, HDR_PARTS, HDR_PEER, HDR_REPLY, HDR_UPLOAD } from './wire.ts';

/** Turns one request envelope into one reply envelope, adding artifacts up to about `budget` bytes. */
export interface SyncAnswerer {
  answer(request: Uint8Array, budget: number): Promise<Uint8Array> | Uint8Array;
}

export interface ResponderOptions {
  peerId: string;
  /** Called after each answered request (the leaf looks for new check-ins then). */
  onAnswered?: () => void;
  onError?: (e: Error) => void;
  /** Log line per request. */
  log?: (line: string) => void;
}

/** The budget for a rerun when the first reply came out too large: a few cards, then one artifact. */
const SMALL_BUDGET = 4096;

interface Upload {
  parts: (Uint8Array | undefined)[];
}

export class NatsResponder {
  private readonly subs: Subscription[] = [];
  private readonly replies = new ExpiringMap<Uint8Array[]>();
  private readonly uploads = new ExpiringMap<Upload>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly subjects: Subjects,
    private readonly answerer: SyncAnswerer,
    private readonly opts: ResponderOptions,
  ) {}

  start(): void {
    const cb = (err: Error | null, m: Msg) => {
      if (err) return this.opts.onError?.(err);
      this.onMessage(m).catch((e: Error) => this.opts.onError?.(e));
    };
    this.subs.push(this.nc.subscribe(this.subjects.sync, { queue: this.subjects.queueGroup, callback: cb }));
    this.subs.push(this.nc.subscribe(this.subjects.syncPeer(this.opts.peerId), { callback: cb }));
  }

  stop(): void {
    for (const s of this.subs.splice(0)) s.unsubscribe();
  }

  private replyHeaders(): MsgHdrs {
    const h = natsHeaders();
    h.set(HDR_PEER, this.opts.peerId);
    return h;
  }

  private fail(m: Msg, text: string): void {
    const h = this.replyHeaders();
    h.set(HDR_ERROR, text.replace(/[\r\n]+/g, ' ').slice(0, 500));
    m.respond(new Uint8Array(0), { headers: h });
  }

  /** What fits one message on this connection and the client's. */
  private limitFor(h: MsgHdrs | undefined): number {
    const own = maxPayloadOf(this.nc);
    const theirs = Number(h?.get(HDR_MAX_PAYLOAD) || own);
    return bodyLimit(Math.min(own, Number.isFinite(theirs) && theirs > 0 ? theirs : own));
  }

  private async onMessage(m: Msg): Promise<void> {
    const h = m.headers;
    const fetch = h?.get(HDR_FETCH);
    if (fetch) return this.fetchPart(m, fetch);
    const upload = h?.get(HDR_UPLOAD);
    if (upload) return this.uploadPart(m, upload);
    return this.answer(m, m.data);
  }

  private fetchPart(m: Msg, spec: string): void {
    const [id, index] = spec.split(' ');
    const parts = this.replies.get(id ?? '');
    const part = parts?.[Number(index)];
    if (!parts || !part) return this.fail(m, 'gone');
    if (Number(index) === parts.length - 1) this.replies.delete(id!);
    m.respond(part, { headers: this.replyHeaders() });
  }

  private async uploadPart(m: Msg, spec: string): Promise<void> {
    const [id = '', i = '', n = ''] = spec.split(' ');
    const index = Number(i);
    const count = Number(n);
    if (!Number.isInteger(index) || !Number.isInteger(count) || count < 1 || count > 4096 || index < 0 || index >= count) {
      return this.fail(m, 'bad upload header');
    }
    let up = this.uploads.get(id);
    if (!up) {
      up = { parts: new Array<Uint8Array | undefined>(count).fill(undefined) };
      this.uploads.set(id, up);
    }
    // Copy: the message buffer is not ours to keep.
    up.parts[index] = m.data.slice();
    if (index < count - 1) {
      const h = this.replyHeaders();
      h.set(HDR_ACK, String(index));
      m.respond(new Uint8Array(0), { headers: h });
      return;
    }
    this.uploads.delete(id);
    if (up.parts.some((p) => p === undefined)) return this.fail(m, 'gone');
    return this.answer(m, joinParts(up.parts as Uint8Array[]));
  }

  private async answer(m: Msg, request: Uint8Array): Promise<void> {
    const started = Date.now();
    const h = m.headers;
    const ext = Boolean(h?.get(HDR_EXT));
    const limit = this.limitFor(h);
    let reply: Uint8Array;
    try {
      reply = await this.answerer.answer(request, Math.floor((limit * 3) / 4));
      if (reply.length > limit && !ext) reply = await this.answerer.answer(request, SMALL_BUDGET);
    } catch (e) {
      this.opts.onError?.(e as Error);
      return this.fail(m, `responder failed: ${(e as Error).message}`);
    } finally {
      this.opts.onAnswered?.();
    }
    const headers = this.replyHeaders();
    if (reply.length > limit) {
      if (!ext) {
        const w = new CardWriter();
        w.error(oversizeText(reply, limit, 'this client'));
        reply = encodeBody(w.finish(), XFER_CONTENT_TYPE);
      } else {
        const parts = splitBody(reply, limit);
        const id = randomId();
        this.replies.set(id, parts);
        headers.set(HDR_PARTS, String(parts.length));
        headers.set(HDR_REPLY, id);
        reply = parts[0]!;
      }
    }
    m.respond(reply, { headers });
    this.opts.log?.(`${m.subject}: ${request.length} B in, ${reply.length} B out${headers.get(HDR_PARTS) ? ` (part 1 of ${headers.get(HDR_PARTS)})` : ''}, ${Date.now() - started} ms`);
  }
}
