/**
 * The worker's chats, one per repository with a hub, opened on first use and kept running (so
 * alerts arrive while another page is shown). This browser's notify identity (its peer id and
 * display name) is shared by all of them.
 */
import type { PeerEvent } from '../src/peer/api-types.ts';
import type { ChatSendRequest, ChatView } from '../src/peer/notify-types.ts';
import type { NotifyMessage } from '../src/notify/message.ts';
import { checkProject } from '../src/notify/message.ts';
import { randomHex } from '../src/notify/ids.ts';
import type { RepoStore } from './repo-store.ts';
import { NotifyChannel, type Self } from './notify-channel.ts';
import { idbGet, idbSet } from './idb-kv.ts';

/**
 * A repository's notify project: its project code (lowercase hex, one subject token), so every
 * copy of the repository, whatever its local name here or elsewhere, is in the same chat, and
 * `edgesync notify --project CODE` joins it. A repository without a project code yet (an
 * unfinished clone) falls back to its local name.
 */
export function defaultProject(repo: string, projectCode: string | undefined): string {
  if (projectCode && /^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(projectCode)) return projectCode.toLowerCase();
  return legacyProject(repo);
}

/** What chats were named before they followed the project code: the local name as one token. */
export function legacyProject(repo: string): string {
  return repo.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'chat';
}

export class NotifyService {
  private readonly channels = new Map<string, Promise<NotifyChannel>>();
  private self: Self | undefined;

  constructor(
    private readonly store: () => Promise<RepoStore>,
    private readonly emit: (e: PeerEvent) => void,
  ) {}

  private async identity(): Promise<Self> {
    if (!this.self) {
      this.self = (await idbGet<Self>('self')) ?? { id: `browser-${randomHex(6)}`, name: '' };
      if (!this.self.name) this.self.name = `Browser ${this.self.id.slice(8, 14)}`;
      // Saved before names were marked: a name other than the generated one was given.
      this.self.named ??= this.self.name !== `Browser ${this.self.id.slice(8, 14)}`;
      await idbSet('self', this.self);
    }
    return this.self;
  }

  private channel(repo: string): Promise<NotifyChannel> {
    let c = this.channels.get(repo);
    if (!c) {
      c = (async () => {
        const self = await this.identity();
        const store = await this.store();
        const { hub, auth, projectCode } = store.hubOf(repo);
        const link = hub ? { link: store.hubs.get(hub, auth), auth } : undefined;
        return NotifyChannel.open(repo, defaultProject(repo, projectCode), legacyProject(repo), () => self, link, this.emit);
      })();
      c.catch(() => this.channels.delete(repo));
      this.channels.set(repo, c);
    }
    return c;
  }

  /** Start the chats of every repository on a hub (for alerts), without waiting for them. */
  async startAll(): Promise<void> {
    const store = await this.store();
    for (const r of store.list()) if (r.hub && !r.unfinished) void this.channel(r.name).catch(() => undefined);
  }

  /** Start following a repository's chat (a clone just finished). */
  async started(repo: string): Promise<void> {
    await this.channel(repo);
  }

  async view(repo: string, thread?: string): Promise<ChatView> {
    return (await this.channel(repo)).view(thread);
  }

  async send(repo: string, req: ChatSendRequest): Promise<NotifyMessage> {
    return (await this.channel(repo)).send(req);
  }

  async markRead(repo: string, thread: string): Promise<void> {
    (await this.channel(repo)).markRead(thread);
  }

  async setProject(repo: string, project: string): Promise<void> {
    await (await this.channel(repo)).setProject(checkProject(project));
  }

  async setName(name: string, opts: { ifUnnamed?: boolean } = {}): Promise<void> {
    const self = await this.identity();
    if (opts.ifUnnamed && self.named) return;
    if (!name.trim()) return;
    self.name = name.trim();
    self.named = true;
    await idbSet('self', self);
  }

  /** A repository put on a hub (or deleted): its chat starts over with the new setting. */
  async reset(repo: string): Promise<void> {
    const c = this.channels.get(repo);
    this.channels.delete(repo);
    if (c) await (await c).close().catch(() => undefined);
  }

  async close(): Promise<void> {
    const all = [...this.channels.values()];
    this.channels.clear();
    for (const c of all) await (await c).close().catch(() => undefined);
  }
}
