/**
 * The repository worker's API as the page sees it (workers/repo-worker.ts implements it): a few
 * calls of its own and one group per concern, every call taking plain data. The page holds it as
 * `Comlink.Remote<WorkerApi>`, which types each call correctly with no cast.
 *
 * Why groups are marked: comlink calls `api.browse.tree(…)` by sending the path
 * (`browse`, `tree`) to the worker, which finds the function there, so a group is a plain object
 * of functions. Its typing, though, treats a plain object as data to be copied (a promise of the
 * object); the proxy marker (`Comlink.proxy` on the worker side) makes it a group of remote calls.
 */
import type { ProxyMarked } from 'comlink';
import type { NatsAuth } from '../nats/nats-url.ts';
import type { NotifyMessage } from '../notify/message.ts';
import type { Repository } from '../repo/repository.ts';
import type {
  CheckinRow, CloneRequest, ImportOutcome, MergeOutcome, PeerEvent, RepoSummary, StorageInfo, SyncProgress, UnsyncedWork,
} from './api-types.ts';
import type {
  CommitOutcome, CommitRequest, DraftState, FileText, ForkInfo, StartPoint, TagResult, TicketRow, TicketSource, WikiPageSource,
} from './author-types.ts';
import type { browseReaders } from './browse.ts';
import type { documentReaders } from './browse-docs.ts';
import type { AttachmentInfo, AttachRequest, ForumPostRequest, TechnoteRequest } from './record-types.ts';
import type { recordReaders } from './records.ts';
import type { ChatSendRequest, ChatView } from './notify-types.ts';
import type { ShareTarget } from './share-link.ts';

/** A group of the worker's calls (see above). */
export type Group<T> = T & ProxyMarked;

/** Functions over a repository, called with the repository's local name instead. */
export type ByName<F> = {
  [K in keyof F]: F[K] extends (repo: Repository, ...a: infer A) => infer R ? (name: string, ...a: A) => Promise<R> : never;
};

/** The repositories of this browser. */
export interface RepoCalls {
  list(): Promise<RepoSummary[]>;
  /** Check-ins, newest first. */
  checkins(name: string, limit?: number): Promise<CheckinRow[]>;
  create(name: string, user: string): Promise<RepoSummary>;
  /** Clone from a hub (or wait for the clone of that project already under way). */
  clone(req: CloneRequest): Promise<RepoSummary>;
  /** Stop the clone of a project; it fails `cancelled` and leaves nothing half made. False when none runs. */
  cancelClone(projectCode: string): Promise<boolean>;
  /** A new repository from a `.fossil` file, or (nothing stored) the repository of the same project already here. */
  importFile(name: string, bytes: Uint8Array): Promise<ImportOutcome>;
  /** Bring what a copy of the repository (a `.fossil` of the same project) has and it lacks into it, in one transaction. */
  mergeFile(name: string, bytes: Uint8Array): Promise<MergeOutcome>;
  /** Writes made here that no hub or peer has accepted yet, by kind (what Delete would lose). */
  unsynced(name: string): Promise<UnsyncedWork>;
  /** The repository as a `.fossil` file (no secret is ever kept in it). */
  exportFile(name: string): Promise<Uint8Array>;
  /** The repository as a `git fast-import` stream: every check-in a commit, its branches and tags (src/git). */
  exportGit(name: string): Promise<Blob>;
  remove(name: string): Promise<void>;
  /** A check-in of text files on top of the newest one (the overview's note form); its hash. */
  commit(name: string, files: { name: string; text: string }[], comment: string, user: string): Promise<string>;
}

/** A repository on its hub: which hub, who this browser is there, invites, syncing. */
export interface HubCalls {
  /** Put the repository on a hub (with the hub's NATS credentials, when it needs them). */
  join(name: string, hub: string, auth?: NatsAuth): Promise<RepoSummary>;
  info(name: string): Promise<{ hub?: string; auth?: NatsAuth; projectCode: string }>;
  /** Sign in with a fossil login (its check-ins carry it; its pushes are signed with it). */
  signIn(name: string, user: string, password: string): Promise<RepoSummary>;
  signOut(name: string): Promise<RepoSummary>;
  /** A read link or write invite for someone else (the hub makes them a member). */
  invite(name: string, role: 'reader' | 'writer', forWhom?: string): Promise<ShareTarget>;
  syncNow(name: string): Promise<SyncProgress>;
}

