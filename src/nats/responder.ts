/**
 * The serving side of sync over NATS: answers `<prefix>.<code>.sync` in the queue group
 * `sync-<code>` and `.sync.<peer>` for this peer, keeping every reply under the connection's
 * max_payload (wire.ts 2-4): chunked replies and uploads for our clients, a smaller budget or
 * an error naming the artifact for the others.
 *
 * Anyone who may send requests can send upload parts, before any login is checked (the login is
 * inside the assembled request). So what an upload may make us hold is bounded before a part is
 * kept: its declared size against the largest request, the bytes held by all uploads, and how
 * many uploads one requester and everyone together may have in progress.
 */
import type { BusHeaders, BusMessage, BusSubscription, MeshBus } from '../mesh/bus.ts';
import type { Clock } from '../mesh/clock.ts';
import { realClock } from '../mesh/clock.ts';
import { CardWriter } from '../sync/card-writer.ts';
import { encodeBody, XFER_CONTENT_TYPE } from '../sync/envelope.ts';
import { oversizeText } from './oversize.ts';
import { ExpiringMap, joinParts, randomId, splitBody } from './parts.ts';
import type { Subjects } from './subjects.ts';
import { bodyLimit, HDR_ACK, HDR_ERROR, HDR_EXT, HDR_FETCH, HDR_MAX_PAYLOAD, HDR_PARTS, HDR_PEER, HDR_REPLY, HDR_UPLOAD } from './wire.ts';

/** Turns one request envelope into one reply envelope, adding artifacts up to about `budget` bytes. */
export interface SyncAnswerer {
  answer(request: Uint8Array, budget: number): Promise<Uint8Array> | Uint8Array;
}

/** Bounds on what unauthenticated requests can make a responder hold. */
export interface ResponderLimits {
  /** Largest request assembled from upload parts (compressed bytes). */
  maxRequestBytes: number;
  /** Bytes all uploads in progress may hold together. */
  maxUploadBytes: number;
  /** Uploads in progress at once, everyone together. */
  maxUploads: number;
  /** Uploads in progress at once from one requester (one NATS user's inbox). */
  maxUploadsPerRequester: number;
  /** Bytes of chunked replies kept for their clients to fetch. */
  maxReplyBytes: number;
}

export const DEFAULT_RESPONDER_LIMITS: Readonly<ResponderLimits> = Object.freeze({
  maxRequestBytes: 64 * 1024 * 1024,
  maxUploadBytes: 96 * 1024 * 1024,
  maxUploads: 8,
  maxUploadsPerRequester: 2,
  maxReplyBytes: 128 * 1024 * 1024,
});

export interface ResponderOptions {
  peerId: string;
  /** Called after each answered request (the leaf looks for new check-ins then). */
  onAnswered?: () => void;
  onError?: (e: Error) => void;
  /** Log line per request. */
  log?: (line: string) => void;
  limits?: Partial<ResponderLimits>;
  clock?: Clock;
}

/** The budget for a rerun when the first reply came out too large: a few cards, then one artifact. */
const SMALL_BUDGET = 4096;

interface Upload {
  requester: string;
  parts: (Uint8Array | undefined)[];
}

/**
 * Who sent a request, as far as the hub lets us tell: the NATS user whose inbox the reply goes
 * to (`_INBOX.<user>.…`, the per-user inbox prefix the hub's permissions enforce), else the
 * whole reply subject's first tokens.
 */
export function requesterOf(replyTo: string | undefined): string {
  if (!replyTo) return '?';
  const t = replyTo.split('.');
  return t[0] === '_INBOX' && t.length > 2 ? t[1]! : t.slice(0, 2).join('.');
}

export class NatsResponder {
  private readonly subs: BusSubscription[] = [];
  private readonly limits: ResponderLimits;
  private readonly clock: Clock;
  private readonly replies: ExpiringMap<Uint8Array[]>;
  private readonly uploads: ExpiringMap<Upload>;

  constructor(
    private readonly bus: MeshBus,
    private readonly subjects: Subjects,
    private readonly answerer: SyncAnswerer,
    private readonly opts: ResponderOptions,
  ) {
    this.limits = { ...DEFAULT_RESPONDER_LIMITS, ...opts.limits };
    this.clock = opts.clock ?? realClock;
    this.replies = new ExpiringMap(this.clock, undefined, 64, this.limits.maxReplyBytes);
    this.uploads = new ExpiringMap(this.clock, undefined, this.limits.maxUploads + 1, Number.POSITIVE_INFINITY);
  }

