/**
 * Every repository of this browser: files in the OPFS pool under `/repos/<name>.fossil`, opened
 * once and kept open, each with a mesh agent on its hub. Facts the UI needs but fossil does not
 * keep (the hub, when it last synced, this peer's id) live in the repository's own config table
 * under `edgesync-` names, which fossil ignores and never syncs; secrets (hub credentials, the
 * fossil login) live in IndexedDB (access.ts), never in the file.
 */
import type { Db } from '../src/db/db.ts';
import { exportWasmDb, openWasmDb } from '../src/db/sqlite-wasm.ts';
import type { OpfsPool } from '../src/db/sqlite-wasm-opfs.ts';
import type { NatsConnection } from '@nats-io/nats-core';
import { MeshAgent, SERVER_KINDS, type MeshHooks } from '../src/mesh/agent.ts';
import { addToOutbox, unaccepted } from '../src/mesh/outbox.ts';
import { NatsTransport } from '../src/nats/client-transport.ts';
import { NatsBus } from '../src/nats/nats-bus.ts';
import type { NatsAuth } from '../src/nats/nats-url.ts';
import { isSubjectToken, ownedPeerId, ownerOf, Subjects } from '../src/nats/subjects.ts';
import { identityOf, ReadOnlyError, type RepoAccess } from '../src/peer/access.ts';
import type { CheckinRow, CloneRequest, PeerEvent, RepoSummary, SyncProgress } from '../src/peer/api-types.ts';
import { plainError, progressEvents } from '../src/peer/progress.ts';
import { localRepoName, type ShareTarget } from '../src/peer/share-link.ts';
import { HUB_INVITE_SUBJECT, type InviteReply } from '../src/nats/hub-permissions.ts';
import { BusError } from '../src/mesh/bus.ts';
import { createCheckin, type CheckinFile } from '../src/repo/authoring/checkin.ts';
import { filesOfCheckin } from '../src/repo/checkin-files.ts';
import { crosslinkerFactory } from '../src/repo/crosslink/factory.ts';
import { tipCheckin } from '../src/repo/queries/resolve.ts';
import { timeline } from '../src/repo/queries/timeline.ts';
import { Repository } from '../src/repo/repository.ts';
import { CLONE_RECEIVED_SETTING, CLONE_SEQNO_SETTING, SyncError } from '../src/sync/client-session.ts';
import { refusalOf } from '../src/sync/refusal.ts';
import { loginSecret } from '../src/sync/login.ts';
import { ringVerifier } from './ring-verifier.ts';
import { cloneInto, isUnfinishedClone, prepareCloneTarget } from '../src/sync/clone-client.ts';
import { HubLinks } from './hub-links.ts';
import { idbDelete, idbGet, idbSet } from './idb-kv.ts';

const HUB = 'edgesync-hub';
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
}

const fileOf = (name: string) => `/repos/${name}.fossil`;
const accessKey = (name: string) => `access:${name}`;

