/**
 * Every repository of this browser: files in the OPFS pool under `/repos/<name>.fossil`, opened
 * once and kept open, each with a peer agent on its hub. Facts the UI needs but fossil does not
 * keep (the hub, when it last synced, this peer's id) live in the repository's own config table
 * under `edgesync-` names, which fossil ignores and never syncs.
 */
import type { Db } from '../src/db/db.ts';
import { exportWasmDb, openWasmDb } from '../src/db/sqlite-wasm.ts';
import type { OpfsPool } from '../src/db/sqlite-wasm-opfs.ts';
import { NatsTransport } from '../src/nats/client-transport.ts';
import type { NatsAuth } from '../src/nats/nats-url.ts';
import { Subjects } from '../src/nats/subjects.ts';
import type { CheckinRow, CloneRequest, PeerEvent, RepoSummary, SyncProgress } from '../src/peer/api-types.ts';
import { PeerAgent } from '../src/peer/peer-agent.ts';
import { addToOutbox } from '../src/peer/outbox.ts';
import { plainError, progressEvents } from '../src/peer/progress.ts';
import { localRepoName } from '../src/peer/share-link.ts';
import { createCheckin, type CheckinFile } from '../src/repo/authoring/checkin.ts';
import { filesOfCheckin } from '../src/repo/checkin-files.ts';
import { crosslinkerFactory } from '../src/repo/crosslink/factory.ts';
import { tipCheckin } from '../src/repo/queries/resolve.ts';
import { timeline } from '../src/repo/queries/timeline.ts';
import { Repository } from '../src/repo/repository.ts';
import { CLONE_RECEIVED_SETTING, CLONE_SEQNO_SETTING } from '../src/sync/client-session.ts';
import { ringVerifier } from './ring-verifier.ts';
import { cloneInto, isUnfinishedClone, prepareCloneTarget } from '../src/sync/clone-client.ts';
import { HubLinks } from './hub-links.ts';

const HUB = 'edgesync-hub';
const HUB_AUTH = 'edgesync-hub-auth';
const LAST_SYNC = 'edgesync-last-sync';
const PEER_ID = 'edgesync-peer-id';
const CLONE_PROJECT = 'edgesync-clone-project';

interface Open {
  name: string;
  repo: Repository;
  agent?: PeerAgent;
}

