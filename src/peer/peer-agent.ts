/**
 * One repository of a browser peer on a NATS hub: it answers sync requests for the repository
 * (so browsers sync with each other through a bare hub), announces every check-in it gains,
 * pulls at once when another peer announces one it lacks, shows itself in presence as a
 * `browser`, and catches up after a reconnect. The same wire as the Node leaf (src/nats); only
 * the file watching is left out, since nobody else writes a browser's storage.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import { CheckinTracker } from '../nats/checkin-tracker.ts';
import { NatsTransport } from '../nats/client-transport.ts';
import { parseCommitAnnouncement } from '../nats/commit-announcement.ts';
import { Presence } from '../nats/presence.ts';
import { RepoAnswerer } from '../nats/repo-answerer.ts';
import { NatsResponder } from '../nats/responder.ts';
import { Subjects } from '../nats/subjects.ts';
import { DEFAULT_PREFIX, type CommitAnnouncement } from '../nats/wire.ts';
import type { Repository } from '../repo/repository.ts';
import { syncWith } from '../sync/client-session.ts';
import type { PeerEvent, PeerInfo, SyncProgress } from './api-types.ts';
import { plainError, progressEvents } from './progress.ts';
import { readOutbox } from './outbox.ts';

export interface PeerAgentOptions {
  /** The repository's local name, for events. */
  repoName: string;
  peerId: string;
  name: string;
  prefix?: string;
  presenceIntervalMs?: number;
  onEvent: (e: PeerEvent) => void;
  /** After a sync that reached a peer (the worker records the time). */
  onSynced?: () => void;
}

const enc = new TextEncoder();

export class PeerAgent {
  readonly subjects: Subjects;
  private readonly presence: Presence;
  private readonly responder: NatsResponder;
  private readonly tracker: CheckinTracker;
  private unsubscribe: (() => void) | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** One sync at a time: two sessions on one repository would trip over each other. */
  private chain: Promise<unknown> = Promise.resolve();
  private readonly queued = new Set<string>();
  private lastPeers = '';
  private stopped = false;

  constructor(
    private readonly nc: NatsConnection,
    readonly repo: Repository,
    private readonly opts: PeerAgentOptions,
  ) {
    this.subjects = new Subjects(repo.projectCode, opts.prefix ?? DEFAULT_PREFIX);
    this.tracker = new CheckinTracker(repo);
    this.responder = new NatsResponder(nc, this.subjects, new RepoAnswerer(repo), {
      peerId: opts.peerId,
      // A peer may have pushed check-ins to us.
      onAnswered: () => this.checkNew('remote'),
      onError: (e) => opts.onEvent({ type: 'log', repo: opts.repoName, text: `answering a sync failed: ${e.message}` }),
    });
    this.presence = new Presence(
      nc,
      this.subjects,
      { peerId: opts.peerId, name: opts.name, kind: 'browser', serves: [repo.projectCode] },
      opts.presenceIntervalMs,
    );
  }

  start(): void {
    this.responder.start();
    const sub = this.nc.subscribe(this.subjects.commit, {
      callback: (err, m) => {
        if (err) return;
        const a = parseCommitAnnouncement(m.data);
        if (a) this.onAnnouncement(a);
      },
    });
    // A peer that (re)joins asks everyone to say who they are: tell it what we wrote, too.
    const joined = this.nc.subscribe(this.subjects.presenceQuery, { callback: () => this.announceOutbox() });
    this.unsubscribe = () => {
      sub.unsubscribe();
      joined.unsubscribe();
    };
    this.presence.start();
    this.timer = setInterval(() => this.reportPeers(), 1000);
    void this.watchStatus();
    // Whatever happened while this repository was closed: catch up once peers have answered.
    setTimeout(() => this.syncAll('sync'), 400);
  }

  peers(): PeerInfo[] {
    return this.presence
      .peers()
      .filter((p) => p.serves.includes(this.repo.projectCode))
      .map((p) => ({ peerId: p.peer_id, name: p.name, kind: p.kind }))
      .sort((a, b) => a.peerId.localeCompare(b.peerId));
  }

