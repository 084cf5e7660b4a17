/**
 * The mesh agent: one repository on a NATS mesh, the same for a Node leaf, a repository a hub
 * serves and a browser. It answers sync requests (when the hub lets it serve the project),
 * announces every check-in the repository gains, pulls at once when a trusted peer announces one
 * it lacks, pushes its own writes (signed with its login) to the servers it may push to,
 * announces itself in presence, and catches up after a start or a reconnect and, slowly, on a
 * timer. Whom it pulls from is decided in one place, trust.ts; everything else it takes in
 * arrives as a push, which the sync server accepts only with a login that may write.
 *
 * Time comes from an injected Clock and messages from an injected MeshBus, so tests/sim runs
 * it on a virtual clock and an in-memory bus.
 */
import type { Repository } from '../repo/repository.ts';
import { SyncError, syncWith, type LoginInfo, type SyncResult } from '../sync/client-session.ts';
import type { SyncEvents } from '../sync/sync-events.ts';
import { refusalOf } from '../sync/refusal.ts';
import { CheckinTracker } from '../nats/checkin-tracker.ts';
import { NatsTransport } from '../nats/client-transport.ts';
import { parseCommitAnnouncement } from '../nats/commit-announcement.ts';
import { Presence, type SeenPeer } from '../nats/presence.ts';
import { RepoAnswerer } from '../nats/repo-answerer.ts';
import { NatsResponder, type ResponderLimits } from '../nats/responder.ts';
import { Subjects } from '../nats/subjects.ts';
import { DEFAULT_PREFIX, type CommitAnnouncement, type PeerKind } from '../nats/wire.ts';
import type { BusSubscription, MeshBus } from './bus.ts';
import { realClock, type Clock } from './clock.ts';
import { markAccepted, readOutbox } from './outbox.ts';
import { Trust, type TrustPolicy } from './trust.ts';
import { CARRY_MAX_BYTES, carryBody, CarriedTransport } from './carry.ts';

export type SyncJob = 'pull' | 'sync';

/** The kinds of peers that keep a repository for others: what a writer pushes to. */
export const SERVER_KINDS: readonly PeerKind[] = ['hub', 'leaf', 'bridge'];

export interface PeerSummary {
  peerId: string;
  name: string;
  kind: PeerKind;
}

/** How one sync went, for the caller that asked for it. */
export type SyncOutcome = { ok: true; result: SyncResult; peer?: string } | { ok: false; error: Error; peer?: string };

/** What the agent tells its host (the CLI logs it; the browser turns it into UI events). */
export interface MeshHooks {
  log?(line: string): void;
  /** A sync starts; the engine events to pass it (progress bars). */
  syncStarting?(job: SyncJob, peer: string | undefined): SyncEvents | undefined;
  syncEnded?(job: SyncJob, outcome: SyncOutcome): void;
  /** Check-ins the repository gained: written here, or arrived. */
  checkins?(uuids: string[], source: 'local' | 'remote'): void;
  /** The peers serving the project changed. */
  peers?(peers: PeerSummary[]): void;
  /** A server refused this repository's push (its login may not write there). */
  pushRefused?(peer: string, serverError: string): void;
  /** Writes made here that a server now has. */
  accepted?(uuids: string[]): void;
}

export interface MeshAgentOptions {
  peerId: string;
  name?: string;
  kind: PeerKind;
  prefix?: string;
  clock?: Clock;
  trust?: TrustPolicy;
  /** Login for the syncs this agent starts (signs its pushes). */
  login?: LoginInfo;
  /**
   * Whom this agent pushes its new artifacts to (default: bridges, which cannot pull). A browser
   * with a login that may write pushes to every server.
   */
  pushTo?: readonly PeerKind[];
  /** Answer sync requests (default true; the hub may still refuse it). */
  serve?: boolean;
  /** Look for check-ins written by other processes this often (default 0 = never). */
  watchMs?: number;
  /** Full sync with every trusted serving peer this often (default 5 min; 0 = never). */
  safetySyncMs?: number;
  /** Catch up with every trusted peer this long after starting and after a reconnect. */
  catchUpMs?: number;
  presenceIntervalMs?: number;
  /** Per request of the syncs this agent starts. */
  requestTimeoutMs?: number;
  responderLimits?: Partial<ResponderLimits>;
  /** Re-announce writes made here when peers (re)join (browsers). */
  announceOutbox?: boolean;
  hooks?: MeshHooks;
}

