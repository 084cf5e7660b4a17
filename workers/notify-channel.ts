/**
 * One repository's chat in the browser: its notify project on the repository's hub. It keeps
 * what arrived in IndexedDB (so the chat shows offline and after a reload), follows the hub's
 * stream from the last sequence it stored (so what was sent while this browser was closed or
 * offline arrives once, in order), sends through JetStream with the message id as dedup key
 * (written offline, a message waits in the outbox and goes out on reconnect), keeps read marks
 * per thread, and announces itself in the project's presence.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import type { NatsAuth } from '../src/nats/nats-url.ts';
import type { Presence } from '../src/nats/presence.ts';
import { newMessage, priorityOf, timestampMs, type NotifyMessage } from '../src/notify/message.ts';
import { notifyPresence } from '../src/notify/presence.ts';
import { followStream, openNotifyJs, publishMessage, type Follower, type NotifyJs, type StreamEntry } from '../src/notify/stream.ts';
import { ThreadBook, type StoredMessage } from '../src/notify/threads.ts';
import type { ConnectionState, PeerEvent } from '../src/peer/api-types.ts';
import type { ChatSendRequest, ChatView } from '../src/peer/notify-types.ts';
import { errorMessage } from '../src/peer/error-report.ts';
import { CodedError } from '../src/errors.ts';
import type { HubLink } from './hub-links.ts';
import { idbGet, idbSet } from './idb-kv.ts';

/** What one channel stores (one IndexedDB value per repository). */
interface Saved {
  project: string;
  /** The project was chosen in the chat's settings (else it is the repository's default). */
  chosen?: boolean;
  /**
   * What was in the hub's stream when this browser started following the project (its last
   * sequence then) is history: shown, never unread. `fresh`: started, the hub not asked yet.
   */
  historyUpTo?: number;
  fresh?: boolean;
  lastSeq: number;
  read: Record<string, number>;
  messages: StoredMessage[];
  outbox: NotifyMessage[];
}

/** Messages kept in the browser per repository; the hub keeps more. */
const KEEP = 5000;
/** Older than this, an urgent message that arrives late is listed, not alerted. */
const ALERT_MAX_AGE_MS = 24 * 3600_000;

export interface Self {
  id: string;
  name: string;
  /** A name was given (else it is the generated "Browser …"). */
  named?: boolean;
}

export class NotifyChannel {
  private book = new ThreadBook();
  private saved: Saved;
  private n: NotifyJs | undefined;
  private follower: Follower | undefined;
  private presence: Presence | undefined;
  private state: ConnectionState = 'connecting';
  private error: string | undefined;
  private closed = false;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private emitTimer: ReturnType<typeof setTimeout> | undefined;
  private alerts: NotifyMessage[] = [];
  /** Bumps on every (re)start, so a stale connection's callbacks do nothing. */
  private generation = 0;

  private constructor(
    readonly repo: string,
    saved: Saved,
    private readonly self: () => Self,
    private readonly link: HubLink | undefined,
    private readonly emit: (e: PeerEvent) => void,
  ) {
    this.saved = saved;
    for (const m of saved.messages) this.book.add(m);
    this.book.lastSeq = saved.lastSeq;
    if (!link) this.state = 'none';
  }

  /** `legacyProject`: the default before chats followed the project code; such a chat moves to `defaultProject`. */
  static async open(repo: string, defaultProject: string, legacyProject: string, self: () => Self, hub: { link: HubLink; auth?: NatsAuth } | undefined, emit: (e: PeerEvent) => void): Promise<NotifyChannel> {
    let saved = await idbGet<Saved>(`chat:${repo}`);
    if (saved && !saved.chosen && saved.project === legacyProject && saved.project !== defaultProject) {
      // Written while the default was the local name: it moves to the project code, its
      // unsent messages with it.
      saved = { project: defaultProject, lastSeq: 0, read: {}, messages: [], outbox: saved.outbox.map((m) => ({ ...m, project: defaultProject })), fresh: true };
    }
    saved ??= { project: defaultProject, lastSeq: 0, read: {}, messages: [], outbox: [], fresh: true };
    const c = new NotifyChannel(repo, saved, self, hub?.link, emit);
    c.start();
    return c;
  }

