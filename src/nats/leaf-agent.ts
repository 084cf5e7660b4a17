/**
 * The leaf agent: one repository on a NATS mesh. It answers sync requests, announces every
 * check-in it gains (whoever wrote it: a push, a pull, or another process writing the file,
 * noticed through SQLite's data_version), pulls at once from any peer that announces a check-in
 * it lacks, pushes new check-ins to bridges (a stock fossil server cannot listen), and runs a
 * slow safety sync with every serving peer it knows, also right after reconnecting to a hub.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Repository } from '../repo/repository.ts';
import { syncWith, type LoginInfo } from '../sync/client-session.ts';
import { CheckinTracker, type NewCheckin } from './checkin-tracker.ts';
import { parseCommitAnnouncement } from './commit-announcement.ts';
import { NatsTransport } from './client-transport.ts';
import { Presence } from './presence.ts';
import { RepoAnswerer } from './repo-answerer.ts';
import { NatsResponder } from './responder.ts';
import { Subjects } from './subjects.ts';
import { DEFAULT_PREFIX, type CommitAnnouncement, type PeerKind } from './wire.ts';

export interface LeafOptions {
  peerId: string;
  name?: string;
  kind?: PeerKind;
  prefix?: string;
  /** How often to look for check-ins written by other processes (default 500 ms). */
  watchMs?: number;
  /**
   * The repository file: watched too, so that a write by another process is noticed within
   * milliseconds rather than at the next look.
   */
  file?: string;
  /** Full sync with every known peer this often (default 5 min; 0 = never). */
  safetySyncMs?: number;
  presenceIntervalMs?: number;
  /** Login for the syncs this leaf starts (pushes to a bridge usually need one). */
  login?: LoginInfo;
  log?: (line: string) => void;
}

const enc = new TextEncoder();

// Moved to a platform-free module; re-exported for existing importers.
export { parseCommitAnnouncement } from './commit-announcement.ts';

type Job = 'pull' | 'sync';

export class LeafAgent {
  readonly subjects: Subjects;
  readonly presence: Presence;
  private readonly responder: NatsResponder;
  private readonly tracker: CheckinTracker;
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private unsubscribeCommit: (() => void) | undefined;
  private watcher: FSWatcher | undefined;
  private lookSoon: ReturnType<typeof setTimeout> | undefined;
  /** Outgoing syncs run one at a time: two sessions on one repository would trip over each other. */
  private chain: Promise<void> = Promise.resolve();
  private readonly queued = new Set<string>();
  private stopped = false;
  /** Resolves when the work queued so far is done (tests, clean stop). */
  idle(): Promise<void> {
    return this.chain;
  }

  constructor(
    private readonly nc: NatsConnection,
    readonly repo: Repository,
    private readonly opts: LeafOptions,
  ) {
    this.subjects = new Subjects(repo.projectCode, opts.prefix ?? DEFAULT_PREFIX);
    this.tracker = new CheckinTracker(repo);
    this.responder = new NatsResponder(nc, this.subjects, new RepoAnswerer(repo), {
      peerId: opts.peerId,
      onAnswered: () => this.checkNew(),
      onError: (e) => this.log(`responder: ${e.message}`),
    });
    this.presence = new Presence(
      nc,
      this.subjects,
      { peerId: opts.peerId, name: opts.name ?? opts.peerId, kind: opts.kind ?? 'leaf', serves: [repo.projectCode] },
      opts.presenceIntervalMs,
    );
  }

  get peerId(): string {
    return this.opts.peerId;
  }

  private log(line: string): void {
    this.opts.log?.(`[${this.repo.projectCode.slice(0, 10)}] ${line}`);
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
    this.unsubscribeCommit = () => sub.unsubscribe();
    this.presence.start();
    const watch = setInterval(() => {
      if (this.tracker.changedElsewhere()) this.checkNew();
    }, this.opts.watchMs ?? 500);
    this.timers.push(watch);
    if (this.opts.file) this.watchFile(this.opts.file);
    const safety = this.opts.safetySyncMs ?? 300_000;
    if (safety > 0) this.timers.push(setInterval(() => this.safetySync(), safety));
    void this.watchStatus();
  }

  private watchFile(file: string): void {
    try {
      this.watcher = watch(file, { persistent: false }, () => {
        // A write comes in bursts; data_version only moves once the writer commits. Look a
        // moment later; the periodic look catches anything this misses.
        if (this.lookSoon) return;
        this.lookSoon = setTimeout(() => {
          this.lookSoon = undefined;
          if (this.tracker.changedElsewhere()) this.checkNew();
        }, 15);
      });
      this.watcher.on('error', () => undefined);
    } catch {
      // Not every file system can be watched; polling still works.
    }
  }

  private async watchStatus(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (this.stopped) return;
      if (s.type === 'disconnect') this.log('lost the NATS server; reconnecting');
      if (s.type === 'reconnect') {
        this.log('reconnected');
        this.presence.announce('online');
        this.presence.query();
        // Announcements sent while we were away are lost: catch up with whoever is there.
        setTimeout(() => this.safetySync(), 1000).unref?.();
      }
    }
  }

  /** Announce check-ins that appeared since the last look; push them to bridges. */
  checkNew(): NewCheckin[] {
    if (this.stopped) return [];
    const fresh = this.tracker.take();
    for (const c of fresh) {
      const a: CommitAnnouncement = { rid: c.rid, uuid: c.uuid, peer_id: this.opts.peerId };
      if (this.opts.name) a.name = this.opts.name;
      this.nc.publish(this.subjects.commit, enc.encode(JSON.stringify(a)));
      this.log(`announced check-in ${c.uuid.slice(0, 12)}`);
    }
    if (fresh.length > 0) {
      for (const p of this.presence.peers()) if (p.kind === 'bridge') this.schedule('sync', p.peer_id);
    }
    return fresh;
  }

  private onAnnouncement(a: CommitAnnouncement): void {
    if (a.peer_id === this.opts.peerId || this.stopped) return;
    const c = this.repo.content;
    const rid = c.ridOf(a.uuid);
    if (rid !== undefined && !c.isPhantom(rid)) return;
    this.schedule('pull', a.peer_id);
  }

  /** Sync with every serving peer we know of. */
  safetySync(): void {
    for (const p of this.presence.peers()) {
      if (p.kind !== 'browser' && p.serves.includes(this.repo.projectCode)) this.schedule('sync', p.peer_id);
    }
  }

  private schedule(job: Job, peer: string): void {
    const key = `${job} ${peer}`;
    // A job already waiting will see whatever this request would have fetched.
    if (this.queued.has(key) || this.stopped) return;
    this.queued.add(key);
    this.chain = this.chain.then(async () => {
      this.queued.delete(key);
      if (this.stopped) return;
      const started = Date.now();
      try {
        const transport = new NatsTransport(this.nc, this.subjects, { peer, retryForMs: 3000 });
        const r = await syncWith(this.repo, transport, { pull: true, push: job === 'sync', login: this.opts.login });
        if (r.artifactsReceived || r.artifactsSent) {
          this.log(`${job} with ${peer}: ${r.artifactsReceived} received, ${r.artifactsSent} sent, ${Date.now() - started} ms`);
        }
      } catch (e) {
        this.log(`${job} with ${peer} failed: ${(e as Error).message}`);
      }
      this.checkNew();
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    for (const t of this.timers.splice(0)) clearInterval(t);
    this.watcher?.close();
    if (this.lookSoon) clearTimeout(this.lookSoon);
    this.responder.stop();
    this.unsubscribeCommit?.();
    this.presence.stop();
    this.stopped = true;
    await this.chain;
  }
}
