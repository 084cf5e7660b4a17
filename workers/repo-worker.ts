/**
 * The worker that owns this browser's repositories (in OPFS) and syncs them over NATS. The UI
 * talks to it only through the comlink API below and the event stream it subscribes to; it
 * never sees SQL. The page starts this worker only while it holds the storage lock, so exactly
 * one worker per origin holds the OPFS pool.
 */
import * as Comlink from 'comlink';
import { openOpfsPool } from '../src/db/sqlite-wasm-opfs.ts';
import { installWebPlatform } from '../src/platform/web.ts';
import type { CheckinRow, CloneRequest, PeerEvent, RepoSummary, StorageInfo, SyncProgress } from '../src/peer/api-types.ts';
import type { NatsAuth } from '../src/nats/nats-url.ts';
import type { ShareTarget } from '../src/peer/share-link.ts';
import { RepoStore } from './repo-store.ts';
import { NotifyService } from './notify-service.ts';
import type { ChatSendRequest, ChatView } from '../src/peer/notify-types.ts';
import type { NotifyMessage } from '../src/notify/message.ts';
import { authorGroup } from './author-api.ts';
import { browseGroup } from './browse-api.ts';

type Listener = (e: PeerEvent) => void;
const listeners = new Set<Listener>();

function emit(e: PeerEvent): void {
  for (const l of listeners) {
    try {
      l(e);
    } catch {
      // A listener that went away (its page closed) must not stop the others.
    }
  }
}

let storePromise: Promise<RepoStore> | undefined;

async function store(): Promise<RepoStore> {
  const s = await openStore();
  await s.settled();
  return s;
}

function openStore(): Promise<RepoStore> {
  storePromise ??= (async () => {
    await installWebPlatform();
    const pool = await openOpfsPool();
    const s = new RepoStore(pool, emit);
    await s.start();
    return s;
  })();
  return storePromise;
}

/** The repositories' chats (notify), started with the store. */
const notify = new NotifyService(store, emit);

export const workerApi = {
  /** Opens storage and every repository; resolves when ready (rejects when storage is unusable). */
  async init(): Promise<void> {
    await store();
    void notify.startAll().catch(() => undefined);
  },
  subscribe(listener: Listener): void {
    listeners.add(listener);
  },
  async list(): Promise<RepoSummary[]> {
    return (await store()).list();
  },
  async summary(name: string): Promise<RepoSummary> {
    return (await store()).summary(name);
  },
  async checkins(name: string, limit = 200): Promise<CheckinRow[]> {
    return (await store()).checkins(name, limit);
  },
  async create(name: string, user: string): Promise<RepoSummary> {
    return (await store()).create(name, user);
  },
  async clone(req: CloneRequest): Promise<RepoSummary> {
    return (await store()).clone(req);
  },
  async importFile(name: string, bytes: Uint8Array): Promise<RepoSummary> {
    return (await store()).importFile(name, bytes);
  },
  async exportFile(name: string): Promise<Uint8Array> {
    const bytes = await (await store()).exportFile(name);
    return Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]);
  },
  async remove(name: string): Promise<void> {
    (await store()).remove(name);
    await notify.reset(name);
  },
  async setHub(name: string, hub: string, auth?: NatsAuth): Promise<RepoSummary> {
    const r = await (await store()).setHub(name, hub, auth);
    await notify.reset(name);
    return r;
  },
  async hubOf(name: string): Promise<{ hub?: string; auth?: NatsAuth; projectCode: string }> {
    const { hub, auth, projectCode } = (await store()).hubOf(name);
    return { hub, auth, projectCode };
  },
  /** Sign in to a repository with a fossil login (its check-ins carry it; its pushes are signed with it). */
  async signIn(name: string, user: string, password: string): Promise<RepoSummary> {
    return (await store()).signIn(name, user, password);
  },
  async signOut(name: string): Promise<RepoSummary> {
    return (await store()).signOut(name);
  },
  /** A read link or write invite for someone else (the hub makes them a member). */
  async invite(name: string, role: 'reader' | 'writer', forWhom?: string): Promise<ShareTarget> {
    return (await store()).invite(name, role, forWhom);
  },
  async syncNow(name: string): Promise<SyncProgress> {
    return (await store()).syncNow(name);
  },
  async commit(name: string, files: { name: string; text: string }[], comment: string, user: string): Promise<string> {
    return (await store()).commit(name, files, comment, user);
  },
  /** Writing in the browser: the working copy and its commit, wiki, tickets, tags. */
  author: authorGroup(store),
  async storage(): Promise<StorageInfo> {
    const est = await navigator.storage.estimate();
    const persisted = (await navigator.storage.persisted?.()) ?? false;
    return { usedBytes: est.usage ?? 0, quotaBytes: est.quota ?? 0, persisted };
  },
  /** Reading a repository: timeline, check-ins, diffs, files, wiki, tickets, forum (src/peer/browse.ts). */
  browse: browseGroup(async (name) => (await store()).repository(name)),
  // Notify: the repository's chat on its hub (workers/notify-service.ts).
  async notifyView(name: string, thread?: string): Promise<ChatView> {
    return notify.view(name, thread);
  },
  async notifySend(name: string, req: ChatSendRequest): Promise<NotifyMessage> {
    return notify.send(name, req);
  },
  async notifyMarkRead(name: string, thread: string): Promise<void> {
    await notify.markRead(name, thread);
  },
  async notifySetProject(name: string, project: string): Promise<void> {
    await notify.setProject(name, project);
  },
  async notifySetName(displayName: string): Promise<void> {
    await notify.setName(displayName);
  },
  /** Close every repository and connection (before another tab takes over). */
  async shutdown(): Promise<void> {
    await notify.close();
    if (storePromise) await (await storePromise).close();
  },
};

export type WorkerApi = typeof workerApi;

Comlink.expose(workerApi);