/** Reading a repository: timeline, check-ins, diffs, files, wiki, tickets, forum (src/peer/browse.ts). */
export type BrowseCalls = ByName<typeof browseReaders & typeof documentReaders>;

/** Reading forum posts and technotes to edit, attachments with their bytes, ticket reports (src/peer/records.ts). */
export type RecordCalls = ByName<typeof recordReaders>;

/** Writing in the browser: the working copy and its commit, wiki, tickets, tags (src/peer/author.ts). */
export interface AuthorCalls {
  /** Branches a draft can start from. */
  startPoints(name: string): Promise<StartPoint[]>;
  draft(name: string): Promise<DraftState>;
  /** Start the draft on a branch (follows its tip) or at a check-in (hash prefix, tag). */
  startDraft(name: string, from: { branch?: string; checkin?: string }): Promise<DraftState>;
  readFile(name: string, file: string): Promise<FileText>;
  writeFile(name: string, file: string, bytes: Uint8Array): Promise<DraftState>;
  writeFiles(name: string, files: { name: string; bytes: Uint8Array }[]): Promise<DraftState>;
  deleteFile(name: string, file: string): Promise<DraftState>;
  renameFile(name: string, from: string, to: string): Promise<DraftState>;
  revertFile(name: string, file: string): Promise<DraftState>;
  discard(name: string): Promise<DraftState>;
  commit(name: string, req: CommitRequest): Promise<CommitOutcome>;
  /** Branches this browser's own writes forked. */
  forks(name: string): Promise<ForkInfo[]>;
  wikiTitles(name: string): Promise<string[]>;
  wikiSource(name: string, title: string): Promise<WikiPageSource>;
  /** A new version of a wiki page; its hash. */
  writeWiki(name: string, page: { title: string; text: string; mimetype: string; user: string }): Promise<string>;
  tickets(name: string): Promise<TicketRow[]>;
  ticket(name: string, id: string): Promise<TicketSource>;
  /** A new ticket (no id) or a change of an existing one; fields named `+x` append to x. The ticket's id. */
  writeTicket(name: string, change: { id?: string; fields: Record<string, string>; user: string }): Promise<string>;
  /** Put a symbolic tag on a check-in (hash prefix, branch or tag name). */
  addTag(name: string, req: { checkin: string; tag: string; user: string; propagate?: boolean }): Promise<TagResult>;
  /** A new forum thread, a reply, or an edit of one's own post; the new version's hash. */
  postForum(name: string, req: ForumPostRequest): Promise<string>;
  /** A new technote or a new version of one; its id. */
  writeTechnote(name: string, req: TechnoteRequest): Promise<string>;
  /** Attach a file to a wiki page, ticket or technote. */
  attach(name: string, req: AttachRequest): Promise<AttachmentInfo>;
}

/** The repository's chat on its hub. */
export interface NotifyCalls {
  view(name: string, thread?: string): Promise<ChatView>;
  send(name: string, req: ChatSendRequest): Promise<NotifyMessage>;
  markRead(name: string, thread: string): Promise<void>;
  setProject(name: string, project: string): Promise<void>;
  /**
   * This browser's name in every chat. `ifUnnamed`: only while no name was ever given (the
   * generated "Browser …" one), so the name typed for writes becomes the chat's too.
   */
  setName(displayName: string, opts?: { ifUnnamed?: boolean }): Promise<void>;
}

export interface WorkerApi {
  /**
   * Opens storage and every repository (in the leading tab's worker; in another, resolves once the
   * leader answers); resolves when ready (rejects when storage is unusable).
   */
  init(): Promise<void>;
  /** Every event from now on goes to the listener (a `Comlink.proxy` of a function). */
  subscribe(listener: (e: PeerEvent) => void): void;
  storage(): Promise<StorageInfo>;
  /** Does this tab's worker hold the repositories (the other tabs' workers send their calls to it)? */
  leading(): Promise<boolean>;
  repos: Group<RepoCalls>;
  hub: Group<HubCalls>;
  browse: Group<BrowseCalls>;
  author: Group<AuthorCalls>;
  records: Group<RecordCalls>;
  notify: Group<NotifyCalls>;
}
