/**
 * The worker's `author` API: everything the browser writes into a repository. The working copy
 * (draft) and its commit, wiki pages, tickets and tags, each write one transaction through the
 * authoring layer (src/repo/authoring); every write that makes an artifact goes through the
 * store's one write path (publish: outbox entry in the same transaction, then the after-write
 * step: push to the hub and announce when connected; offline, on reconnect).
 */
import * as Comlink from 'comlink';
import { parseArtifact } from '../src/fossil/artifact.ts';
import type {
  CommitOutcome, CommitRequest, DraftState, FileText, ForkInfo, StartPoint, TagResult, TicketRow, TicketSource, WikiPageSource,
} from '../src/peer/author-types.ts';
import type { LocalWrite } from '../src/mesh/local-write.ts';
import { readOutbox } from '../src/mesh/outbox.ts';
import { Draft } from '../src/repo/authoring/draft.ts';
import { AuthoringError } from '../src/repo/authoring/names.ts';
import { addSymbolicTag } from '../src/repo/authoring/tag.ts';
import { changeTicket } from '../src/repo/authoring/ticket.ts';
import { latestWikiVersion, writeWikiPage } from '../src/repo/authoring/wiki.ts';
import { branches } from '../src/repo/queries/branches.ts';
import { resolveCheckin } from '../src/repo/queries/resolve.ts';
import { julianToIso } from '../src/repo/queries/time.ts';
import type { Repository } from '../src/repo/repository.ts';

