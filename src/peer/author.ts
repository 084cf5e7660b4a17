/**
 * What the browser writes into a repository, as functions over a `Repository`: the working copy
 * (draft) and its commit, wiki pages, tickets and tags, and the forks its own writes are part of.
 * Each write is one transaction through the authoring layer (src/repo/authoring). The worker's
 * `author` group (workers/author-api.ts) calls them by a repository's name, under its write lock,
 * as the user it may write as, and announces what they made.
 */
import { parseArtifact } from '../fossil/artifact.ts';
import { readOutbox } from '../mesh/outbox.ts';
import { Draft } from '../repo/authoring/draft.ts';
import { AuthoringError } from '../repo/authoring/names.ts';
import { addSymbolicTag } from '../repo/authoring/tag.ts';
import { changeTicket } from '../repo/authoring/ticket.ts';
import { latestWikiVersion, writeWikiPage } from '../repo/authoring/wiki.ts';
import { branches } from '../repo/queries/branches.ts';
import { resolveCheckin } from '../repo/queries/resolve.ts';
import { julianToIso } from '../repo/queries/time.ts';
import type { Repository } from '../repo/repository.ts';
import type { LocalWrite } from '../mesh/local-write.ts';
import type {
  CommitOutcome, DraftState, FileText, ForkInfo, StartPoint, TagResult, TicketRow, TicketSource, WikiPageSource,
} from './author-types.ts';

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

/** Branches a draft can start from. */
export function startPoints(repo: Repository): StartPoint[] {
  return branches(repo.db).map((b) => ({ branch: b.name, tip: b.tip, time: b.time, closed: b.closed }));
}

export function draftState(repo: Repository): DraftState {
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

/** Start the draft on a branch (follows its tip) or at a check-in (hash prefix, tag). */
export function startDraft(repo: Repository, from: { branch?: string; checkin?: string }): DraftState {
  const d = new Draft(repo);
  if (from.checkin) d.start({ checkin: resolveCheckin(repo.db, from.checkin) });
  else d.start({ branch: from.branch });
  return draftState(repo);
}

export function readDraftFile(repo: Repository, file: string): FileText {
  const bytes = new Draft(repo).read(file);
  if (!bytes) throw new AuthoringError(`there is no file ${JSON.stringify(file)}`);
  return { bytes, binary: isBinary(bytes) };
}

/** Write files into the draft, all or none. */
export function writeDraftFiles(repo: Repository, files: { name: string; bytes: Uint8Array }[]): DraftState {
  const d = new Draft(repo);
  repo.db.transaction(() => {
    for (const f of files) d.write(f.name, f.bytes);
  });
  return draftState(repo);
}

export function deleteDraftFile(repo: Repository, file: string): DraftState {
  new Draft(repo).remove(file);
  return draftState(repo);
}

export function renameDraftFile(repo: Repository, from: string, to: string): DraftState {
  new Draft(repo).rename(from, to);
  return draftState(repo);
}

export function revertDraftFile(repo: Repository, file: string): DraftState {
  new Draft(repo).revert(file);
  return draftState(repo);
}

export function discardDraft(repo: Repository): DraftState {
  new Draft(repo).discard();
  return draftState(repo);
}

/** The draft becomes a check-in, on its branch or on a new one. */
export function commitDraft(repo: Repository, user: string, req: { comment: string; newBranch?: string }): LocalWrite<CommitOutcome> {
  const c = new Draft(repo).commit({ comment: req.comment, user, branch: req.newBranch?.trim() || undefined });
  return { uuid: c.uuid, kind: 'checkin', value: { uuid: c.uuid, branch: c.branch } };
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

export function wikiTitles(repo: Repository): string[] {
  return repo.db.prepare("SELECT substr(tagname,6) FROM tag WHERE tagname GLOB 'wiki-*' ORDER BY 1").column<string>();
}

/** A page's newest text to edit (an empty Markdown page when there is none yet). */
export function wikiSource(repo: Repository, title: string): WikiPageSource {
  const rid = latestWikiVersion(repo, title);
  if (rid === undefined) return { title, text: '', mimetype: 'text/x-markdown' };
  const a = parseArtifact(repo.content.get(rid));
  const mimetype = (a.mimetype ?? 'text/x-fossil-wiki') as WikiPageSource['mimetype'];
  return { title, text: new TextDecoder().decode(a.wiki ?? new Uint8Array()), mimetype, version: repo.content.uuidOf(rid)! };
}

/** A new version of a wiki page; the result is its hash. */
export function saveWiki(repo: Repository, user: string, page: { title: string; text: string; mimetype: string }): LocalWrite<string> {
  const { uuid } = writeWikiPage(repo, { title: page.title, text: page.text, mimetype: page.mimetype, user });
  return { uuid, kind: 'other', value: uuid };
}

export function ticketsToEdit(repo: Repository): TicketRow[] {
  if (!repo.db.value("SELECT 1 FROM sqlite_schema WHERE name='ticket'")) return [];
  return repo.db.all<{ id: string; title: string | null; status: string | null; type: string | null; mtime: number }>(
    'SELECT tkt_uuid AS id, title, status, type, tkt_mtime AS mtime FROM ticket ORDER BY tkt_mtime DESC LIMIT 500',
  ).map((t) => ({ id: t.id, title: t.title ?? '', status: t.status ?? '', type: t.type ?? '', time: julianToIso(t.mtime) }));
}

/** A ticket's current fields, to edit. */
export function ticketSource(repo: Repository, id: string): TicketSource {
  const row = repo.db.get<Record<string, unknown>>('SELECT * FROM ticket WHERE tkt_uuid=?', id);
  if (!row) throw new AuthoringError(`there is no ticket ${id.slice(0, 10)}`);
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(row)) if (!k.startsWith('tkt_') && !k.includes(' ')) fields[k] = v === null ? '' : String(v);
  return { id, fields };
}

/** A new ticket (no id) or a change of an existing one; fields named `+x` append to x. The result is the ticket's id. */
export function saveTicket(repo: Repository, user: string, change: { id?: string; fields: Record<string, string> }): LocalWrite<string> {
  const { ticketId, uuid } = changeTicket(repo, { ticketId: change.id, fields: change.fields, user });
  return { uuid, kind: 'other', value: ticketId };
}

/** Put a symbolic tag on a check-in (hash prefix, branch or tag name). */
export function tagCheckin(repo: Repository, user: string, req: { checkin: string; tag: string; propagate?: boolean }): LocalWrite<TagResult> {
  const target = resolveCheckin(repo.db, req.checkin.trim());
  const { uuid } = addSymbolicTag(repo, target, req.tag.trim(), user, { propagate: req.propagate });
  return { uuid, kind: 'other', value: { uuid, checkin: repo.content.uuidOf(target)! } };
}
