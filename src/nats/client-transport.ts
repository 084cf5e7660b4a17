/**
 * The client side of sync over NATS: each round is a request on `<prefix>.<code>.sync` (any
 * responder of the queue group) or `.sync.<peer>`, with our extensions (wire.ts): replies larger
 * than max_payload arrive in parts, requests larger than it go up in parts.
 *
 * Once a responder names itself (Edgesync-Peer), the session sticks to it: a clone counts the
 * server's rids, so every round must reach the same repository. If that responder disappears,
 * requests are retried on its subject for a while (a restarted leaf keeps its peer id); a
 * session that is not a clone then falls back to the whole queue group.
 */
import { BusError, type BusHeaders, type MeshBus } from '../mesh/bus.ts';
import { realClock, type Clock } from '../mesh/clock.ts';
import { decodeBody, encodeBody, XFER_CONTENT_TYPE } from '../sync/envelope.ts';
import { TransportError, type SyncTransport, type WireMessage } from '../sync/transport.ts';
import { oversizeText } from './oversize.ts';
import { joinParts, randomId, splitBody } from './parts.ts';
import type { Subjects } from './subjects.ts';
import {
  bodyLimit, DEFAULT_REQUEST_TIMEOUT_MS, EXT_VERSION, HDR_ACK, HDR_ERROR, HDR_EXT, HDR_FETCH, HDR_MAX_PAYLOAD, HDR_PARTS, HDR_PEER,
  HDR_REPLY, HDR_UPLOAD,
} from './wire.ts';
import { VERSION_ARGS } from '../sync/peer-version.ts';

export interface NatsTransportOptions {
  /** Ask this responder only. */
  peer?: string;
  /** Per request (default 30 s, as the Go peers). */
  timeoutMs?: number;
  /** How long to keep retrying a responder that went away, from when it is found gone (default 30 s). */
  retryForMs?: number;
  /**
   * How long to keep asking while no responder has answered yet and the server says nobody
   * listens for the project (default: as long as `retryForMs`). Short for a clone: a hub that
   * answers for no such project should be told at once, not after the retries meant for a
   * restarting leaf.
   */
  firstContactMs?: number;
  label?: string;
  clock?: Clock;
}

interface Reply {
  data: Uint8Array;
  headers?: BusHeaders;
}

/** A request that may be retried: the responder is gone, or never answered. */
class Unreachable extends Error {
  constructor(
    message: string,
    /** The server said nobody subscribes to the subject (rather than: nobody answered in time). */
    readonly noResponders: boolean,
  ) {
    super(message);
  }
}

/** A chunked reply whose remaining parts are gone: repeat the whole request. */
class PartsGone extends Error {}

const enc = new TextEncoder();

export class NatsTransport implements SyncTransport {
  readonly label: string;
  private stickyPeer: string | undefined;
  /** Our responders answered here; a plain Go peer leaves this false. */
  private peerSpeaksExt = false;
  /** A responder has answered in this session: the project is served here. */
  private answered = false;
  private readonly clock: Clock;

  constructor(
    private readonly bus: MeshBus,
    private readonly subjects: Subjects,
    private readonly opts: NatsTransportOptions = {},
  ) {
    this.clock = opts.clock ?? realClock;
    this.stickyPeer = opts.peer;
    this.label = opts.label ?? `nats ${subjects.prefix}.${subjects.projectCode.slice(0, 10)}`;
  }

  /** The responder the session talks to, once one named itself. */
  get peer(): string | undefined {
    return this.stickyPeer;
  }

  async exchange(request: WireMessage): Promise<WireMessage> {
    const body = toEnvelope(request);
    // The session says whether it clones (client-session.ts); nothing here reads the cards.
    const isClone = request.isClone === true;
    const started = this.clock.now();
    // Counted from the first failure: a request lost with its responder's server (a cluster node
    // that died) is found out only when it times out, and the retries must come after that.
    let retryUntil: number | undefined;
    const firstContactUntil = this.opts.firstContactMs === undefined ? Infinity : started + this.opts.firstContactMs;
    let failures = 0;
    for (;;) {
      try {
        const reply = await this.once(body);
        return { contentType: XFER_CONTENT_TYPE, body: reply };
      } catch (e) {
        if (!(e instanceof Unreachable) && !(e instanceof PartsGone)) throw e;
        failures++;
        retryUntil ??= this.clock.now() + (this.opts.retryForMs ?? 30_000);
        if (e instanceof Unreachable && e.noResponders && !this.answered && this.clock.now() > firstContactUntil) {
          throw new TransportError(`${this.label}: no peer on this hub serves project ${this.subjects.projectCode}`, undefined, undefined, { code: 'no-peer', cause: e });
        }
        if (this.clock.now() > retryUntil) {
          throw new TransportError(`${this.label}: ${e.message}`, undefined, undefined, { code: e instanceof Unreachable ? 'no-peer' : 'unreachable', cause: e });
        }
        // A non-clone session may go on with any responder of the group.
        if (!isClone && this.stickyPeer !== undefined && this.opts.peer === undefined && failures >= 2) this.stickyPeer = undefined;
        await this.clock.sleep(Math.min(2000, 100 * 2 ** Math.min(failures, 5)));
      }
    }
  }