  /**
   * Subscribe to the project's sync subjects. Resolves with the server's refusal when this
   * connection may not answer for the project (the hub grants that to its servers and writers);
   * nothing stays subscribed then.
   */
  async start(): Promise<Error | undefined> {
    const cb = (m: BusMessage) => {
      this.onMessage(m).catch((e: Error) => this.opts.onError?.(e));
    };
    this.subs.push(this.bus.subscribe(this.subjects.sync, cb, { queue: this.subjects.queueGroup }));
    this.subs.push(this.bus.subscribe(this.subjects.syncPeer(this.opts.peerId), cb));
    await this.bus.flush();
    const refused = this.subs.find((s) => s.refusal)?.refusal;
    if (refused) this.stop();
    return refused;
  }

  stop(): void {
    for (const s of this.subs.splice(0)) s.unsubscribe();
  }

  /** Bytes held for uploads in progress and chunked replies (for tests and status). */
  held(): { uploads: number; replies: number } {
    return { uploads: this.uploads.bytes, replies: this.replies.bytes };
  }

  private replyHeaders(): Record<string, string> {
    return { [HDR_PEER]: this.opts.peerId };
  }

  private fail(m: BusMessage, text: string): void {
    m.respond(new Uint8Array(0), { ...this.replyHeaders(), [HDR_ERROR]: text.replace(/[\r\n]+/g, ' ').slice(0, 500) });
  }

  /** What fits one message on this connection and the client's. */
  private limitFor(h: BusHeaders | undefined): number {
    const own = this.bus.maxPayload;
    const theirs = Number(h?.get(HDR_MAX_PAYLOAD) || own);
    return bodyLimit(Math.min(own, Number.isFinite(theirs) && theirs > 0 ? theirs : own));
  }

  private async onMessage(m: BusMessage): Promise<void> {
    const h = m.headers;
    const fetch = h?.get(HDR_FETCH);
    if (fetch) return this.fetchPart(m, fetch);
    const upload = h?.get(HDR_UPLOAD);
    if (upload) return this.uploadPart(m, upload);
    return this.answer(m, m.data);
  }

  private fetchPart(m: BusMessage, spec: string): void {
    const [id, index] = spec.split(' ');
    const parts = this.replies.get(id ?? '');
    const part = parts?.[Number(index)];
    if (!parts || !part) return this.fail(m, 'gone');
    if (Number(index) === parts.length - 1) this.replies.delete(id!);
    m.respond(part, this.replyHeaders());
  }

  private async uploadPart(m: BusMessage, spec: string): Promise<void> {
    const [id = '', i = '', n = ''] = spec.split(' ');
    const index = Number(i);
    const count = Number(n);
    if (!/^[0-9a-f]{16}$/.test(id) || !Number.isInteger(index) || !Number.isInteger(count) || count < 1 || index < 0 || index >= count) {
      return this.fail(m, 'bad upload header');
    }
    const limit = this.limitFor(m.headers);
    const L = this.limits;
    // Judged before the part is kept: what the whole upload will hold, and what is held already.
    if (count * limit > L.maxRequestBytes + limit || m.data.length > limit) {
      this.uploads.delete(id);
      return this.fail(m, `upload too large: at most ${L.maxRequestBytes} bytes`);
    }
    const requester = requesterOf(m.replyTo);
    let up = this.uploads.get(id);
    if (up && up.requester !== requester) return this.fail(m, 'bad upload header');
    if (!up) {
      const mine = this.uploads.values().filter((u) => u.requester === requester).length;
      if (this.uploads.size >= L.maxUploads || mine >= L.maxUploadsPerRequester) {
        return this.fail(m, 'busy: too many uploads in progress, try again later');
      }
      up = { requester, parts: new Array<Uint8Array | undefined>(count).fill(undefined) };
      this.uploads.set(id, up, 0);
    }
    if (up.parts.length !== count) return this.fail(m, 'bad upload header');
    if (this.uploads.bytes + m.data.length > L.maxUploadBytes) {
      this.uploads.delete(id);
      return this.fail(m, 'busy: too much upload data in progress, try again later');
    }
    // Copy: the message buffer is not ours to keep.
    const old = up.parts[index]?.length ?? 0;
    up.parts[index] = m.data.slice();
    this.uploads.grow(id, m.data.length - old);
    if (index < count - 1) {
      m.respond(new Uint8Array(0), { ...this.replyHeaders(), [HDR_ACK]: String(index) });
      return;
    }
    this.uploads.delete(id);
    if (up.parts.some((p) => p === undefined)) return this.fail(m, 'gone');
    return this.answer(m, joinParts(up.parts as Uint8Array[]));
  }

  private async answer(m: BusMessage, request: Uint8Array): Promise<void> {
    const started = this.clock.now();
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
        this.replies.set(id, parts, reply.length);
        headers[HDR_PARTS] = String(parts.length);
        headers[HDR_REPLY] = id;
        reply = parts[0]!;
      }
    }
    m.respond(reply, headers);
    this.opts.log?.(`${m.subject}: ${request.length} B in, ${reply.length} B out${headers[HDR_PARTS] ? ` (part 1 of ${headers[HDR_PARTS]})` : ''}, ${this.clock.now() - started} ms`);
  }
}