const enc = new TextEncoder();

export class MeshAgent {
  readonly subjects: Subjects;
  readonly presence: Presence;
  readonly trust: Trust;
  private readonly responder: NatsResponder;
  private readonly tracker: CheckinTracker;
  private readonly clock: Clock;
  private readonly hooks: MeshHooks;
  private readonly cancels: (() => void)[] = [];
  private readonly subs: BusSubscription[] = [];
  /** Syncs run one at a time: two sessions on one repository would trip over each other. */
  private chain: Promise<unknown> = Promise.resolve();
  /** Syncs waiting their turn, by job and peer: asking again gets the waiting one's outcome. */
  private readonly queued = new Map<string, Promise<SyncOutcome | undefined>>();
  /** Servers that refused this login's push: pulled from only. */
  private readonly pullOnly = new Set<string>();
  /** Peers that do not know this agent's login (`*`: the hub's pick): synced with anonymously. */
  private readonly noLogin = new Set<string>();
  /** Check-ins written here not yet reported (so the UI hears of them as local). */
  private readonly localWrites = new Set<string>();
  private readonly ignoredAnnouncers = new Set<string>();
  /** Carries (carry.ts) waiting or being applied. */
  private carriesPending = 0;
  /**
   * Check-ins announced while carries were pending (by announcer): pulled once they are all
   * applied, and only those they did not bring. Every peer that got a carried check-in could
   * otherwise be pulled from by every other one, a pull per pair of peers.
   */
  private readonly deferred = new Map<string, string>();
  private lastPeers = '';
  /** Announcements made while the hub was away: nobody heard them, so they go out again. */
  private unheard: CommitAnnouncement[] = [];
  private connected = true;
  private servingNow = false;
  private started = false;
  /** Settles when start has learnt whom to trust and begun hearing who serves. */
  private startup: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly bus: MeshBus,
    readonly repo: Repository,
    private readonly opts: MeshAgentOptions,
  ) {
    this.clock = opts.clock ?? realClock;
    this.hooks = opts.hooks ?? {};
    this.subjects = new Subjects(repo.projectCode, opts.prefix ?? DEFAULT_PREFIX);
    this.trust = new Trust(opts.trust ?? {});
    this.tracker = new CheckinTracker(repo);
    this.responder = new NatsResponder(bus, this.subjects, new RepoAnswerer(repo), {
      peerId: opts.peerId,
      clock: this.clock,
      limits: opts.responderLimits,
      // A push may have brought check-ins.
      onAnswered: () => this.checkNew(),
      onError: (e) => this.log(`answering a sync failed: ${e.message}`),
    });
    this.presence = new Presence(
      bus,
      this.subjects,
      { peerId: opts.peerId, name: opts.name ?? opts.peerId, kind: opts.kind, serves: [] },
      opts.presenceIntervalMs,
      this.clock,
    );
  }

  get peerId(): string {
    return this.opts.peerId;
  }

  /** Whether this agent answers sync requests for the project (the hub may refuse it). */
  get serving(): boolean {
    return this.servingNow;
  }

  private log(line: string): void {
    this.hooks.log?.(line);
  }

  start(): Promise<void> {
    this.startup ??= this.startUp();
    return this.startup;
  }

  private async startUp(): Promise<void> {
    this.started = true;
    const s = this.subjects;
    if (this.opts.serve !== false) {
      const refused = await this.responder.start();
      this.servingNow = refused === undefined;
      if (refused) this.log(`not answering for this project: the hub refuses it to this user (${refused.message})`);
    }
    // A peer id no one may take: only a hub that binds ids to users refuses it.
    await this.trust.settle(this.bus, s.syncPeer(`unowned-${this.opts.peerId.replace(/\./g, '-')}.probe`));
    this.log(`pulls: ${this.trust.describe()}`);
    if (this.stopped) return;
    this.subs.push(this.bus.subscribe(s.commit, (m) => {
      const a = parseCommitAnnouncement(m.data);
      if (a) this.onAnnouncement(a);
    }));
    this.subs.push(this.bus.subscribe(s.carryAll, (m) => this.onCarry(s.carryPeer(m.subject), m.data)));
    // A peer that (re)joins asks everyone who they are: tell it what was written here, too.
    if (this.opts.announceOutbox) this.subs.push(this.bus.subscribe(s.presenceQuery, () => this.announceOutbox()));
    this.presence.setServes(this.servingNow ? [this.repo.projectCode] : []);
    this.presence.start();
    this.cancels.push(this.clock.setInterval(() => this.reportPeers(), 1000));
    if (this.opts.watchMs) this.cancels.push(this.clock.setInterval(() => this.lookForChanges(), this.opts.watchMs));
    const safety = this.opts.safetySyncMs ?? 300_000;
    if (safety > 0) this.cancels.push(this.clock.setInterval(() => void this.syncAll('sync'), safety));
    this.cancels.push(this.bus.onStatus((st) => {
      if (this.stopped) return;
      if (st === 'disconnect') {
        this.connected = false;
        this.log('lost the NATS server; reconnecting');
      }
      if (st === 'reconnect') {
        this.connected = true;
        this.log('reconnected');
        this.presence.announce('online');
        this.presence.query();
        this.announceOutbox();
        // Announcements sent while we were away are lost, ours and theirs: catch up with whoever
        // is there, and say again what we gained meanwhile (peers that come back later pull it
        // in their own catch-up).
        this.cancels.push(this.clock.setTimeout(() => {
          for (const a of this.unheard.splice(0)) this.bus.publish(this.subjects.commit, enc.encode(JSON.stringify(a)));
          void this.syncAll('sync');
        }, this.opts.catchUpMs ?? 1000));
      }
    }));
    // Whatever happened while this repository was offline: catch up once peers have answered.
    this.cancels.push(this.clock.setTimeout(() => void this.syncAll('sync'), this.opts.catchUpMs ?? 1000));
    this.checkNew();
  }

  /** Another process may have written the file: look at once (one cheap pragma when not). */
  lookForChanges(): void {
    if (this.tracker.changedElsewhere()) this.checkNew();
  }

  /** The peers serving the project (leaves, hubs, bridges, writers' browsers), by id. */
  peers(): PeerSummary[] {
    return this.servingPeers()
      .map((p) => ({ peerId: p.peer_id, name: p.name, kind: p.kind }))
      .sort((a, b) => a.peerId.localeCompare(b.peerId));
  }

  private servingPeers(): SeenPeer[] {
    return this.presence.peers().filter((p) => p.serves.includes(this.repo.projectCode));
  }

  private kindOf(peerId: string): PeerKind | undefined {
    return this.presence.peers().find((p) => p.peer_id === peerId)?.kind;
  }

  private reportPeers(): void {
    const peers = this.peers();
    const appeared = peers.filter((p) => !this.lastPeers.includes(`"${p.peerId}"`));
    // A peer that just appeared (a leaf that restarted) hears what was written here while it was away.
    if (appeared.length) this.announceOutbox();
    // And this repository catches up with it: one that comes back after a cut link (a site hub's
    // leafnode uplink) announced its check-ins into the void meanwhile, and no reconnect of ours
    // says so. The first report is the start's own catch-up.
    if (this.lastPeers !== '') for (const p of appeared) if (this.trust.mayPullFrom(p.peerId)) void this.schedule('pull', p.peerId);
    const key = JSON.stringify(peers);
    if (key === this.lastPeers) return;
    this.lastPeers = key;
    this.hooks.peers?.(peers);
  }

  /**
   * Announce the check-ins that appeared since the last look; push them where this agent pushes.
   * How they came decides what is said: those written here or pushed to it are carried first
   * (carry.ts) and announced; those it pulled are announced; those carried to it are neither
   * (their carry reached everyone who trusts its publisher, and a re-announcement from each
   * peer would make the messages grow with the square of the peers).
   */
  checkNew(how: 'here' | 'pulled' | 'carried' = 'here'): void {
    // Inside a sync session's transaction what is there may still roll back: look after it ends.
    if (this.stopped || !this.started || this.repo.db.inTransaction) return;
    const fresh = this.tracker.take();
    if (fresh.length === 0) return;
    if (this.servingNow && how !== 'carried') {
      if (how === 'here' && this.connected) for (const c of fresh) this.carry(c.rid);
      for (const c of fresh) {
        const a: CommitAnnouncement = { rid: c.rid, uuid: c.uuid, peer_id: this.opts.peerId };
        if (this.opts.name) a.name = this.opts.name;
        this.bus.publish(this.subjects.commit, enc.encode(JSON.stringify(a)));
        if (!this.connected && this.unheard.length < 100) this.unheard.push(a);
      }
      this.log(`announced ${fresh.length === 1 ? `check-in ${fresh[0]!.uuid.slice(0, 12)}` : `${fresh.length} check-ins`}`);
    }
    const local = fresh.filter((c) => this.localWrites.delete(c.uuid)).map((c) => c.uuid);
    const remote = fresh.filter((c) => !local.includes(c.uuid)).map((c) => c.uuid);
    if (local.length) this.hooks.checkins?.(local, 'local');
    if (remote.length) this.hooks.checkins?.(remote, 'remote');
    // Writes made through wrote() are pushed there; whatever else arrived goes on only to bridges,
    // which cannot pull (every other server pulls it from whoever announced it).
    if (remote.length) for (const p of this.pushTargets().filter((t) => t.kind === 'bridge')) void this.schedule('sync', p.peer_id);
  }

  /**
   * After a write made here (`uuid`): push it, signed, to the servers this agent pushes to, and
   * only then announce it, so a server has it by push before anyone could pull it; with no
   * server around, announce at once (writers' browsers pull from each other).
   */
  wrote(uuid: string, isCheckin: boolean): void {
    if (isCheckin) this.localWrites.add(uuid);
    const targets = this.pushTargets();
    if (targets.length === 0) {
      this.checkNew();
      this.announceOutbox();
      return;
    }
    // Each push is followed by checkNew, which announces the check-in.
    for (const p of targets) void this.schedule('sync', p.peer_id);
    void this.chain.then(() => this.announceOutbox());
  }

  private pushTargets(): SeenPeer[] {
    const kinds = this.opts.pushTo ?? ['bridge'];
    return this.servingPeers().filter((p) => kinds.includes(p.kind) && !this.pullOnly.has(p.peer_id));
  }

  /**
   * Announce what was written here and others may lack (outbox.ts), check-ins and other
   * artifacts alike: a peer that trusts this one pulls when it lacks the hash.
   */
  announceOutbox(): void {
    if (this.stopped || !this.started || !this.servingNow || !this.opts.announceOutbox) return;
    const c = this.repo.content;
    for (const e of readOutbox(this.repo)) {
      const rid = c.ridOf(e.uuid);
      if (rid === undefined) continue;
      const a: CommitAnnouncement = { rid, uuid: e.uuid, peer_id: this.opts.peerId };
      if (this.opts.name) a.name = this.opts.name;
      this.bus.publish(this.subjects.commit, enc.encode(JSON.stringify(a)));
    }
  }

  /** Publish a new check-in's artifacts to every peer at once, when they are small (carry.ts). */
  private carry(rid: number): void {
    let body: Uint8Array | undefined;
    try {
      body = carryBody(this.repo, rid, Math.min(CARRY_MAX_BYTES, this.bus.maxPayload - 1024));
    } catch (e) {
      this.log(`cannot carry check-in ${rid}: ${(e as Error).message}`);
      return;
    }
    if (body) this.bus.publish(this.subjects.carryOf(this.opts.peerId), body);
  }

  /** A carried check-in: applied as the first reply of a pull from its publisher, if trusted. */
  private onCarry(peer: string | undefined, body: Uint8Array): void {
    if (peer === undefined || peer === this.opts.peerId || this.stopped || !this.connected) return;
    // Bounded before anything is kept: the hub's max_payload bounds it too, but not every hub's.
    if (body.length > CARRY_MAX_BYTES || !this.trust.mayPullFrom(peer)) return;
    this.carriesPending++;
    const run = this.chain.then(async () => {
      if (this.stopped) return;
      const transport = new CarriedTransport(body, () => this.natsTransport(peer), `carry from ${peer}`);
      try {
        await syncWith(this.repo, transport, { pull: true, push: false, atomic: true });
      } catch (e) {
        this.log(`a carry from ${peer} failed: ${(e as Error).message}`);
      } finally {
        this.checkNew(transport.wentOn ? 'pulled' : 'carried');
        if (--this.carriesPending === 0) this.pullDeferred();
      }
    });
    this.chain = run.catch(() => undefined);
  }

  /** What was announced while carries were pending and they did not bring: pulled as usual. */
  private pullDeferred(): void {
    const c = this.repo.content;
    const from = new Set<string>();
    for (const [uuid, peer] of this.deferred) {
      const rid = c.ridOf(uuid);
      if (rid === undefined || c.isPhantom(rid)) from.add(peer);
    }
    this.deferred.clear();
    for (const peer of from) void this.schedule('pull', peer);
  }

  private natsTransport(peer: string | undefined): NatsTransport {
    return new NatsTransport(this.bus, this.subjects, {
      peer, retryForMs: 3000, timeoutMs: this.opts.requestTimeoutMs ?? 20_000, clock: this.clock,
    });
  }

  private onAnnouncement(a: CommitAnnouncement): void {
    if (a.peer_id === this.opts.peerId || this.stopped) return;
    const c = this.repo.content;
    const rid = c.ridOf(a.uuid);
    if (rid !== undefined && !c.isPhantom(rid)) {
      // A server announcing what was written here has it.
      const kind = this.kindOf(a.peer_id);
      if (kind && SERVER_KINDS.includes(kind)) this.accept({ uuids: [a.uuid] });
      return;
    }
    if (!this.trust.mayPullFrom(a.peer_id)) {
      if (!this.ignoredAnnouncers.has(a.peer_id)) {
        this.ignoredAnnouncers.add(a.peer_id);
        this.log(`not pulling from ${a.peer_id}: not a peer this repository trusts to serve it (${this.trust.describe()})`);
      }
      return;
    }
    // A carry is on the way (its publisher sends it before announcing): pull only if it does not bring this.
    if (this.carriesPending > 0) {
      this.deferred.set(a.uuid, a.peer_id);
      return;
    }
    void this.schedule('pull', a.peer_id);
  }

  private accept(which: { uuids?: string[]; upTo?: number }): void {
    const marked = markAccepted(this.repo, which, this.clock.now());
    if (marked.length) this.hooks.accepted?.(marked);
  }

  /**
   * Sync with every trusted peer serving the project; with none known yet, with whichever
   * responder the hub picks (which a vouching hub lets only the project's servers be).
   */
  async syncAll(job: SyncJob): Promise<SyncOutcome | undefined> {
    if (this.stopped || !this.startup) return undefined;
    // Asked while starting (Sync now as the page opens): whom to trust is not known before.
    await this.startup.catch(() => undefined);
    if (this.stopped) return undefined;
    const peers = this.servingPeers().filter((p) => this.trust.mayPullFrom(p.peer_id));
    if (peers.length === 0) return this.trust.hubVouches ? this.schedule(job, undefined) : undefined;
    const runs = await Promise.all(peers.map((p) => this.schedule(job, p.peer_id)));
    return overallOutcome(runs, (peer) => this.kindOf(peer));
  }

  private schedule(job: SyncJob, peer: string | undefined): Promise<SyncOutcome | undefined> {
    const key = `${job} ${peer ?? '*'}`;
    // A job already waiting will fetch whatever this one would have: its outcome is this one's.
    const waiting = this.queued.get(key);
    if (waiting) return waiting;
    // With the hub away a sync could only wait for its timeout (the catch-up after the
    // reconnect does it instead).
    if (this.stopped || !this.connected) return Promise.resolve(undefined);
    const run = this.chain.then(async () => {
      this.queued.delete(key);
      if (this.stopped || !this.connected) return undefined;
      return this.runSync(job, peer);
    });
    this.queued.set(key, run);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async runSync(job: SyncJob, peer: string | undefined): Promise<SyncOutcome> {
    const kind = peer ? this.kindOf(peer) : undefined;
    const key = peer ?? '*';
    const push = job === 'sync' && peer !== undefined && kind !== undefined &&
      (this.opts.pushTo ?? ['bridge']).includes(kind) && !this.pullOnly.has(peer);
    // A login exists where the hub made it (its own copies) or the operator did: a peer that
    // does not know it would refuse the whole request, so it is sent until such a refusal.
    const login = this.noLogin.has(key) ? undefined : this.opts.login;
    const started = this.clock.now();
    const events = this.hooks.syncStarting?.(job, peer);
    let outcome: SyncOutcome;
    try {
      const transport = this.natsTransport(peer);
      // All or nothing, and no other writer of this process inside it (write-lock.ts).
      const result = await syncWith(this.repo, transport, { pull: true, push, login, events, atomic: true });
      if (push && kind && SERVER_KINDS.includes(kind)) this.accept({ upTo: started });
      if (result.artifactsReceived || result.artifactsSent) {
        this.log(`${job} with ${peer ?? 'the hub'}: ${result.artifactsReceived} received, ${result.artifactsSent} sent, ${this.clock.now() - started} ms`);
      }
      outcome = { ok: true, result, peer };
    } catch (e) {
      const serverError = e instanceof SyncError ? e.serverError : undefined;
      const refusal = refusalOf(serverError);
      if (peer && push && (refusal === 'write' || refusal === 'login')) {
        // This login may not write there: pull from that peer from now on, and say so once.
        this.pullOnly.add(peer);
        this.log(`${peer} refuses this repository's pushes (${serverError}); pulling only`);
        this.hooks.pushRefused?.(peer, serverError!);
      }
      if (refusal === 'login' && login) this.noLogin.add(key);
      if ((peer && push && refusal === 'write') || (refusal === 'login' && login)) return this.runSync(job, peer);
      this.log(`${job} with ${peer ?? 'the hub'} failed: ${(e as Error).message}`);
      outcome = { ok: false, error: e as Error, peer };
    } finally {
      this.checkNew('pulled');
    }
    this.hooks.syncEnded?.(job, outcome);
    return outcome;
  }

  /** Resolves when the syncs queued so far are done. */
  idle(): Promise<void> {
    return this.chain.then(() => undefined);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const c of this.cancels.splice(0)) c();
    this.responder.stop();
    for (const s of this.subs.splice(0)) s.unsubscribe();
    if (this.started) this.presence.stop();
    await this.chain;
  }
}

/**
 * What a sync with every serving peer comes to, for whoever asked for it (Sync now). A server
 * that failed is what the user must hear of. A browser that failed (a laptop shut, a tab busy)
 * is not, when another peer served the sync: the repository did sync. Undefined when nothing
 * ran (the hub went away first).
 */
function overallOutcome(runs: readonly (SyncOutcome | undefined)[], kindOf: (peer: string) => PeerKind | undefined): SyncOutcome | undefined {
  const ran = runs.filter((o): o is SyncOutcome => o !== undefined);
  const serverFailed = ran.find((o) => {
    const kind = o.peer === undefined ? undefined : kindOf(o.peer);
    return !o.ok && kind !== undefined && SERVER_KINDS.includes(kind);
  });
  return serverFailed ?? ran.findLast((o) => o.ok) ?? ran[0];
}