  private subject(): string {
    return this.stickyPeer !== undefined ? this.subjects.syncPeer(this.stickyPeer) : this.subjects.sync;
  }

  private async once(body: Uint8Array): Promise<Uint8Array> {
    const limit = bodyLimit(this.bus.maxPayload);
    let reply: Reply;
    if (body.length <= limit) {
      reply = await this.request(this.subject(), body, this.extHeaders());
    } else {
      reply = await this.upload(body, limit);
    }
    return this.collect(reply);
  }

  private extHeaders(): Record<string, string> {
    return { [HDR_EXT]: EXT_VERSION, [HDR_MAX_PAYLOAD]: String(this.bus.maxPayload) };
  }

  private async request(subject: string, data: Uint8Array, headers: Record<string, string>): Promise<Reply> {
    let m;
    try {
      m = await this.bus.request(subject, data, { timeoutMs: this.opts.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, headers });
    } catch (e) {
      if (e instanceof BusError && (e.code === 'no-responders' || e.code === 'timeout')) throw new Unreachable(e.message, e.code === 'no-responders');
      throw new TransportError(`${this.label}: ${(e as Error).message}`, undefined, e instanceof BusError ? e.code : undefined);
    }
    this.answered = true;
    const h = m.headers;
    const peer = h?.get(HDR_PEER);
    if (peer) {
      this.peerSpeaksExt = true;
      if (this.stickyPeer === undefined) this.stickyPeer = peer;
    }
    return { data: m.data, headers: h };
  }

  /** The whole reply body, fetching the remaining parts of a chunked one. */
  private async collect(first: Reply): Promise<Uint8Array> {
    const h = first.headers;
    const err = h?.get(HDR_ERROR);
    if (err) throw new TransportError(`${this.label}: responder says: ${err}`);
    const parts = Number(h?.get(HDR_PARTS) || 1);
    if (first.data.length === 0) throw new TransportError(`${this.label}: the responder failed (empty reply)`);
    if (parts <= 1) return first.data;
    const id = h!.get(HDR_REPLY);
    const peer = h!.get(HDR_PEER);
    if (!id || !peer) throw new TransportError(`${this.label}: chunked reply without id or peer`);
    const all = [first.data];
    for (let i = 1; i < parts; i++) {
      let r: Reply;
      try {
        r = await this.request(this.subjects.syncPeer(peer), new Uint8Array(0), { [HDR_FETCH]: `${id} ${i}` });
      } catch (e) {
        if (e instanceof Unreachable) throw new PartsGone(`lost the responder in the middle of a chunked reply`);
        throw e;
      }
      if (r.headers?.get(HDR_ERROR)) throw new PartsGone(`part ${i} of reply ${id}: ${r.headers.get(HDR_ERROR)}`);
      all.push(r.data);
    }
    return joinParts(all);
  }

  /** Send a request too large for one message in parts to a responder that takes them. */
  private async upload(body: Uint8Array, limit: number): Promise<Reply> {
    if (!this.peerSpeaksExt || this.stickyPeer === undefined) {
      // Learn who answers, with a request every fossil peer takes.
      const probe = encodeBody(enc.encode(`pragma client-version ${VERSION_ARGS.join(' ')}\n`), XFER_CONTENT_TYPE);
      await this.request(this.subject(), probe, this.extHeaders());
    }
    const peer = this.stickyPeer;
    if (!this.peerSpeaksExt || peer === undefined) {
      throw new TransportError(`${this.label}: ${oversizeText(body, limit, 'the responder')}`);
    }
    const parts = splitBody(body, limit);
    const id = randomId();
    for (let i = 0; i < parts.length; i++) {
      const h = { ...this.extHeaders(), [HDR_UPLOAD]: `${id} ${i} ${parts.length}` };
      const r = await this.request(this.subjects.syncPeer(peer), parts[i]!, h);
      if (r.headers?.get(HDR_ERROR)) throw new PartsGone(`upload ${id}: ${r.headers.get(HDR_ERROR)}`);
      if (i < parts.length - 1) {
        if (r.headers?.get(HDR_ACK) !== String(i)) throw new TransportError(`${this.label}: upload part ${i} not acknowledged`);
      } else {
        return r;
      }
    }
    throw new Error('unreachable');
  }
}

/** NATS carries no content type: always the compressed envelope. */
function toEnvelope(m: WireMessage): Uint8Array {
  const t = m.contentType.split(';')[0]!.trim().toLowerCase();
  if (t === XFER_CONTENT_TYPE) return m.body;
  return encodeBody(decodeBody(m.body, m.contentType).text, XFER_CONTENT_TYPE);
}