  get project(): string {
    return this.saved.project;
  }

  private start(): void {
    if (!this.link) return;
    const gen = ++this.generation;
    this.link.whenConnected((nc) => void this.attach(nc, gen));
  }

  /** Open the stream (retrying while the hub is unreachable), then follow it and flush the outbox. */
  private async attach(nc: NatsConnection, gen: number): Promise<void> {
    for (let attempt = 0; !this.closed && gen === this.generation; attempt++) {
      try {
        const n = await openNotifyJs(nc);
        if (this.closed || gen !== this.generation) return;
        this.n = n;
        const last = (await n.jsm.streams.info(n.stream)).state.last_seq;
        // A stream made anew numbers from 1 again: read it all; ids keep duplicates out.
        if (this.saved.lastSeq > last) this.saved.lastSeq = 0;
        if (this.saved.fresh) {
          this.saved.historyUpTo = last;
          delete this.saved.fresh;
        }
        this.follower = await followStream(n, { project: this.project, fromSeq: this.saved.lastSeq + 1 }, (e) => this.receive(e, gen));
        this.presence = notifyPresence(nc, this.project, { peerId: this.self().id, name: this.self().name, kind: 'browser', serves: [] });
        this.presence.start();
        this.setState('connected');
        void this.watchConnection(nc, gen);
        await this.flushOutbox();
        return;
      } catch (e) {
        this.setState('offline', errorMessage(e));
        await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** Math.min(attempt, 5))));
      }
    }
  }

  private async watchConnection(nc: NatsConnection, gen: number): Promise<void> {
    for await (const s of nc.status()) {
      if (this.closed || gen !== this.generation) return;
      if (s.type === 'disconnect') this.setState('offline', 'Lost the hub; reconnecting…');
      else if (s.type === 'reconnect') {
        this.setState('connected');
        this.presence?.announce('online');
        this.presence?.query();
        void this.flushOutbox();
      }
    }
  }

  private setState(state: ConnectionState, error?: string): void {
    this.state = state;
    this.error = error;
    this.changed();
  }

  private receive(e: StreamEntry, gen: number): void {
    if (gen !== this.generation || e.seq <= this.saved.lastSeq) return;
    this.saved.lastSeq = e.seq;
    const m = e.message;
    if (m && m.project === this.project && this.book.add({ seq: e.seq, message: m })) {
      this.saved.messages.push({ seq: e.seq, message: m });
      if (this.saved.historyUpTo !== undefined && e.seq <= this.saved.historyUpTo) this.saved.read[m.thread] = Math.max(this.saved.read[m.thread] ?? 0, e.seq);
      if (this.saved.messages.length > KEEP) this.saved.messages.splice(0, this.saved.messages.length - KEEP);
      this.saved.outbox = this.saved.outbox.filter((o) => o.id !== m.id);
      if (m.from !== this.self().id && priorityOf(m) !== 'info' && Date.now() - timestampMs(m.timestamp) < ALERT_MAX_AGE_MS) this.alerts.push(m);
    }
    this.changed();
  }

  /** Save and tell the UI, at most every 100 ms (a backlog arrives as hundreds of messages at once). */
  private changed(): void {
    this.saveTimer ??= setTimeout(() => {
      this.saveTimer = undefined;
      void idbSet(`chat:${this.repo}`, this.saved).catch((e) => this.emit({ type: 'log', repo: this.repo, text: `chat not saved: ${errorMessage(e)}` }));
    }, 100);
    this.emitTimer ??= setTimeout(() => {
      this.emitTimer = undefined;
      this.emit({ type: 'notify', repo: this.repo, unread: this.unread() });
      const fresh = this.alerts.splice(0).filter((m) => (this.saved.read[m.thread] ?? 0) < this.seqOf(m));
      if (fresh.length) this.emit({ type: 'notify-alert', repo: this.repo, messages: fresh.slice(-3) });
    }, 100);
  }

  private seqOf(m: NotifyMessage): number {
    return this.book.messages(m.thread).find((s) => s.message.id === m.id)?.seq ?? 0;
  }

  private unread(): number {
    return this.book.threads(this.saved.read, this.self().id).reduce((n, t) => n + t.unread, 0);
  }

  view(thread?: string): ChatView {
    const threads = this.book.threads(this.saved.read, this.self().id);
    const v: ChatView = {
      repo: this.repo,
      project: this.project,
      self: this.self(),
      connection: this.state,
      threads,
      unread: threads.reduce((n, t) => n + t.unread, 0),
      messages: thread ? this.book.messages(thread) : [],
      outbox: this.saved.outbox.filter((m) => !thread || m.thread === thread),
      online: (this.presence?.peers() ?? []).map((p) => ({ peerId: p.peer_id, name: p.name, kind: p.kind })),
    };
    if (this.error) v.error = this.error;
    return v;
  }

  async send(req: ChatSendRequest): Promise<NotifyMessage> {
    const body = req.actionResponse ? req.body : req.body.trim();
    if (!body) throw new CodedError('bad-input', 'Write something first.');
    const me = this.self();
    const m = newMessage({
      project: this.project,
      from: me.id,
      fromName: me.name,
      body,
      thread: req.thread,
      replyTo: req.replyTo,
      priority: req.priority,
      actions: req.actions,
      actionResponse: req.actionResponse,
    });
    this.saved.outbox.push(m);
    this.changed();
    await this.flushOutbox();
    return m;
  }

  private flushing: Promise<void> | undefined;
  /** Published in this session; each stays in the outbox (shown as sending) until the stream delivers it back. */
  private readonly sent = new Set<string>();

  /**
   * Publish what waits in the outbox, oldest first; stop at the first failure (offline). A retry
   * after a reload is harmless: the stream drops a repeated id, receivers too.
   */
  private flushOutbox(): Promise<void> {
    this.flushing ??= (async () => {
      // Yield first: a body that finished synchronously would clear `flushing` before it is set.
      await null;
      try {
        for (const m of [...this.saved.outbox]) {
          if (!this.n || this.state !== 'connected') break;
          if (this.sent.has(m.id) || this.book.has(m.id)) continue;
          await publishMessage(this.n, m);
          this.sent.add(m.id);
        }
      } catch (e) {
        this.emit({ type: 'log', repo: this.repo, text: `chat: sending later (${errorMessage(e)})` });
      } finally {
        this.flushing = undefined;
        this.changed();
      }
    })();
    return this.flushing;
  }

  markRead(thread: string): void {
    const list = this.book.messages(thread);
    const seq = list[list.length - 1]?.seq ?? 0;
    if ((this.saved.read[thread] ?? 0) >= seq) return;
    this.saved.read[thread] = seq;
    this.changed();
  }

  /** Move the chat to another project name (starts over on that project's messages). */
  async setProject(project: string): Promise<void> {
    if (project === this.project) return;
    this.stopFollowing();
    this.saved = { project, chosen: true, lastSeq: 0, read: {}, messages: [], outbox: [], fresh: true };
    this.book = new ThreadBook();
    await idbSet(`chat:${this.repo}`, this.saved);
    this.state = this.link ? 'connecting' : 'none';
    this.start();
    this.changed();
  }

  private stopFollowing(): void {
    this.generation++;
    this.follower?.stop();
    this.follower = undefined;
    this.presence?.stop();
    this.presence = undefined;
    this.n = undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopFollowing();
    clearTimeout(this.saveTimer);
    clearTimeout(this.emitTimer);
    await idbSet(`chat:${this.repo}`, this.saved).catch(() => undefined);
  }
}