  private reportPeers(): void {
    const peers = this.peers();
    // A peer that just appeared (a leaf that restarted) hears what we wrote while it was away.
    if (peers.some((p) => !this.lastPeers.includes(`"${p.peerId}"`))) this.announceOutbox();
    const key = JSON.stringify(peers);
    if (key === this.lastPeers) return;
    this.lastPeers = key;
    this.opts.onEvent({ type: 'peers', repo: this.opts.repoName, peers });
  }

  private async watchStatus(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (this.stopped) return;
      if (s.type === 'reconnect') {
        this.presence.announce('online');
        this.presence.query();
        this.announceOutbox();
        // Announcements sent while we were away are lost: catch up with whoever is there.
        setTimeout(() => this.syncAll('sync'), 500);
      }
    }
  }

  /** Announce check-ins that appeared since the last look, and tell the UI. */
  checkNew(source: 'local' | 'remote'): void {
    if (this.stopped) return;
    const fresh = this.tracker.take();
    if (fresh.length === 0) return;
    for (const c of fresh) {
      const a: CommitAnnouncement = { rid: c.rid, uuid: c.uuid, peer_id: this.opts.peerId, name: this.opts.name };
      this.nc.publish(this.subjects.commit, enc.encode(JSON.stringify(a)));
    }
    this.opts.onEvent({ type: 'checkins', repo: this.opts.repoName, uuids: fresh.map((c) => c.uuid), source });
  }

  /**
   * Announce what this peer wrote and others may lack (see outbox.ts), check-ins and other
   * artifacts alike: a peer pulls from us when it lacks the hash.
   */
  announceOutbox(): void {
    if (this.stopped) return;
    const c = this.repo.content;
    for (const e of readOutbox(this.repo)) {
      const rid = c.ridOf(e.uuid);
      if (rid === undefined) continue;
      const a: CommitAnnouncement = { rid, uuid: e.uuid, peer_id: this.opts.peerId, name: this.opts.name };
      this.nc.publish(this.subjects.commit, enc.encode(JSON.stringify(a)));
    }
  }

  private onAnnouncement(a: CommitAnnouncement): void {
    if (a.peer_id === this.opts.peerId || this.stopped) return;
    const rid = this.repo.content.ridOf(a.uuid);
    if (rid !== undefined && !this.repo.content.isPhantom(rid)) return;
    void this.schedule('pull', a.peer_id);
  }

  /**
   * Sync with every peer serving this repository (leaves and other browsers); with none heard
   * of yet, with whichever responder the hub picks.
   */
  syncAll(job: 'pull' | 'sync'): Promise<SyncProgress | undefined> {
    const peers = this.peers();
    if (peers.length === 0) return this.schedule(job, undefined);
    const runs = peers.map((p) => this.schedule(job, p.peerId));
    return Promise.all(runs).then((r) => r.find((p) => p?.phase === 'failed') ?? r[r.length - 1]);
  }

  private schedule(job: 'pull' | 'sync', peer: string | undefined): Promise<SyncProgress | undefined> {
    const key = `${job} ${peer ?? '*'}`;
    // A job already waiting will fetch whatever this one would have.
    if (this.queued.has(key) || this.stopped) return Promise.resolve(undefined);
    this.queued.add(key);
    const run = this.chain.then(async () => {
      this.queued.delete(key);
      if (this.stopped) return undefined;
      return this.runSync(job, peer);
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async runSync(job: 'pull' | 'sync', peer: string | undefined): Promise<SyncProgress> {
    const progress = progressEvents(this.opts.repoName, job, this.opts.onEvent, peer);
    try {
      const transport = new NatsTransport(this.nc, this.subjects, { peer, retryForMs: 3000, timeoutMs: 20_000 });
      const r = await syncWith(this.repo, transport, { pull: true, push: job === 'sync', events: progress.events });
      this.opts.onSynced?.();
      return progress.done(r);
    } catch (e) {
      return progress.failed(plainError(e));
    } finally {
      this.checkNew('remote');
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    if (this.timer) clearInterval(this.timer);
    this.responder.stop();
    this.unsubscribe?.();
    this.presence.stop();
    this.stopped = true;
    await this.chain;
  }
}