/** What the API needs from the store: a repository by name, and its two ways of writing. */
export interface AuthorHost {
  repository(name: string): Repository;
  /**
   * Run a write on the repository when no sync session is in flight (their transaction spans
   * network waits; a write inside it would share its fate: write-lock.ts). The draft's edits.
   */
  write<T>(name: string, fn: (repo: Repository) => T): Promise<T>;
  /**
   * A write that makes an artifact, as the user this browser writes as (the fossil login when
   * there is one; throws when it may not write), through the one write path: the write and its
   * outbox entry in one transaction, then the after-write step (mesh/local-write.ts).
   */
  publish<T>(name: string, requestedUser: string, fn: (repo: Repository, user: string) => LocalWrite<T>): Promise<T>;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function isBinary(bytes: Uint8Array): boolean {
  if (bytes.subarray(0, 8192).includes(0)) return true;
  try {
    decoder.decode(bytes);
    return false;
  } catch {
    return true;
  }
}

function draftState(repo: Repository): DraftState {
  const v = new Draft(repo).view();
  const s: DraftState = { branch: v.branch, files: v.files, deleted: v.deleted, changes: v.changes };
  if (v.base) {
    const e = repo.db.get<{ comment: string; user: string; mtime: number }>(
      "SELECT coalesce(ecomment, comment, '') AS comment, coalesce(euser, user, '') AS user, mtime FROM event WHERE objid=?", v.base.rid,
    );
    s.base = { uuid: v.base.uuid, branch: v.base.branch, comment: e?.comment ?? '', user: e?.user ?? '', time: e ? julianToIso(e.mtime) : '' };
  }
  if (v.branchMovedTo) s.branchMovedTo = v.branchMovedTo;
  return s;
}

/**
 * Forks this browser's own writes are part of: open branches with more than one open leaf, one
 * of them a check-in made here; newest leaf first. Forks elsewhere in the history (long-lived
 * repositories have many) are on the leaves page, not in a banner on every page.
 */
export function forksOf(repo: Repository): ForkInfo[] {
  const mine = new Set(readOutbox(repo).map((e) => e.uuid));
  if (mine.size === 0) return [];
  const db = repo.db;
  const branchOfLeaf = db.prepare(`
    SELECT coalesce((SELECT value FROM tagxref WHERE rid=leaf.rid AND tagid=8 AND tagtype>0), 'trunk')
      FROM leaf JOIN blob ON blob.rid=leaf.rid
     WHERE blob.uuid=? AND NOT EXISTS(SELECT 1 FROM tagxref WHERE rid=leaf.rid AND tagid=9 AND tagtype>0)`);
  const openLeavesOf = db.prepare(`
    SELECT blob.uuid AS uuid, coalesce(event.euser, event.user, '') AS user, event.mtime AS mtime,
           coalesce(event.ecomment, event.comment, '') AS comment
      FROM leaf JOIN blob ON blob.rid=leaf.rid JOIN event ON event.objid=leaf.rid
     WHERE coalesce((SELECT value FROM tagxref WHERE rid=leaf.rid AND tagid=8 AND tagtype>0), 'trunk')=?
       AND NOT EXISTS(SELECT 1 FROM tagxref WHERE rid=leaf.rid AND tagid=9 AND tagtype>0)
     ORDER BY event.mtime DESC`);
  const branches = new Set<string>();
  for (const uuid of mine) {
    const b = branchOfLeaf.column<string>(uuid)[0];
    if (b !== undefined) branches.add(b);
  }
  const forks: ForkInfo[] = [];
  for (const branch of branches) {
    const rows = openLeavesOf.all<{ uuid: string; user: string; mtime: number; comment: string }>(branch);
    if (rows.length < 2) continue;
    forks.push({ branch, leaves: rows.map((r) => ({ uuid: r.uuid, user: r.user, time: julianToIso(r.mtime), comment: r.comment, mine: mine.has(r.uuid) })) });
  }
  return forks;
}

export function authorApi(host: () => Promise<AuthorHost>) {
  const repo = async (name: string) => (await host()).repository(name);
  const edit = async <T>(name: string, fn: (r: Repository) => T) => (await host()).write(name, fn);
  // Marked as a proxy so that the page's comlink types see `api.author.x()` as remote calls.
  return Comlink.proxy({
    /** Branches a draft can start from. */
    async startPoints(name: string): Promise<StartPoint[]> {
      return branches((await repo(name)).db).map((b) => ({ branch: b.name, tip: b.tip, time: b.time, closed: b.closed }));
    },
    async draft(name: string): Promise<DraftState> {
      return draftState(await repo(name));
    },
    /** Start the draft on a branch (follows its tip) or at a check-in (hash prefix, tag). */
    async startDraft(name: string, from: { branch?: string; checkin?: string }): Promise<DraftState> {
      return edit(name, (r) => {
        const d = new Draft(r);
        if (from.checkin) d.start({ checkin: resolveCheckin(r.db, from.checkin) });
        else d.start({ branch: from.branch });
        return draftState(r);
      });
    },
    async readFile(name: string, file: string): Promise<FileText> {
      const bytes = new Draft(await repo(name)).read(file);
      if (!bytes) throw new AuthoringError(`there is no file ${JSON.stringify(file)}`);
      return { bytes, binary: isBinary(bytes) };
    },
    async writeFile(name: string, file: string, bytes: Uint8Array): Promise<DraftState> {
      return edit(name, (r) => {
        new Draft(r).write(file, bytes);
        return draftState(r);
      });
    },
    async writeFiles(name: string, files: { name: string; bytes: Uint8Array }[]): Promise<DraftState> {
      return edit(name, (r) => {
        const d = new Draft(r);
        r.db.transaction(() => {
          for (const f of files) d.write(f.name, f.bytes);
        });
        return draftState(r);
      });
    },
    async deleteFile(name: string, file: string): Promise<DraftState> {
      return edit(name, (r) => {
        new Draft(r).remove(file);
        return draftState(r);
      });
    },
    async renameFile(name: string, from: string, to: string): Promise<DraftState> {
      return edit(name, (r) => {
        new Draft(r).rename(from, to);
        return draftState(r);
      });
    },
    async revertFile(name: string, file: string): Promise<DraftState> {
      return edit(name, (r) => {
        new Draft(r).revert(file);
        return draftState(r);
      });
    },
    async discard(name: string): Promise<DraftState> {
      return edit(name, (r) => {
        new Draft(r).discard();
        return draftState(r);
      });
    },
    async commit(name: string, req: CommitRequest): Promise<CommitOutcome> {
      return (await host()).publish(name, req.user, (r, user) => {
        const c = new Draft(r).commit({ comment: req.comment, user, branch: req.newBranch?.trim() || undefined });
        return { uuid: c.uuid, kind: 'checkin', value: { uuid: c.uuid, branch: c.branch } };
      });
    },
    async forks(name: string): Promise<ForkInfo[]> {
      return forksOf(await repo(name));
    },

    async wikiTitles(name: string): Promise<string[]> {
      return (await repo(name)).db.prepare("SELECT substr(tagname,6) FROM tag WHERE tagname GLOB 'wiki-*' ORDER BY 1").column<string>();
    },
    async wikiSource(name: string, title: string): Promise<WikiPageSource> {
      const r = await repo(name);
      const rid = latestWikiVersion(r, title);
      if (rid === undefined) return { title, text: '', mimetype: 'text/x-markdown' };
      const a = parseArtifact(r.content.get(rid));
      const mimetype = (a.mimetype ?? 'text/x-fossil-wiki') as WikiPageSource['mimetype'];
      return { title, text: new TextDecoder().decode(a.wiki ?? new Uint8Array()), mimetype, version: r.content.uuidOf(rid)! };
    },
    async writeWiki(name: string, page: { title: string; text: string; mimetype: string; user: string }): Promise<string> {
      return (await host()).publish(name, page.user, (r, user) => {
        const { uuid } = writeWikiPage(r, { title: page.title, text: page.text, mimetype: page.mimetype, user });
        return { uuid, kind: 'other', value: uuid };
      });
    },

    async tickets(name: string): Promise<TicketRow[]> {
      const r = await repo(name);
      if (!r.db.value("SELECT 1 FROM sqlite_schema WHERE name='ticket'")) return [];
      return r.db.all<{ id: string; title: string | null; status: string | null; type: string | null; mtime: number }>(
        'SELECT tkt_uuid AS id, title, status, type, tkt_mtime AS mtime FROM ticket ORDER BY tkt_mtime DESC LIMIT 500',
      ).map((t) => ({ id: t.id, title: t.title ?? '', status: t.status ?? '', type: t.type ?? '', time: julianToIso(t.mtime) }));
    },
    async ticket(name: string, id: string): Promise<TicketSource> {
      const r = await repo(name);
      const row = r.db.get<Record<string, unknown>>('SELECT * FROM ticket WHERE tkt_uuid=?', id);
      if (!row) throw new AuthoringError(`there is no ticket ${id.slice(0, 10)}`);
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries(row)) if (!k.startsWith('tkt_') && !k.includes(' ')) fields[k] = v === null ? '' : String(v);
      return { id, fields };
    },
    /** A new ticket (no id) or a change of an existing one; fields named `+x` append to x. */
    async writeTicket(name: string, change: { id?: string; fields: Record<string, string>; user: string }): Promise<string> {
      return (await host()).publish(name, change.user, (r, user) => {
        const { ticketId, uuid } = changeTicket(r, { ticketId: change.id, fields: change.fields, user });
        return { uuid, kind: 'other', value: ticketId };
      });
    },

    /** Put a symbolic tag on a check-in (hash prefix, branch or tag name). */
    async addTag(name: string, req: { checkin: string; tag: string; user: string; propagate?: boolean }): Promise<TagResult> {
      return (await host()).publish(name, req.user, (r, user) => {
        const target = resolveCheckin(r.db, req.checkin.trim());
        const { uuid } = addSymbolicTag(r, target, req.tag.trim(), user, { propagate: req.propagate });
        return { uuid, kind: 'other', value: { uuid, checkin: r.content.uuidOf(target)! } };
      });
    },
  });
}

export type AuthorApi = ReturnType<typeof authorApi>;
