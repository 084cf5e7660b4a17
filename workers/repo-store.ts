/**
 * Every repository of this browser: files in the OPFS pool under `/repos/<name>.fossil`, opened
 * once and kept open, each with a mesh agent on its hub. Facts the UI needs but fossil does not
 * keep (the hub, when it last synced, this peer's id) live in the repository's own config table
 * under `edgesync-` names, which fossil ignores and never syncs; secrets (hub credentials, the
 * fossil login) live in IndexedDB (access.ts), never in the file.
 */
import type { Db } from '../src/db/db.ts';
import { openWasmDb } from '../src/db/sqlite-wasm.ts';
import type { OpfsPool } from '../src/db/sqlite-wasm-opfs.ts';
import type { NatsConnection } from '@nats-io/nats-core';
import { MeshAgent, SERVER_KINDS, type MeshHooks } from '../src/mesh/agent.ts';
import { writeHere, type LocalWrite, type Written } from '../src/mesh/local-write.ts';
import { unaccepted } from '../src/mesh/outbox.ts';
import { mergeCopy } from '../src/mesh/merge-copy.ts';
import { unsyncedWork, type UnsyncedWork } from '../src/mesh/unsynced.ts';
import { NatsTransport } from '../src/nats/client-transport.ts';
import { NatsBus } from '../src/nats/nats-bus.ts';
import type { NatsAuth } from '../src/nats/nats-url.ts';
import { isSubjectToken, ownedPeerId, ownerOf, Subjects } from '../src/nats/subjects.ts';
import { identityOf, ReadOnlyError, type RepoAccess } from '../src/peer/access.ts';
import type { CheckinRow, CloneRequest, ImportOutcome, MergeOutcome, PeerEvent, RepoSummary, SyncProgress } from '../src/peer/api-types.ts';
import { progressEvents } from '../src/peer/progress.ts';
import { cancellableTransport, throwIfCancelled } from '../src/peer/cancel.ts';
import { CLONE_CONNECT_TIMEOUT_MS, CLONE_FIRST_CONTACT_MS, CloneJobs } from '../src/peer/clone-jobs.ts';
import { errorMessage, errorReport } from '../src/peer/error-report.ts';
import { CodedError } from '../src/errors.ts';
import { localRepoName, type ShareTarget } from '../src/peer/share-link.ts';
import { HUB_INVITE_SUBJECT, type InviteReply } from '../src/nats/hub-permissions.ts';
import { BusError } from '../src/mesh/bus.ts';
import { checkinTextOnTip } from '../src/repo/authoring/checkin.ts';
import { crosslinkerFactory } from '../src/repo/crosslink/factory.ts';
import { timeline } from '../src/repo/queries/timeline.ts';
import { Repository } from '../src/repo/repository.ts';
import { CLONE_SEQNO_SETTING } from '../src/sync/client-session.ts';
import { loginSecret } from '../src/sync/login.ts';
import { ringVerifier } from './ring-verifier.ts';
import { isUnfinishedClone } from '../src/sync/clone-client.ts';
import { ensureBrowseIndexes } from '../src/repo/browse-indexes.ts';
import { hasSearchIndex, refreshSearchIndexOnOpen } from '../src/repo/search-index.ts';
import { indexInBackground, type SearchIndexer } from '../src/peer/search-indexer.ts';
import { CloneIncompleteError, runClone, type CloneOutcome, type CloneStorage } from '../src/sync/clone-lifecycle.ts';
import { HEAD_START_CHECKINS, HEAD_START_FILE_BYTES } from '../src/sync/head-start.ts';
import { HubLinks } from './hub-links.ts';
import type { SyncEvents } from '../src/sync/sync-events.ts';
import { idbDelete, idbGet, idbSet } from './idb-kv.ts';
import { gitDownloadBlob } from '../src/peer/git-download.ts';

const HUB = 'edgesync-hub';
/**
 * SQLite's page cache while a clone links: every page missing from it is a read from OPFS. On the
 * 60,244-artifact history the clone once took 124-154 s with SQLite's default 2 MB, and 105-113 s
 * with 64 MiB. Since reads go through read-ahead blocks (src/db/read-ahead.ts), 16 MiB is as fast
 * as 64 (76-84 s against 80-92 s) and the renderer's peak about 55 MB lower: the cache lives in
 * the wasm heap, which never shrinks.
 */
const CLONE_PAGE_CACHE_KIB = 16 * 1024;
/** Where hub credentials were kept before they moved out of the file (read once, then dropped). */
const OLD_HUB_AUTH = 'edgesync-hub-auth';
const LAST_SYNC = 'edgesync-last-sync';
const PEER_ID = 'edgesync-peer-id';
const CLONE_PROJECT = 'edgesync-clone-project';