function randomHex(n: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export class RepoStore {
  private readonly open = new Map<string, Open>();
  /** While a finished in-memory clone replaces its placeholder file, calls wait for it. */
  private swapping: Promise<void> = Promise.resolve();
  readonly hubs: HubLinks;

  constructor(
    private readonly pool: OpfsPool,
    private readonly emit: (e: PeerEvent) => void,
  ) {
    this.hubs = new HubLinks((e, link) => this.emit({ ...e, repos: this.namesOn(link.key) }));
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
      this.emit({ type: 'log', repo: name, text: `cannot describe: ${plainError(e)}` });
    }
  }

  /** Open every repository and put those with a hub on it. */
  async start(): Promise<void> {
    for (const f of this.pool.files()) {
      const m = /^\/repos\/(.+)\.fossil$/.exec(f);
      if (!m) continue;
      try {
        const o = this.openRepo(m[1]!);
        o.access = await this.loadAccess(o);
        if (!isUnfinishedClone(o.repo)) this.attach(o);
      } catch (e) {
        this.emit({ type: 'log', repo: m[1], text: `cannot open: ${plainError(e)}` });
      }
    }
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

  /** Resolves when no repository is being swapped in (the worker API awaits it before each call). */
  settled(): Promise<void> {
    return this.swapping;
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
      repo = Repository.open(db, isUnfinishedClone0(db) ? {} : { crosslinker: crosslinkerFactory });
    } catch (e) {
      db.close();
      throw e;
    }
    o = { name, repo };
    this.open.set(name, o);
    return o;
  }

  private get(name: string): Open {
    const o = this.open.get(name);
    if (!o) throw new Error(`There is no repository named “${name}” in this browser.`);
    return o;
  }

  /** Join the repository's hub as a peer (once the hub is reachable). */
  private attach(o: Open): void {
    const hub = o.repo.config.get(HUB);
    if (!hub || o.agent) return;
    this.hubs.get(hub, o.access?.nats).whenConnected((nc) => {
      if (this.open.get(o.name) !== o || o.agent) return;
      void this.startAgent(o, nc).catch((e) => this.emit({ type: 'log', repo: o.name, text: `cannot join the hub: ${plainError(e)}` }));
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
          o.lastProgress = p.failed(plainError(outcome.error));
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
   * not cloned twice: the share link just leads to it (and a write invite's login is taken).
   */
  async clone(req: CloneRequest): Promise<RepoSummary> {
    const code = req.projectCode.toLowerCase();
    const access = accessFrom(req, code);
    const have = this.byProject(code);
    if (have && !isUnfinishedClone(have.repo)) {
      if (req.login && have.access?.role !== 'owner') await this.takeAccess(have, { ...access, nats: req.auth ?? have.access?.nats });
      return this.summary(have.name);
    }
    const subjects = new Subjects(code);
    const admin = req.login?.user ?? 'browser';
    let o = have;
    if (!o) {
      const name = this.freeName(req.name ?? `project-${code.slice(0, 8)}`);
      await this.pool.makeRoom();
      const repo = Repository.create(this.pool.open(fileOf(name)), { date: null, adminUser: admin });
      prepareCloneTarget(repo);
      repo.config.set(CLONE_PROJECT, code);
      repo.config.set(HUB, req.hub);
      o = { name, repo };
      this.open.set(name, o);
      await this.saveAccess(o, access);
      this.changed(name);
    }
    const { name } = o;
    const progress = progressEvents(name, 'clone', this.emit);
    // A fresh clone runs in memory and goes to OPFS as one file at the end: SQLite writing
    // page by page into OPFS is several times slower than the whole transfer and rebuild in
    // memory. (A clone interrupted this way starts over; one already in OPFS resumes there.)
    const fresh = !have;
    const target = fresh ? Repository.create(await openWasmDb(), { date: null, adminUser: admin }) : o.repo;
    if (fresh) prepareCloneTarget(target);
    try {
      const nc = await this.hubs.get(req.hub, req.auth).ready();
      const transport = new NatsTransport(new NatsBus(nc, req.auth?.user), subjects, { retryForMs: 15_000, timeoutMs: 30_000 });
      const started = performance.now();
      let rebuildStarted = 0;
      const verifier = await ringVerifier();
      const login = access.login ? { user: access.login.user, password: access.login.secret } : undefined;
      const run = (withLogin: typeof login) => cloneInto(target, transport, {
        verifier,
        login: withLogin,
        events: progress.events,
        onRebuildProgress: (p) => {
          rebuildStarted ||= performance.now();
          progress.step('Checking and indexing what arrived…', (0.99 * p.done) / Math.max(1, p.total));
        },
      });
      // The peer that answers may be one that does not know the invite's login (another
      // writer's browser): it refuses the login, not the clone; go on without it there.
      const r = await run(login).catch((e: unknown) => {
        if (login && e instanceof SyncError && refusalOf(e.serverError) === 'login') return run(undefined);
        throw e;
      }).finally(() => verifier.close());
      const stored = performance.now();
      target.config.set(HUB, req.hub);
      target.config.set(LAST_SYNC, new Date().toISOString());
      if (fresh) {
        progress.step('Saving to browser storage…', 0.995);
        let swapped!: () => void;
        this.swapping = new Promise((r) => (swapped = r));
        try {
          const bytes = exportWasmDb(target.db);
          target.db.close();
          o.repo.db.close();
          this.open.delete(name);
          this.pool.remove(fileOf(name));
          await this.pool.importFile(fileOf(name), bytes);
          o = this.openRepo(name);
          o.access = access;
        } finally {
          swapped();
        }
      } else {
        target.config.delete(CLONE_PROJECT);
        target.setCrosslinker(crosslinkerFactory);
      }
      const s = (ms: number) => (ms / 1000).toFixed(1);
      const end = performance.now();
      this.emit({ type: 'log', repo: name, text: `clone: ${r.artifactsReceived} artifacts, ${r.rounds} rounds, transfer ${s((rebuildStarted || stored) - started)} s, rebuild ${s(rebuildStarted ? stored - rebuildStarted : 0)} s, save ${s(end - stored)} s` });
      progress.done(r);
    } catch (e) {
      progress.failed(plainError(e));
      if (fresh) {
        try {
          target.db.close();
        } catch {
          // already closed by a failed swap
        }
      }
      if (fresh || nothingReceived(o.repo)) this.remove(name);
      else this.changed(name);
      throw new Error(plainError(e));
    }
    this.attach(o);
    this.changed(name);
    return this.summary(name);
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

  /** A `.fossil` file (made by fossil or exported here) becomes a local repository. */
  async importFile(wanted: string, bytes: Uint8Array): Promise<RepoSummary> {
    // Check it in memory first: only a repository fossil would open gets into storage.
    let probe: Db | undefined;
    let code: string;
    try {
      probe = await openWasmDb({ bytes: bytes.slice() });
      code = Repository.open(probe).projectCode;
    } catch (e) {
      throw new Error(`This file is not a Fossil repository (${plainError(e)}).`);
    } finally {
      probe?.close();
    }
    const have = this.byProject(code);
    if (have) throw new Error(`This project is already here, as “${have.name}”.`);
    const name = this.freeName(wanted);
    await this.pool.importFile(fileOf(name), bytes);
    const o = this.openRepo(name);
    // A file brought in here belongs to this browser; old hub credentials in it are dropped.
    o.repo.config.delete(OLD_HUB_AUTH);
    await this.saveAccess(o, undefined);
    this.changed(name);
    return this.summary(name);
  }

  /** The repository as a `.fossil` file (no secret is ever kept in it). */
  async exportFile(name: string): Promise<Uint8Array> {
    const { repo } = this.get(name);
    if (repo.db.inTransaction) throw new Error('The repository is busy; try again in a moment.');
    return this.pool.exportFile(fileOf(name));
  }

  /** Start syncing a repository on a hub (with the hub's NATS credentials, when it needs them). */
  async setHub(name: string, hub: string, auth?: NatsAuth): Promise<RepoSummary> {
    const o = this.get(name);
    if (!/^wss?:\/\//i.test(hub)) throw new Error('A hub address starts with ws:// or wss://');
    o.repo.config.set(HUB, hub.replace(/\/+$/, ''));
    await this.takeAccess(o, { ...(o.access ?? { role: 'owner' }), nats: auth });
    return this.summary(name);
  }

  /** Sign in with a fossil login (its password becomes the secret fossil stores). */
  async signIn(name: string, user: string, password: string): Promise<RepoSummary> {
    const o = this.get(name);
    if (!user.trim() || !password) throw new Error('Give the login and its password.');
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
    if (!hub) throw new Error('Put this repository on a hub first.');
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
      if (e instanceof BusError && e.code === 'no-responders') throw new Error('This hub does not hand out invites (it is not an EdgeSync hub).');
      if (e instanceof BusError && e.code === 'refused') throw new ReadOnlyError('Only a writer can invite others.');
      throw e;
    }
    if (!reply.ok) throw new Error(`The hub did not make the invite: ${reply.error}`);
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
      if (!hub || !code) throw new Error('This clone cannot be resumed: its hub is unknown.');
      await this.clone({ hub, projectCode: code, auth: o.access?.nats });
      return { repo: name, kind: 'clone', phase: 'done', rounds: 0, artifactsIn: 0, artifactsOut: 0, bytesIn: 0, bytesOut: 0, text: 'Clone finished' };
    }
    if (!o.agent) {
      const p = progressEvents(name, 'sync', this.emit);
      return p.failed(o.repo.config.get(HUB) ? 'Not connected to the hub yet; it syncs as soon as it is.' : 'This repository is not on a hub yet.');
    }
    const outcome = await o.agent.syncAll('sync');
    if (!outcome) return progressEvents(name, 'sync', this.emit).failed('No peer serves this repository right now; it syncs as soon as one does.');
    return o.lastProgress ?? progressEvents(name, 'sync', () => undefined).failed('A sync is already running.');
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
    return o.repo.writeLock.run(() => fn(o.repo));
  }

  /** A check-in of text files on top of the newest one (the overview's note form). */
  commit(name: string, files: { name: string; text: string }[], comment: string, user: string): Promise<string> {
    return this.write(name, () => this.commitNow(name, files, comment, user));
  }

  private commitNow(name: string, files: { name: string; text: string }[], comment: string, user: string): string {
    const o = this.get(name);
    const author = this.authorFor(name, user);
    const parent = tipCheckin(o.repo.db);
    const enc = new TextEncoder();
    const list = new Map<string, CheckinFile>();
    if (parent !== undefined) for (const f of filesOfCheckin(o.repo, parent)) list.set(f.name, { name: f.name, uuid: f.uuid ?? undefined, perm: f.perm });
    for (const f of files) list.set(f.name, { name: f.name, content: enc.encode(f.text) });
    const uuid = createCheckin(o.repo, { parent, comment, user: author, files: [...list.values()] }).uuid;
    this.wrote(name, 'checkin', uuid);
    return uuid;
  }

  /** A repository by name, for the author and browse groups (workers/author-api.ts, browse-api.ts). */
  repository(name: string): Repository {
    return this.get(name).repo;
  }

  /**
   * After a write made here (`uuid` is the new artifact): keep it in the outbox (announced again
   * whenever peers (re)join, until a server has it), and hand it to the agent, which pushes it
   * signed to the servers and announces it. Offline, that happens on reconnect.
   */
  wrote(name: string, kind: 'checkin' | 'other', uuid: string): void {
    const o = this.get(name);
    addToOutbox(o.repo, [uuid]);
    if (o.agent) o.agent.wrote(uuid, kind === 'checkin');
    else if (kind === 'checkin') this.emit({ type: 'checkins', repo: name, uuids: [uuid], source: 'local' });
    this.changed(name);
  }

  remove(name: string): void {
    const o = this.open.get(name);
    if (o) {
      void o.agent?.stop();
      o.repo.db.close();
      this.open.delete(name);
    }
    this.pool.remove(fileOf(name));
    void idbDelete(accessKey(name)).catch(() => undefined);
    this.emit({ type: 'repo-removed', name });
  }

  /** Close everything (another tab takes over). */
  async close(): Promise<void> {
    for (const o of this.open.values()) await o.agent?.stop();
    await this.hubs.closeAll();
    for (const o of this.open.values()) o.repo.db.close();
    this.open.clear();
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

function nothingReceived(repo: Repository): boolean {
  return repo.config.getInt(CLONE_RECEIVED_SETTING, 0) === 0 && repo.config.getInt(CLONE_SEQNO_SETTING, 1) === 1;
}
