/**
 * The worker of a tab: every tab starts one, and the page talks to it only through the comlink
 * API below (typed by src/peer/worker-api.ts) and the event stream it subscribes to; it never
 * sees SQL. One of them leads (workers/tab-leader.ts): it holds the repositories (in OPFS) and
 * syncs them over NATS; the others send their page's calls to it and pass its events on. A worker
 * loads SQLite and opens storage only once it leads.
 */
import * as Comlink from 'comlink';
import type { PeerEvent, RepoSummary } from '../src/peer/api-types.ts';
import type { HubCalls, NotifyCalls, RepoCalls, WorkerApi } from '../src/peer/worker-api.ts';
import { forwardingApi } from '../src/peer/leader-link.ts';
import type { RepoStore } from './repo-store.ts';
import type { HubLinks } from './hub-links.ts';
import { NotifyService } from './notify-service.ts';
import { authorGroup } from './author-api.ts';
import { browseGroup } from './browse-api.ts';
import { recordsGroup } from './records-api.ts';
import { sendErrorCodes } from './coded-throw.ts';
import { joinTabs } from './tab-leader.ts';

type Listener = (e: PeerEvent) => void;
const listeners = new Set<Listener>();

/** To this tab's page. */
function deliver(e: PeerEvent): void {
  for (const l of listeners) {
    try {
      l(e);
    } catch {
      // A listener that went away (its page closed) must not stop the others.
    }
  }
}

/** The leader's events: to its own page and to every other tab's. */
function emit(e: PeerEvent): void {
  link.emit(e);
}

let storePromise: Promise<RepoStore> | undefined;
let hubsPromise: Promise<HubLinks> | undefined;

/** The hub connections, made before the store: a clone dials its hub while storage opens. */
function hubLinks(): Promise<HubLinks> {
  hubsPromise ??= import('./hub-links.ts').then((m) => new m.HubLinks());
  return hubsPromise;
}

function store(): Promise<RepoStore> {
  return openStore();
}

function openStore(): Promise<RepoStore> {
  // Loaded here, not imported above: a worker that does not lead never loads SQLite.
  storePromise ??= (async () => {
    // SQLite's WebAssembly compiles while the store's own modules load.
    const sqlite = import('../src/db/sqlite-wasm.ts').then((m) => m.loadSqlite3());
    const [{ installWebPlatform }, { openOpfsPool }, { RepoStore }, hubs] = await Promise.all([
      import('../src/platform/web.ts'), import('../src/db/sqlite-wasm-opfs.ts'), import('./repo-store.ts'), hubLinks(), sqlite,
    ]);
    await installWebPlatform();
    const pool = await openOpfsPool();
    const s = new RepoStore(pool, emit, hubs);
    await s.start();
    return s;
  })();
  return storePromise;
}

/** The repositories' chats (notify), started with the store. */
const notify = new NotifyService(store, emit);

const repos: RepoCalls = {
  async list() {
    return (await store()).list();
  },
  async checkins(name, limit = 200) {
    return (await store()).checkins(name, limit);
  },
  async create(name, user) {
    return (await store()).create(name, user);
  },
  async clone(req) {
    const hubs = hubLinks();
    void hubs.then((h) => h.get(req.hub, req.auth));
    const s = await store().catch(async (e: unknown) => {
      await (await hubs).release(req.hub, req.auth);
      throw e;
    });
    const r = await s.clone(req);
    // The chat starts following now: what was said before the clone is history, not unread.
    void notify.started(r.name).catch(() => undefined);
    return r;
  },
  async cancelClone(projectCode) {
    return (await store()).cancelClone(projectCode);
  },
  async importFile(name, bytes) {
    return (await store()).importFile(name, bytes);
  },
  async mergeFile(name, bytes) {
    return (await store()).mergeFile(name, bytes);
  },
  async unsynced(name) {
    return (await store()).unsynced(name);
  },
  async exportFile(name) {
    const bytes = await (await store()).exportFile(name);
    return Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]);
  },
  async exportGit(name) {
    return (await store()).exportGit(name);
  },
  async remove(name) {
    (await store()).remove(name);
    await notify.reset(name);
  },
  async commit(name, files, comment, user) {
    return (await store()).commit(name, files, comment, user);
  },
};

const hub: HubCalls = {
  async join(name, url, auth) {
    const r = await (await store()).setHub(name, url, auth);
    await notify.reset(name);
    return r;
  },
  async info(name) {
    const { hub, auth, projectCode } = (await store()).hubOf(name);
    return { hub, auth, projectCode };
  },
  async signIn(name, user, password) {
    return (await store()).signIn(name, user, password);
  },
  async signOut(name) {
    return (await store()).signOut(name);
  },
  async invite(name, role, forWhom) {
    return (await store()).invite(name, role, forWhom);
  },
  async syncNow(name) {
    return (await store()).syncNow(name);
  },
};

// The repository's chat on its hub (workers/notify-service.ts).
const chat: NotifyCalls = {
  view: (name, thread) => notify.view(name, thread),
  send: (name, req) => notify.send(name, req),
  async markRead(name, thread) {
    await notify.markRead(name, thread);
  },
  async setProject(name, project) {
    await notify.setProject(name, project);
  },
  async setName(displayName, opts) {
    await notify.setName(displayName, opts);
  },
};

export const workerApi: WorkerApi = {
  async init() {
    const s = await store();
    // The page's starting point goes out as an event, so it comes in order with every later one
    // (a reply to a call travels on another channel and may overtake or trail them).
    emit({ type: 'repos', repos: s.list() });
    void notify.startAll().catch(() => undefined);
  },
  subscribe(listener) {
    listeners.add(listener);
  },
  async leading() {
    return link.isLeader;
  },
  async storage() {
    const est = await navigator.storage.estimate();
    const persisted = (await navigator.storage.persisted?.()) ?? false;
    return { usedBytes: est.usage ?? 0, quotaBytes: est.quota ?? 0, persisted };
  },
  repos: Comlink.proxy(repos),
  hub: Comlink.proxy(hub),
  browse: browseGroup(async (name) => (await store()).repository(name)),
  author: authorGroup(store),
  records: recordsGroup(async (name) => (await store()).repository(name)),
  notify: Comlink.proxy(chat),
};

// The leader opens storage at once: a clone the old leader was running resumes (RepoStore.start),
// repositories reconnect to their hubs, and every page gets the repositories again.
const link = joinTabs<PeerEvent>(workerApi, deliver, () => void workerApi.init().catch(() => undefined));

/**
 * What the page calls: the same API, each call run by the leader (here, or through the link);
 * listeners and the question who leads stay in this worker.
 */
const pageApi: WorkerApi = {
  ...forwardingApi(workerApi, (path, args) => link.call(path, args), Comlink.proxy),
  subscribe: workerApi.subscribe,
  leading: workerApi.leading,
  async init() {
    if (link.isLeader) return workerApi.init();
    // Ready once a leader answers; the page's starting point comes as the leader's would.
    const repos = (await link.call(['repos', 'list'], [])) as RepoSummary[];
    deliver({ type: 'repos', repos });
  },
};

sendErrorCodes();
Comlink.expose(pageApi);