interface Open {
  name: string;
  repo: Repository;
  agent?: MeshAgent;
  access?: RepoAccess;
  /** The sync running now (one at a time per agent), for its progress bar. */
  progress?: ReturnType<typeof progressEvents>;
  lastProgress?: SyncProgress;
  /** Makes the search index between other work (search-indexer.ts). */
  indexer?: SearchIndexer;
}

const fileOf = (name: string) => `/repos/${name}.fossil`;
const accessKey = (name: string) => `access:${name}`;

function randomHex(n: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** An interrupted clone goes on by itself this many times in a row before it waits for Sync now. */
const RESUME_TRIES = 5;

export class RepoStore {
  private readonly open = new Map<string, Open>();
  readonly hubs: HubLinks;
  /** The clones under way, by project code (Cancel finds them there). */
  private readonly clones = new CloneJobs<RepoSummary>();
  /** How often an interrupted clone has gone on by itself in a row (resumeLater). */
  private readonly resumeTries = new Map<string, number>();

  constructor(
    private readonly pool: OpfsPool,
    private readonly emit: (e: PeerEvent) => void,
    hubs = new HubLinks(),
  ) {
    this.hubs = hubs;
    hubs.setEvents((e, link) => this.emit({ ...e, repos: this.namesOn(link.key) }));
  }

  /**
   * The repositories whose hub connection is the link with this key. (It runs inside the link's
   * connect loop, where a throw would count as a failed connection: a repository it cannot read
   * is left out.)
   */
  private namesOn(key: string): string[] {
    const names: string[] = [];
    for (const o of this.open.values()) {
      try {
        const hub = o.repo.config.get(HUB);
        if (hub && HubLinks.keyOf(hub, o.access?.nats) === key) names.push(o.name);
      } catch {
        // closing
      }
    }
    return names;
  }

  /** Tell the page a repository changed: the event carries its summary. */
  private changed(name: string): void {
    if (!this.open.has(name)) return;
    try {
      this.emit({ type: 'repo', repo: this.summary(name) });
    } catch (e) {
      this.emit({ type: 'log', repo: name, text: `cannot describe: ${errorMessage(e)}` });
    }
  }

  /** Open every repository and put those with a hub on it. */
  async start(): Promise<void> {
    const unfinished: string[] = [];
    for (const f of this.pool.files()) {
      const m = /^\/repos\/(.+)\.fossil$/.exec(f);
      if (!m) continue;
      try {
        const o = this.openRepo(m[1]!);
        o.access = await this.loadAccess(o);
        if (!isUnfinishedClone(o.repo)) this.attach(o);
        else unfinished.push(o.name);
      } catch (e) {
        this.emit({ type: 'log', repo: m[1], text: `cannot open: ${errorMessage(e)}` });
      }
    }
    // A clone that a reload or a closed tab interrupted goes on where it stopped.
    for (const name of unfinished) void this.resumeClone(name).catch(() => undefined);
  }

  /**
   * Go on with an interrupted clone later: when its hub is back, or a few seconds from now when
   * it is connected (a serving peer that rejoins a restarted hub takes a moment), a few times.
   */
  private resumeLater(name: string, req: CloneRequest): void {
    const tries = (this.resumeTries.get(name) ?? 0) + 1;
    this.resumeTries.set(name, tries);
    if (tries > RESUME_TRIES) return;
    const resume = () => void this.resumeClone(name).then(() => this.resumeTries.delete(name), () => undefined);
    const link = this.hubs.get(req.hub, req.auth);
    if (link.state === 'connected') setTimeout(resume, 2000 * tries);
    else link.onceBack(resume);
  }

  /** Resume an interrupted clone (its progress events say how it goes). */
  private resumeClone(name: string): Promise<RepoSummary> {
    const o = this.get(name);
    const hub = o.repo.config.get(HUB);
    const code = o.repo.config.get(CLONE_PROJECT);
    if (!hub || !code) return Promise.reject(new CodedError('not-found', 'This clone cannot be resumed: its hub is unknown.'));
    return this.clone({ hub, projectCode: code, auth: o.access?.nats });
  }

  private async loadAccess(o: Open): Promise<RepoAccess | undefined> {
    let a = await idbGet<RepoAccess>(accessKey(o.name));
    // Hub credentials used to live in the file: move them out.
    const old = o.repo.config.get(OLD_HUB_AUTH);
    if (old !== undefined) {
      try {
        if (!a) a = { role: 'owner', nats: JSON.parse(old) as NatsAuth };
      } catch {
        // unreadable: dropped
      }
      if (a) await idbSet(accessKey(o.name), a);
      o.repo.config.delete(OLD_HUB_AUTH);
    }
    return a;
  }

  private async saveAccess(o: Open, a: RepoAccess | undefined): Promise<void> {
    o.access = a;
    if (a) await idbSet(accessKey(o.name), a);
    else await idbDelete(accessKey(o.name));
  }

  names(): string[] {
    return [...this.open.keys()].sort();
  }

  private openRepo(name: string): Open {
    let o = this.open.get(name);
    if (o) return o;
    const db = this.pool.open(fileOf(name));
    let repo: Repository;
    try {
      const unfinished = isUnfinishedClone0(db);
      repo = Repository.open(db, unfinished ? {} : { crosslinker: crosslinkerFactory });
      // The pages' indexes, made once per file (an unfinished clone gets them when it is done).
      if (!unfinished) ensureBrowseIndexes(db);
      if (!unfinished) refreshSearchIndexOnOpen(repo);
    } catch (e) {
      db.close();
      throw e;
    }
    o = { name, repo };
    this.open.set(name, o);
    if (!isUnfinishedClone(repo)) this.indexLater(o);
    return o;
  }

  /** Make the repository's search index in the background, unless it is complete already. */
  private indexLater(o: Open): void {
    if (o.indexer || hasSearchIndex(o.repo.db)) return;
    o.indexer = indexInBackground(o.repo, {
      failed: (e) => this.emit({ type: 'log', repo: o.name, text: `search index: ${errorMessage(e)} (the next search tries again)` }),
    });
  }

  private get(name: string): Open {
    const o = this.open.get(name);
    if (!o) throw new CodedError('not-found', `There is no repository named “${name}” in this browser.`);
    return o;
  }

  /** Join the repository's hub as a peer (once the hub is reachable). */
  private attach(o: Open): void {
    const hub = o.repo.config.get(HUB);
    if (!hub || o.agent) return;
    this.hubs.get(hub, o.access?.nats).whenConnected((nc) => {
      if (this.open.get(o.name) !== o || o.agent) return;
      void this.startAgent(o, nc).catch((e) => this.emit({ type: 'log', repo: o.name, text: `cannot join the hub: ${errorMessage(e)}` }));
    });
  }

  private async startAgent(o: Open, nc: NatsConnection): Promise<void> {
    const user = o.access?.nats?.user;
    const bus = new NatsBus(nc, user);
    // A hub binds peer ids to users: this browser's ids belong to its NATS user.
    let peerId = o.repo.config.get(PEER_ID);
    const owner = user !== undefined && isSubjectToken(user) ? user : undefined;
    if (!peerId || (owner ? ownerOf(peerId) !== owner || !peerId.includes('.') : peerId.includes('.'))) {
      peerId = owner ? ownedPeerId(owner, `b${randomHex(5)}`) : `browser-${randomHex(6)}`;
      o.repo.config.set(PEER_ID, peerId);
    }
    const identity = identityOf(o.access);
    const login = o.access?.login;
    const agent = new MeshAgent(bus, o.repo, {
      peerId,
      name: login ? login.user : `Browser ${peerId.slice(-6)}`,
      kind: 'browser',
      login: login ? { user: login.user, password: login.secret } : undefined,
      // A writer's check-ins go to the servers by a signed push; a reader pushes nothing.
      pushTo: identity.canWrite && login ? SERVER_KINDS : [],
      announceOutbox: true,
      catchUpMs: 400,
      requestTimeoutMs: 20_000,
      hooks: this.hooksFor(o),
    });
    o.agent = agent;
    await agent.start();
    this.changed(o.name);
  }

  /** The agent's reports, as the UI's events. */
  private hooksFor(o: Open): MeshHooks {
    const repo = o.name;
    return {
      log: (text) => this.emit({ type: 'log', repo, text }),
      syncStarting: (job, peer) => {
        o.progress = progressEvents(repo, job, this.emit, peer);
        return o.progress.events;
      },
      syncEnded: (_job, outcome) => {
        const p = o.progress;
        o.progress = undefined;
        if (!p) return;
        if (outcome.ok) {
          o.repo.config.set(LAST_SYNC, new Date().toISOString());
          o.lastProgress = p.done(outcome.result);
        } else {
          o.lastProgress = p.failed(errorReport(outcome.error));
        }
        this.changed(repo);
      },
      checkins: (uuids, source) => {
        this.emit({ type: 'checkins', repo, uuids, source });
        this.changed(repo);
      },
      peers: (peers) => this.emit({ type: 'peers', repo, peers }),
      accepted: () => this.changed(repo),
      pushRefused: (peer, text) => {
        // Only the hub's own copy knows a write invite's login: its refusal means this login may not write.
        if (o.agent?.peers().find((p) => p.peerId === peer)?.kind !== 'hub' || !o.access) return;
        void this.saveAccess(o, { ...o.access, refused: text }).then(() => this.changed(repo));
      },
    };
  }

  summary(name: string): RepoSummary {
    const o = this.get(name);
    const { repo, agent } = o;
    const db = repo.db;
    const hub = repo.config.get(HUB);
    const newest = timeline(db, { limit: 1, types: ['ci'] })[0];
    const s: RepoSummary = {
      name,
      projectCode: repo.config.projectCode ?? repo.config.get(CLONE_PROJECT) ?? '',
      projectName: repo.config.get('project-name') ?? name,
      bytes: (db.value<number>('PRAGMA page_count') ?? 0) * (db.value<number>('PRAGMA page_size') ?? 0),
      checkins: db.value<number>("SELECT count(*) FROM event WHERE type='ci'") ?? 0,
      connection: hub ? this.hubs.get(hub, o.access?.nats).state : 'none',
      peers: agent?.peers() ?? [],
      unfinished: isUnfinishedClone(repo),
      identity: identityOf(o.access),
      pending: hub ? this.pendingCheckins(repo) : [],
    };
    if (newest) s.newest = newest.time;
    if (hub) s.hub = hub;
    const last = repo.config.get(LAST_SYNC);
    if (last) s.lastSync = last;
    return s;
  }

  /** Check-ins written here that no server is known to have yet, oldest first. */
  private pendingCheckins(repo: Repository): { uuid: string; comment: string }[] {
    const out: { uuid: string; comment: string }[] = [];
    for (const e of unaccepted(repo)) {
      const row = repo.db.get<{ comment: string }>(
        "SELECT coalesce(ecomment, comment, '') AS comment FROM event JOIN blob ON blob.rid=event.objid WHERE blob.uuid=? AND event.type='ci'", e.uuid,
      );
      if (row) out.push({ uuid: e.uuid, comment: row.comment });
    }
    return out;
  }

  list(): RepoSummary[] {
    return this.names().map((n) => this.summary(n));
  }

  /** Check-ins, newest first, as `fossil timeline -t ci` lists them. */
  checkins(name: string, limit: number): CheckinRow[] {
    return timeline(this.get(name).repo.db, { limit, types: ['ci'] }).map((e) => ({
      uuid: e.uuid, comment: e.comment, user: e.user, time: e.time, branch: e.branch, tags: e.tags,
    }));
  }

  private freeName(wanted: string): string {
    const base = localRepoName(wanted);
    let name = base;
    for (let i = 2; this.open.has(name) || this.pool.files().includes(fileOf(name)); i++) name = `${base}-${i}`;
    return name;
  }

  private byProject(code: string): Open | undefined {
    for (const o of this.open.values()) {
      if (o.repo.config.projectCode === code || o.repo.config.get(CLONE_PROJECT) === code) return o;
    }
    return undefined;
  }

  async create(wanted: string, user: string): Promise<RepoSummary> {
    const name = this.freeName(wanted);
    await this.pool.makeRoom();
    const db = this.pool.open(fileOf(name));
    const repo = Repository.create(db, { projectName: wanted, adminUser: user, crosslinker: crosslinkerFactory });
    this.open.set(name, { name, repo });
    this.changed(name);
    return this.summary(name);
  }

  /**
   * Clone a project from a hub, or finish an interrupted clone of it. A project already here is
   * not cloned twice: the share link just leads to it (and a write invite's login is taken); one
   * being cloned right now is waited for. `cancelClone` stops it.
   */
  async clone(req: CloneRequest): Promise<RepoSummary> {
    const code = req.projectCode.toLowerCase();
    const have = this.byProject(code);
    if (have && !isUnfinishedClone(have.repo)) {
      if (req.login && have.access?.role !== 'owner') await this.takeAccess(have, { ...accessFrom(req, code), nats: req.auth ?? have.access?.nats });
      // The worker dialled the link's hub before it knew (workers/repo-worker.ts).
      if (!this.hubInUse(req.hub, req.auth)) await this.hubs.release(req.hub, req.auth);
      return this.summary(have.name);
    }
    try {
      return await this.clones.run(code, HubLinks.keyOf(req.hub, req.auth), (signal) => this.cloneNow(req, code, signal));
    } catch (e) {
      // A hub tried only for this clone is not kept trying in the background.
      if (!this.hubInUse(req.hub, req.auth)) await this.hubs.release(req.hub, req.auth);
      throw e;
    }
  }

  /** Stop the clone of a project (the page's Cancel): what it made is removed, as after any failure. */
  cancelClone(projectCode: string): boolean {
    return this.clones.cancel(projectCode.toLowerCase());
  }

  /** Does a repository here, or a clone under way, use this hub link? */
  private hubInUse(hub: string, auth: NatsAuth | undefined): boolean {
    const key = HubLinks.keyOf(hub, auth);
    return this.clones.inUse(key) || this.namesOn(key).length > 0;
  }

  private async cloneNow(req: CloneRequest, code: string, signal: AbortSignal): Promise<RepoSummary> {
    const access = accessFrom(req, code);
    const have = this.byProject(code);
    const name = have?.name ?? this.freeName(req.name ?? `project-${code.slice(0, 8)}`);
    const progress = progressEvents(name, 'clone', this.emit, undefined, code);
    progress.step('Connecting to the hub…');
    const started = performance.now();
    let rebuildStarted = 0;
    let stored = 0;
    let done: CloneOutcome;
    try {
      // The hub first: one that cannot be reached is said so before anything is stored here.
      const nc = await this.hubs.get(req.hub, req.auth).ready(CLONE_CONNECT_TIMEOUT_MS, signal);
      progress.step('Cloning…');
      done = await runClone({
        storage: this.cloneStorage(name, have, access, req.login?.user ?? 'browser', signal),
        source: {
          open: async () => {
            const transport = new NatsTransport(new NatsBus(nc, req.auth?.user), new Subjects(code), { retryForMs: 15_000, timeoutMs: 30_000, firstContactMs: CLONE_FIRST_CONTACT_MS });
            return { transport: cancellableTransport(transport, signal, 'The clone'), close: () => undefined };
          },
          login: access.login ? { user: access.login.user, password: access.login.secret } : undefined,
          dropRefusedLogin: true,
          remember(repo) {
            repo.config.set(CLONE_PROJECT, code);
            repo.config.set(HUB, req.hub);
          },
          finished(repo) {
            stored = performance.now();
            repo.config.delete(CLONE_PROJECT);
            repo.config.set(HUB, req.hub);
            repo.config.set(LAST_SYNC, new Date().toISOString());
          },
        },
        verifier: ringVerifier,
        options: {
          headStart: { checkins: HEAD_START_CHECKINS, fileBytes: HEAD_START_FILE_BYTES },
          linkingPageCacheKib: CLONE_PAGE_CACHE_KIB,
          events: this.cloneEvents(name, progress.events, started),
          onRebuildProgress: (p) => {
            rebuildStarted ||= performance.now();
            progress.step('Checking and indexing what arrived…', (0.99 * p.done) / Math.max(1, p.total));
          },
        },
      });
    } catch (e) {
      progress.failed(errorReport(e));
      // Cancel means the clone is not wanted: what arrived goes too.
      if (signal.aborted && this.open.has(name) && isUnfinishedClone(this.get(name).repo)) this.remove(name);
      // What arrived stays (the clone is written straight into storage) and the clone goes on
      // by itself: once a lost hub is back, or soon when it is there but nobody answered.
      if (e instanceof CloneIncompleteError && e.reason === 'interrupted' && this.open.has(name)) this.resumeLater(name, req);
      throw e;
    }
    const s = (ms: number) => (ms / 1000).toFixed(1);
    const end = performance.now();
    this.emit({ type: 'log', repo: name, text: `clone: ${done.artifactsReceived} artifacts, ${done.rounds} rounds, ${done.resumed ? 'resumed' : 'fresh'}, transfer ${s((rebuildStarted || stored) - started)} s, rebuild ${s(rebuildStarted ? stored - rebuildStarted : 0)} s, kept ${s(end - stored)} s` });
    progress.done(done);
    this.attach(this.get(name));
    this.indexLater(this.get(name));
    this.changed(name);
    return this.summary(name);
  }

  /**
   * A clone's progress events, plus the repository's summary when something readable was kept:
   * its head start (the page then opens it), and each commit after (the pages read what is
   * linked so far; the check-in count grows).
   */
  private cloneEvents(name: string, events: SyncEvents, started: number): SyncEvents {
    let saved = 0;
    return {
      ...events,
      headStart: (h) => {
        this.emit({ type: 'log', repo: name, text: `clone: head start of ${h.artifacts} artifacts in ${((performance.now() - started) / 1000).toFixed(1)} s` });
        this.changed(name);
        events.headStart?.(h);
      },
      cloneProgress: (c) => {
        events.cloneProgress?.(c);
        if (c.saved !== saved) {
          saved = c.saved;
          this.changed(name);
        }
      },
    };
  }

  /**
   * Where a clone is kept: straight in its OPFS file, so a reload, a closed tab or a lost hub
   * leaves a clone that resumes where it stopped. While it runs, commits do not wait for the
   * disk (PRAGMA synchronous=OFF): the rollback journal still undoes a half-written commit when
   * the worker dies, and only a crash of the whole machine could cost the unfinished clone.
   */
  private cloneStorage(name: string, have: Open | undefined, access: RepoAccess, adminUser: string, signal: AbortSignal): CloneStorage {
    const durable = (repo: Repository, on: boolean) => {
      try {
        repo.db.exec(`PRAGMA synchronous=${on ? 'FULL' : 'OFF'}`);
      } catch {
        // closed: nothing to set
      }
    };
    if (have) durable(have.repo, false);
    return {
      unfinished: have?.repo,
      create: async (prepare) => {
        await this.pool.makeRoom();
        const db = this.pool.open(fileOf(name));
        // Made without waiting for the disk too: the first reply is what the user waits for.
        db.exec('PRAGMA synchronous=OFF');
        const target = Repository.create(db, { date: null, adminUser });
        prepare(target);
        const o: Open = { name, repo: target };
        this.open.set(name, o);
        await this.saveAccess(o, access);
        this.changed(name);
        return target;
      },
      keep: (repo) => {
        // Cancelled while it was checked and indexed (the worker answers calls only between steps).
        throwIfCancelled(signal, 'The clone');
        durable(repo, true);
        repo.setCrosslinker(crosslinkerFactory);
        // The pages' indexes, which an unfinished clone does not get (openRepo).
        ensureBrowseIndexes(repo.db);
        return repo;
      },
      leave: (repo) => {
        durable(repo, true);
        this.changed(name);
      },
      discard: () => this.remove(name),
      freshResumes: true,
      discardEmptyResumed: true,
    };
  }

  /** New credentials for a repository: its agent starts over with them. */
  private async takeAccess(o: Open, a: RepoAccess | undefined): Promise<void> {
    await this.saveAccess(o, a);
    const agent = o.agent;
    o.agent = undefined;
    await agent?.stop();
    this.attach(o);
    this.changed(o.name);
  }

  /**
   * A `.fossil` file (made by fossil or exported here) becomes a local repository. A copy of a
   * project already here is not imported twice: the outcome names the repository it could be
   * merged into (mergeFile), and nothing is stored.
   */
  async importFile(wanted: string, bytes: Uint8Array): Promise<ImportOutcome> {
    const code = await withCopy(bytes, (copy) => copy.projectCode);
    const have = this.byProject(code);
    if (have) return { kind: 'same-project', existing: have.name };
    const name = this.freeName(wanted);
    await this.pool.importFile(fileOf(name), bytes);
    const o = this.openRepo(name);
    // A file brought in here belongs to this browser; old hub credentials in it are dropped.
    o.repo.config.delete(OLD_HUB_AUTH);
    await this.saveAccess(o, undefined);
    this.changed(name);
    return { kind: 'imported', repo: this.summary(name) };
  }

  /**
   * Bring what a copy of the repository (a `.fossil` file of the same project) has and this one
   * lacks into it: a pull from the copy, through the sync engine, in one transaction
   * (mesh/merge-copy.ts). Its new check-ins are announced as any that arrive.
   */
  async mergeFile(name: string, bytes: Uint8Array): Promise<MergeOutcome> {
    const o = this.get(name);
    if (isUnfinishedClone(o.repo)) throw new CodedError('conflict', `The clone of “${name}” is not finished yet; finish it first (Sync now), then import the file again.`);
    const report = await withCopy(bytes, (copy) => mergeCopy(o.repo, copy));
    if (o.agent) o.agent.checkNew();
    this.changed(name);
    return { ...report, repo: this.summary(name) };
  }

  /** Writes made here that no hub or peer has yet, by kind (what deleting it would lose). */
  unsynced(name: string): UnsyncedWork {
    return unsyncedWork(this.get(name).repo);
  }

  /** The repository as a `.fossil` file (no secret is ever kept in it). */
  async exportFile(name: string): Promise<Uint8Array> {
    const { repo } = this.get(name);
    // A sync's transaction spans its rounds and their waits on the network (src/repo/write-lock.ts):
    // the file is read between two of them, not refused while one runs.
    return repo.writeLock.run(() => {
      if (repo.db.inTransaction) throw new CodedError('conflict', 'The repository is busy; try again in a moment.');
      return this.pool.exportFile(fileOf(name));
    });
  }

  /** The repository as a `git fast-import` stream, in a Blob made in steps (src/peer/git-download.ts). */
  exportGit(name: string): Promise<Blob> {
    return gitDownloadBlob(this.get(name).repo);
  }

  /** Start syncing a repository on a hub (with the hub's NATS credentials, when it needs them). */
  async setHub(name: string, hub: string, auth?: NatsAuth): Promise<RepoSummary> {
    const o = this.get(name);
    if (!/^wss?:\/\//i.test(hub)) throw new CodedError('bad-input', 'A hub address starts with ws:// or wss://');
    o.repo.config.set(HUB, hub.replace(/\/+$/, ''));
    await this.takeAccess(o, { ...(o.access ?? { role: 'owner' }), nats: auth });
    return this.summary(name);
  }

  /** Sign in with a fossil login (its password becomes the secret fossil stores). */
  async signIn(name: string, user: string, password: string): Promise<RepoSummary> {
    const o = this.get(name);
    if (!user.trim() || !password) throw new CodedError('bad-input', 'Give the login and its password.');
    const secret = loginSecret(password, user.trim(), o.repo.projectCode);
    const role = o.access?.role === 'owner' ? 'owner' : 'writer';
    await this.takeAccess(o, { ...(o.access ?? { role }), role, login: { user: user.trim(), secret }, refused: undefined });
    return this.summary(name);
  }

  /** Forget the fossil login: the repository is then read only here (unless this browser made it). */
  async signOut(name: string): Promise<RepoSummary> {
    const o = this.get(name);
    const a = o.access;
    if (a?.login) await this.takeAccess(o, { role: a.role === 'owner' ? 'owner' : 'reader', nats: a.nats });
    return this.summary(name);
  }

  /**
   * A read link or write invite for someone else: the hub makes them a member of their own
   * (revocable on its own). A reader, who may not invite, passes on its own read credentials.
   */
  async invite(name: string, role: 'reader' | 'writer', forWhom?: string): Promise<ShareTarget> {
    const o = this.get(name);
    const hub = o.repo.config.get(HUB);
    if (!hub) throw new CodedError('bad-input', 'Put this repository on a hub first.');
    const base: ShareTarget = { hub, projectCode: o.repo.projectCode, name, role };
    if (identityOf(o.access).role === 'reader') {
      if (role === 'writer') throw new ReadOnlyError('You have read access: only a writer can invite someone to write.');
      return { ...base, auth: o.access?.nats };
    }
    const nc = await this.hubs.get(hub, o.access?.nats).ready();
    let reply: InviteReply;
    try {
      const m = await new NatsBus(nc, o.access?.nats?.user).request(HUB_INVITE_SUBJECT, new TextEncoder().encode(JSON.stringify({ project: o.repo.projectCode, role, for: forWhom })), { timeoutMs: 10_000 });
      reply = JSON.parse(new TextDecoder().decode(m.data)) as InviteReply;
    } catch (e) {
      if (e instanceof BusError && e.code === 'no-responders') throw new CodedError('not-found', 'This hub does not hand out invites (it is not an EdgeSync hub).', { cause: e });
      if (e instanceof BusError && e.code === 'refused') throw new ReadOnlyError('Only a writer can invite others.', { cause: e });
      throw e;
    }
    if (!reply.ok) throw new CodedError('peer-refused', `The hub did not make the invite: ${reply.error}`);
    return { ...base, role: reply.role, auth: reply.auth, login: reply.login };
  }

  hubOf(name: string): { hub?: string; auth?: NatsAuth; projectCode: string; access?: RepoAccess } {
    const o = this.get(name);
    const r: { hub?: string; auth?: NatsAuth; projectCode: string; access?: RepoAccess } = { projectCode: o.repo.projectCode };
    const hub = o.repo.config.get(HUB);
    if (hub) r.hub = hub;
    if (o.access?.nats) r.auth = o.access.nats;
    if (o.access) r.access = o.access;
    return r;
  }

  async syncNow(name: string): Promise<SyncProgress> {
    const o = this.get(name);
    if (isUnfinishedClone(o.repo)) {
      const hub = o.repo.config.get(HUB);
      const code = o.repo.config.get(CLONE_PROJECT);
      if (!hub || !code) throw new CodedError('not-found', 'This clone cannot be resumed: its hub is unknown.');
      await this.resumeClone(name);
      return { repo: name, kind: 'clone', phase: 'done', rounds: 0, artifactsIn: 0, artifactsOut: 0, bytesIn: 0, bytesOut: 0, text: 'Clone finished' };
    }
    if (!o.agent) {
      const p = progressEvents(name, 'sync', this.emit);
      return p.failed(o.repo.config.get(HUB)
        ? { code: 'unreachable', message: 'Not connected to the hub yet; it syncs as soon as it is.' }
        : { code: 'not-found', message: 'This repository is not on a hub yet.' });
    }
    const outcome = await o.agent.syncAll('sync');
    if (!outcome) return progressEvents(name, 'sync', this.emit).failed({ code: 'no-peer', message: 'No peer serves this repository right now; it syncs as soon as one does.' });
    return o.lastProgress ?? progressEvents(name, 'sync', () => undefined).failed({ code: 'conflict', message: 'A sync is already running.' });
  }

  /**
   * The user a write here is made as: the fossil login when there is one (its pushes are signed
   * with it), else the name given (a repository of this browser's own). Refused for a reader.
   */
  authorFor(name: string, requested: string): string {
    const id = identityOf(this.get(name).access);
    if (!id.canWrite) throw new ReadOnlyError(id.note ?? 'You may not write in this repository.');
    return id.user ?? requested;
  }

  /** Run a write when no sync session of the repository is in flight (write-lock.ts). */
  write<T>(name: string, fn: (repo: Repository) => T): Promise<T> {
    const o = this.get(name);
    // Its page opens before the clone ends (the head start); a write waits for the whole history.
    if (isUnfinishedClone(o.repo)) return Promise.reject(new CodedError('conflict', `The clone of “${name}” is still arriving; write once it is complete.`));
    return o.repo.writeLock.run(() => fn(o.repo));
  }

  /**
   * A write that makes an artifact (every write but the draft's): as the user this browser may
   * write as, through the one write path (mesh/local-write.ts), then the after-write step.
   */
  publish<T>(name: string, requestedUser: string, fn: (repo: Repository, user: string) => LocalWrite<T>): Promise<T> {
    return this.write(name, (repo) => {
      const user = this.authorFor(name, requestedUser);
      return writeHere(repo, (r) => fn(r, user), (w) => this.afterWrite(name, w));
    });
  }

  /** A check-in of text files on top of the newest one (the overview's note form). */
  commit(name: string, files: { name: string; text: string }[], comment: string, user: string): Promise<string> {
    return this.publish(name, user, (repo, author) => {
      const { uuid } = checkinTextOnTip(repo, { files, comment, user: author });
      return { uuid, kind: 'checkin', value: uuid };
    });
  }

  /** A repository by name, for the author and browse groups (workers/author-api.ts, browse-api.ts). */
  repository(name: string): Repository {
    return this.get(name).repo;
  }

  /**
   * After a write made here (kept in the outbox by writeHere: announced again whenever peers
   * (re)join, until a server has it): the agent pushes it signed to the servers and announces
   * it. Offline, that happens on reconnect.
   */
  private afterWrite(name: string, w: Written): void {
    const o = this.get(name);
    if (o.agent) o.agent.wrote(w.uuid, w.kind === 'checkin');
    else if (w.kind === 'checkin') this.emit({ type: 'checkins', repo: name, uuids: [w.uuid], source: 'local' });
    this.changed(name);
  }

  remove(name: string): void {
    const o = this.open.get(name);
    if (o) {
      void o.agent?.stop();
      o.indexer?.stop();
      o.repo.db.close();
      this.open.delete(name);
    }
    this.pool.remove(fileOf(name));
    void idbDelete(accessKey(name)).catch(() => undefined);
    this.emit({ type: 'repo-removed', name });
  }

  /** Close everything. */
  async close(): Promise<void> {
    this.clones.cancelAll();
    for (const o of this.open.values()) await o.agent?.stop();
    await this.hubs.closeAll();
    for (const o of this.open.values()) {
      o.indexer?.stop();
      o.repo.db.close();
    }
    this.open.clear();
  }
}

/**
 * Open a `.fossil` file's bytes in memory and run `fn` on it as a repository: only a file fossil
 * would open gets further (to storage, or into another repository).
 */
async function withCopy<T>(bytes: Uint8Array, fn: (copy: Repository) => T | Promise<T>): Promise<T> {
  let db: Db | undefined;
  let copy: Repository;
  try {
    db = await openWasmDb({ bytes: bytes.slice() });
    copy = Repository.open(db);
    if (!copy.config.projectCode) throw new Error('it has no project code');
  } catch (e) {
    db?.close();
    throw new CodedError('bad-input', `This file is not a Fossil repository (${errorMessage(e)}).`, { cause: e });
  }
  try {
    return await fn(copy);
  } finally {
    db.close();
  }
}

/** The access a share link gives: its role, its hub credentials, its login (as a secret). */
function accessFrom(req: CloneRequest, projectCode: string): RepoAccess {
  const a: RepoAccess = { role: req.role ?? (req.login ? 'writer' : 'reader') };
  if (req.auth) a.nats = req.auth;
  if (req.login) a.login = { user: req.login.user, secret: loginSecret(req.login.password, req.login.user, projectCode) };
  return a;
}

/** An unfinished clone is opened without a crosslinker (its rebuild crosslinks at the end). */
function isUnfinishedClone0(db: Db): boolean {
  return db.value("SELECT 1 FROM config WHERE name=?", CLONE_SEQNO_SETTING) !== undefined;
}