const fileOf = (name: string) => `/repos/${name}.fossil`;

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
    this.hubs = new HubLinks(emit);
  }

  /** Open every repository and put those with a hub on it. */
  start(): void {
    for (const f of this.pool.files()) {
      const m = /^\/repos\/(.+)\.fossil$/.exec(f);
      if (!m) continue;
      try {
        const o = this.openRepo(m[1]!);
        if (!isUnfinishedClone(o.repo)) this.attach(o);
      } catch (e) {
        this.emit({ type: 'log', repo: m[1], text: `cannot open: ${plainError(e)}` });
      }
    }
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
    const auth = readAuth(o.repo);
    this.hubs.get(hub, auth).whenConnected((nc) => {
      if (this.open.get(o.name) !== o || o.agent) return;
      let peerId = o.repo.config.get(PEER_ID);
      if (!peerId) {
        peerId = `browser-${randomHex(6)}`;
        o.repo.config.set(PEER_ID, peerId);
      }
      o.agent = new PeerAgent(nc, o.repo, {
        repoName: o.name,
        peerId,
        name: `Browser ${peerId.slice(8, 14)}`,
        onEvent: this.emit,
        onSynced: () => o.repo.config.set(LAST_SYNC, new Date().toISOString()),
      });
      o.agent.start();
      this.emit({ type: 'repos' });
    });
  }

  summary(name: string): RepoSummary {
    const { repo, agent } = this.get(name);
    const db = repo.db;
    const hub = repo.config.get(HUB);
    const newest = timeline(db, { limit: 1, types: ['ci'] })[0];
    const s: RepoSummary = {
      name,
      projectCode: repo.config.projectCode ?? repo.config.get(CLONE_PROJECT) ?? '',
      projectName: repo.config.get('project-name') ?? name,
      bytes: (db.value<number>('PRAGMA page_count') ?? 0) * (db.value<number>('PRAGMA page_size') ?? 0),
      checkins: db.value<number>("SELECT count(*) FROM event WHERE type='ci'") ?? 0,
      connection: hub ? this.hubs.get(hub, readAuth(repo)).state : 'none',
      peers: agent?.peers() ?? [],
      unfinished: isUnfinishedClone(repo),
    };
    if (newest) s.newest = newest.time;
    if (hub) s.hub = hub;
    const last = repo.config.get(LAST_SYNC);
    if (last) s.lastSync = last;
    return s;
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
    this.emit({ type: 'repos' });
    return this.summary(name);
  }

  /**
   * Clone a project from a hub, or finish an interrupted clone of it. A project already here is
   * not cloned twice: the share link just leads to it.
   */
  async clone(req: CloneRequest): Promise<RepoSummary> {
    const code = req.projectCode.toLowerCase();
    const have = this.byProject(code);
    if (have && !isUnfinishedClone(have.repo)) return this.summary(have.name);
    const subjects = new Subjects(code);
    let o = have;
    if (!o) {
      const name = this.freeName(req.name ?? `project-${code.slice(0, 8)}`);
      await this.pool.makeRoom();
      const repo = Repository.create(this.pool.open(fileOf(name)), { date: null, adminUser: req.auth?.user ?? 'browser' });
      prepareCloneTarget(repo);
      repo.config.set(CLONE_PROJECT, code);
      repo.config.set(HUB, req.hub);
      if (req.auth) repo.config.set(HUB_AUTH, JSON.stringify(req.auth));
      o = { name, repo };
      this.open.set(name, o);
      this.emit({ type: 'repos' });
    }
    const { name } = o;
    const progress = progressEvents(name, 'clone', this.emit);
    // A fresh clone runs in memory and goes to OPFS as one file at the end: SQLite writing
    // page by page into OPFS is several times slower than the whole transfer and rebuild in
    // memory. (A clone interrupted this way starts over; one already in OPFS resumes there.)
    const fresh = !have;
    const target = fresh ? Repository.create(await openWasmDb(), { date: null, adminUser: req.auth?.user ?? 'browser' }) : o.repo;
    if (fresh) prepareCloneTarget(target);
    try {
      const nc = await this.hubs.get(req.hub, req.auth).ready();
      const transport = new NatsTransport(nc, subjects, { retryForMs: 15_000, timeoutMs: 30_000 });
      const started = performance.now();
      let rebuildStarted = 0;
      const verifier = await ringVerifier();
      const r = await cloneInto(target, transport, {
        verifier,
        events: progress.events,
        onRebuildProgress: (p) => {
          rebuildStarted ||= performance.now();
          progress.step('Checking and indexing what arrived…', (0.99 * p.done) / Math.max(1, p.total));
        },
      }).finally(() => verifier.close());
      const stored = performance.now();
      target.config.set(HUB, req.hub);
      if (req.auth) target.config.set(HUB_AUTH, JSON.stringify(req.auth));
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
      else this.emit({ type: 'repos' });
      throw new Error(plainError(e));
    }
    this.attach(o);
    this.emit({ type: 'repos' });
    return this.summary(name);
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
    this.openRepo(name);
    this.emit({ type: 'repos' });
    return this.summary(name);
  }

  /** The repository as a `.fossil` file. */
  async exportFile(name: string): Promise<Uint8Array> {
    const { repo } = this.get(name);
    if (repo.db.inTransaction) throw new Error('The repository is busy; try again in a moment.');
    return this.pool.exportFile(fileOf(name));
  }

  /** Start syncing a repository (made or imported here) on a hub. */
  setHub(name: string, hub: string, auth?: NatsAuth): RepoSummary {
    const o = this.get(name);
    if (!/^wss?:\/\//i.test(hub)) throw new Error('A hub address starts with ws:// or wss://');
    void o.agent?.stop();
    o.agent = undefined;
    o.repo.config.set(HUB, hub.replace(/\/+$/, ''));
    if (auth) o.repo.config.set(HUB_AUTH, JSON.stringify(auth));
    else o.repo.config.delete(HUB_AUTH);
    this.attach(o);
    this.emit({ type: 'repos' });
    return this.summary(name);
  }

  hubOf(name: string): { hub?: string; auth?: NatsAuth; projectCode: string } {
    const { repo } = this.get(name);
    const r: { hub?: string; auth?: NatsAuth; projectCode: string } = { projectCode: repo.projectCode };
    const hub = repo.config.get(HUB);
    if (hub) r.hub = hub;
    const auth = readAuth(repo);
    if (auth) r.auth = auth;
    return r;
  }

  async syncNow(name: string): Promise<SyncProgress> {
    const o = this.get(name);
    if (isUnfinishedClone(o.repo)) {
      const hub = o.repo.config.get(HUB);
      const code = o.repo.config.get(CLONE_PROJECT);
      if (!hub || !code) throw new Error('This clone cannot be resumed: its hub is unknown.');
      await this.clone({ hub, projectCode: code, auth: readAuth(o.repo) });
      return { repo: name, kind: 'clone', phase: 'done', rounds: 0, artifactsIn: 0, artifactsOut: 0, bytesIn: 0, bytesOut: 0, text: 'Clone finished' };
    }
    if (!o.agent) {
      const p = progressEvents(name, 'sync', this.emit);
      return p.failed(o.repo.config.get(HUB) ? 'Not connected to the hub yet; it syncs as soon as it is.' : 'This repository is not on a hub yet.');
    }
    return (await o.agent.syncAll('sync')) ?? progressEvents(name, 'sync', () => undefined).failed('A sync is already running.');
  }

  /** A check-in of text files on top of the newest one (the full editor comes later). */
  commit(name: string, files: { name: string; text: string }[], comment: string, user: string): string {
    const o = this.get(name);
    const parent = tipCheckin(o.repo.db);
    const enc = new TextEncoder();
    const list = new Map<string, CheckinFile>();
    if (parent !== undefined) for (const f of filesOfCheckin(o.repo, parent)) list.set(f.name, { name: f.name, uuid: f.uuid ?? undefined, perm: f.perm });
    for (const f of files) list.set(f.name, { name: f.name, content: enc.encode(f.text) });
    const uuid = createCheckin(o.repo, { parent, comment, user, files: [...list.values()] }).uuid;
    if (o.agent) o.agent.checkNew('local');
    else this.emit({ type: 'checkins', repo: name, uuids: [uuid], source: 'local' });
    return uuid;
  }

  /** A repository by name, for the authoring API (workers/author-api.ts). */
  repository(name: string): Repository {
    return this.get(name).repo;
  }

  /**
   * After a write made here (`uuid` is the new artifact): keep it in the outbox and announce it
   * (peers pull what they lack; a browser may not push to a leaf), announce new check-ins, and
   * sync. Offline, the outbox is announced again on reconnect and when a peer appears.
   */
  wrote(name: string, kind: 'checkin' | 'other', uuid: string): void {
    const o = this.get(name);
    addToOutbox(o.repo, [uuid]);
    if (o.agent) {
      if (kind === 'checkin') o.agent.checkNew('local');
      o.agent.announceOutbox();
      void o.agent.syncAll('sync');
    } else if (kind === 'checkin') {
      this.emit({ type: 'checkins', repo: name, uuids: [uuid], source: 'local' });
    }
  }

  remove(name: string): void {
    const o = this.open.get(name);
    if (o) {
      void o.agent?.stop();
      o.repo.db.close();
      this.open.delete(name);
    }
    this.pool.remove(fileOf(name));
    this.emit({ type: 'repos' });
  }

  /** Close everything (another tab takes over). */
  async close(): Promise<void> {
    for (const o of this.open.values()) await o.agent?.stop();
    await this.hubs.closeAll();
    for (const o of this.open.values()) o.repo.db.close();
    this.open.clear();
  }
}

/** An unfinished clone is opened without a crosslinker (its rebuild crosslinks at the end). */
function isUnfinishedClone0(db: Db): boolean {
  return db.value("SELECT 1 FROM config WHERE name=?", CLONE_SEQNO_SETTING) !== undefined;
}

function nothingReceived(repo: Repository): boolean {
  return repo.config.getInt(CLONE_RECEIVED_SETTING, 0) === 0 && repo.config.getInt(CLONE_SEQNO_SETTING, 1) === 1;
}

function readAuth(repo: Repository): NatsAuth | undefined {
  const a = repo.config.get(HUB_AUTH);
  if (!a) return undefined;
  try {
    return JSON.parse(a) as NatsAuth;
  } catch {
    return undefined;
  }
}
