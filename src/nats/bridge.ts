/**
 * The bridge: a stock `fossil server` on the NATS mesh. It answers sync for the project by
 * forwarding to fossil's HTTP /xfer, announces itself as kind `bridge` (leaves push new
 * check-ins to it, since fossil cannot listen for announcements), and watches fossil for new
 * artifacts by asking for its unclustered igot list every few seconds (any new artifact shows
 * there, or as a new cluster), announcing a change on `.commit` so leaves pull it at once.
 */
import { createHash } from 'node:crypto';
import type { MeshBus } from '../mesh/bus.ts';
import { CardReader } from '../sync/card-parser.ts';
import { CardWriter } from '../sync/card-writer.ts';
import { decodeBody, encodeBody, XFER_CONTENT_TYPE } from '../sync/envelope.ts';
import { VERSION_ARGS } from '../sync/peer-version.ts';
import type { SyncTransport } from '../sync/transport.ts';
import { HttpForwardAnswerer } from './http-forward.ts';
import { Presence } from './presence.ts';
import { NatsResponder } from './responder.ts';
import { Subjects } from './subjects.ts';
import { DEFAULT_PREFIX, type CommitAnnouncement } from './wire.ts';

export interface BridgeOptions {
  peerId: string;
  name?: string;
  prefix?: string;
  /** How often to ask fossil for what it has (default 2 s; 0 = never). */
  pollMs?: number;
  log?: (line: string) => void;
}

const enc = new TextEncoder();

export class FossilBridge {
  readonly subjects: Subjects;
  private readonly responder: NatsResponder;
  private readonly presence: Presence;
  private timer: ReturnType<typeof setInterval> | undefined;
  private known: Set<string> | undefined;
  private polling = false;

  constructor(
    private readonly bus: MeshBus,
    private readonly http: SyncTransport,
    projectCode: string,
    private readonly opts: BridgeOptions,
  ) {
    this.subjects = new Subjects(projectCode, opts.prefix ?? DEFAULT_PREFIX);
    this.responder = new NatsResponder(bus, this.subjects, new HttpForwardAnswerer(http), {
      peerId: opts.peerId,
      // What a peer pushed through us is news for the others.
      onAnswered: () => void this.poll(),
      onError: (e) => opts.log?.(`bridge: ${e.message}`),
    });
    this.presence = new Presence(bus, this.subjects, {
      peerId: opts.peerId, name: opts.name ?? opts.peerId, kind: 'bridge', serves: [projectCode],
    });
  }

  async start(): Promise<void> {
    const refused = await this.responder.start();
    if (refused) throw new Error(`the hub does not let this NATS user answer for project ${this.subjects.projectCode}: ${refused.message}`);
    this.presence.setServes([this.subjects.projectCode]);
    this.presence.start();
    await this.poll();
    const every = this.opts.pollMs ?? 2000;
    if (every > 0) this.timer = setInterval(() => void this.poll(), every);
  }

  /** Ask fossil for its igot list; announce when it gained artifacts. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const w = new CardWriter();
      w.pragma('client-version', ...VERSION_ARGS);
      w.pull('x', this.subjects.projectCode);
      const reply = await this.http.exchange({ contentType: XFER_CONTENT_TYPE, body: encodeBody(w.finish(), XFER_CONTENT_TYPE) });
      const text = decodeBody(reply.body, reply.contentType).text;
      const now = new Set<string>();
      const reader = new CardReader(text);
      for (let c = reader.next(); c !== undefined; c = reader.next()) {
        if (c.kind === 'igot' && !c.isPrivate) now.add(c.hash);
        if (c.kind === 'error') throw new Error(`fossil says: ${c.text}`);
      }
      const before = this.known;
      this.known = now;
      if (!before) return;
      const fresh = [...now].filter((h) => !before.has(h));
      if (fresh.length === 0) return;
      // Any new hash will do: a peer that lacks it pulls, and gets everything new with it.
      const a: CommitAnnouncement = { rid: 0, uuid: fresh[fresh.length - 1]!, peer_id: this.opts.peerId };
      this.bus.publish(this.subjects.commit, enc.encode(JSON.stringify(a)));
      this.opts.log?.(`fossil gained ${fresh.length} artifacts; announced`);
    } catch (e) {
      this.opts.log?.(`polling fossil failed: ${(e as Error).message}`);
    } finally {
      this.polling = false;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.responder.stop();
    this.presence.stop();
  }
}

/** A bridge's default peer id: from the fossil URL, so a restarted bridge keeps it. */
export function bridgePeerId(fossilUrl: string): string {
  return `bridge-${createHash('sha1').update(fossilUrl).digest('hex').slice(0, 10)}`;
}
