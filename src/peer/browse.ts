/**
 * The reading side of a repository for the browser pages: pure functions over a `Repository`
 * (they only read), each answering one page. The worker exposes them as its `browse` group
 * (workers/browse-api.ts), each called with a repository's local name instead of the repository.
 */
import { diffArrays, structuredPatch } from 'diff';
import { parseArtifact } from '../fossil/artifact.ts';
import type { Artifact } from '../fossil/artifact-types.ts';
import { decodeLossless } from '../fossil/utf8-lossless.ts';
import type {
  AnnotatedLine, ArtifactTarget, CheckinView, DiffRequest, FileContent, FileDiff, FileHistoryPage, ForumPostView, ForumThreadView,
  TechnoteView, TicketView, TimelinePage, TimelineRequest, TreeView, WikiPageView,
} from './browse-types.ts';
import { branches, leaves, tagNames, type BranchSummary } from '../repo/queries/branches.ts';
import { checkinDetail } from '../repo/queries/checkin.ts';
import { fileHistory, fileHistoryCount, fileLineage, treeOfCheckin } from '../repo/queries/files.ts';
import { forumThreadPosts, forumThreads } from '../repo/queries/forum.ts';
import { resolveCheckin, ridsByPrefix } from '../repo/queries/resolve.ts';
import { repoStats } from '../repo/queries/stats.ts';
import { ticketByPrefix, ticketChangeRids, ticketList } from '../repo/queries/tickets.ts';
import { julianToIso } from '../repo/queries/time.ts';
import { timeline } from '../repo/queries/timeline.ts';
import { technotes, versionsOfTag, wikiPages } from '../repo/queries/wiki.ts';
import type { Repository } from '../repo/repository.ts';

/** Files larger than this are shown and downloaded, but not diffed or annotated. */
const MAX_DIFF_BYTES = 1_000_000;
/** A diff that takes longer than this (very different large texts) is given up, not waited for. */
const DIFF_TIMEOUT_MS = 500;
const JD_UNIX_EPOCH = 2440587.5;

const isoDayToJulian = (day: string, endOfDay: boolean) =>
  Date.parse(`${day}T00:00:00Z`) / 86_400_000 + JD_UNIX_EPOCH + (endOfDay ? 1 : 0);

export function timelinePage(repo: Repository, r: TimelineRequest): TimelinePage {
  const entries = timeline(repo.db, {
    limit: r.limit + 1,
    offset: r.offset ?? 0,
    ...(r.branch ? { branch: r.branch } : {}),
    ...(r.types?.length ? { types: r.types } : {}),
    ...(r.user ? { user: r.user } : {}),
    ...(r.search ? { search: r.search } : {}),
    ...(r.until ? { before: isoDayToJulian(r.until, true) } : {}),
    ...(r.since ? { after: isoDayToJulian(r.since, false) } : {}),
  });
  return { entries: entries.slice(0, r.limit), more: entries.length > r.limit };
}

/** Users who made events, for the timeline's user filter. */
export function users(repo: Repository): string[] {
  return repo.db.all<{ u: string }>("SELECT DISTINCT coalesce(euser,user) AS u FROM event WHERE coalesce(euser,user)!='' ORDER BY u").map((r) => r.u);
}

/** A check-in by name; a full hash is looked up directly (names are resolved as the CLI does). */
function checkinRid(repo: Repository, name: string): number {
  if (/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(name)) {
    const rid = repo.content.ridOf(name);
    if (rid !== undefined && repo.db.value("SELECT 1 FROM event WHERE objid=? AND type='ci'", rid) !== undefined) return rid;
  }
  return resolveCheckin(repo.db, name);
}

export function checkin(repo: Repository, name: string): CheckinView {
  const d = checkinDetail(repo.db, checkinRid(repo, name));
  if (!d) throw new Error(`${name} is not a check-in`);
  const primary = d.parents[0] ?? null;
  const changed = d.files.filter((f) => f.parent === null || f.parent === primary);
  // A rename also leaves a deletion row for the old name; fossil shows only the rename.
  const renamedFrom = new Set(changed.filter((f) => f.change === 'renamed').map((f) => f.oldName));
  return { ...d, changed: changed.filter((f) => !(f.change === 'deleted' && renamedFrom.has(f.name))) };
}

function blobBytes(repo: Repository, uuid: string): Uint8Array | null {
  const rid = repo.content.ridOf(uuid);
  return rid === undefined ? null : repo.content.tryGet(rid);
}

const isText = (b: Uint8Array) => b.subarray(0, 8192).indexOf(0) < 0;
const lines = (s: string) => (s === '' ? [] : s.replace(/\n$/, '').split('\n'));

/** Expanded size from the blob table, without expanding (-1 when unknown or a phantom). */
function sizeOf(repo: Repository, uuid: string): number {
  const rid = repo.content.ridOf(uuid);
  return rid === undefined ? -1 : repo.content.size(rid);
}

/** Unified diffs of file versions (a null side is an added or deleted file). */
export function diffs(repo: Repository, reqs: DiffRequest[]): FileDiff[] {
  return reqs.map(({ before, after }) => {
    const base = { before, after, hunks: [] };
    // Decide on size first: expanding a large file through its delta chain is the slow part.
    if ((before && sizeOf(repo, before) > MAX_DIFF_BYTES) || (after && sizeOf(repo, after) > MAX_DIFF_BYTES)) return { ...base, note: 'too-large' };
    const a = before ? blobBytes(repo, before) : new Uint8Array();
    const b = after ? blobBytes(repo, after) : new Uint8Array();
    if (!a || !b) return { ...base, note: 'missing' };
    if (!isText(a) || !isText(b)) return { ...base, note: 'binary' };
    const p = structuredPatch('a', 'b', decodeLossless(a), decodeLossless(b), '', '', { context: 3, timeout: DIFF_TIMEOUT_MS });
    if (!p) return { ...base, note: 'too-large' };
    return { ...base, hunks: p.hunks.map((h) => ({ oldStart: h.oldStart, oldLines: h.oldLines, newStart: h.newStart, newLines: h.newLines, lines: h.lines.filter((l) => !l.startsWith('\\')) })) };
  });
}

/**
 * The files of a check-in. With `sizesIn`, only the files that folder shows carry their sizes: the
 * files right in it, or with `flat` every file under it ('' is the top).
 */
export function tree(repo: Repository, name: string, sizesIn?: { dir: string; flat?: boolean }): TreeView {
  const prefix = sizesIn?.dir ? `${sizesIn.dir.replace(/\/+$/, '')}/` : '';
  const shown = (file: string) => file.startsWith(prefix) && (sizesIn!.flat || !file.slice(prefix.length).includes('/'));
  return treeSized(repo, name, sizesIn ? shown : undefined);
}

function treeSized(repo: Repository, name: string, sized?: (file: string) => boolean): TreeView {
  const rid = checkinRid(repo, name);
  const d = checkinDetail(repo.db, rid)!;
  return { checkin: d.uuid, branch: d.branch, time: d.time, comment: d.comment, files: treeOfCheckin(repo, rid, sized) };
}

function content(repo: Repository, uuid: string, extra: Partial<FileContent> = {}): FileContent {
  const bytes = blobBytes(repo, uuid);
  if (!bytes) throw new Error(`The content of ${uuid.slice(0, 12)} is not in this repository.`);
  return { uuid, size: bytes.length, text: isText(bytes), bytes, ...extra };
}

/** A file by path in a check-in (or branch, tag, `tip`). */
export function fileAt(repo: Repository, checkinName: string, path: string): FileContent {
  const t = treeSized(repo, checkinName, () => false);
  const f = t.files.find((x) => x.name === path);
  if (!f) throw new Error(`There is no file ${path} in check-in ${t.checkin.slice(0, 12)}.`);
  return content(repo, f.uuid, { name: path, checkin: t.checkin });
}

/** Any artifact's bytes by full hash or unique prefix. */
export function artifact(repo: Repository, prefix: string): FileContent {
  const hits = ridsByPrefix(repo.db, prefix, 2);
  if (hits.length !== 1) throw new Error(hits.length ? `${prefix} is ambiguous` : `No artifact ${prefix} here.`);
  return content(repo, hits[0]!.uuid);
}

export function history(repo: Repository, path: string) {
  return fileHistory(repo.db, path);
}

/** The newest `limit` changes of a file after the newest `offset`, and how many there are in all. */
export function historyPage(repo: Repository, path: string, r: { limit: number; offset?: number }): FileHistoryPage {
  const offset = r.offset ?? 0;
  const versions = fileHistory(repo.db, path, r.limit, offset);
  const total = fileHistoryCount(repo.db, path);
  return { versions, total, more: offset + versions.length < total };
}

/**
 * Who last changed each line of PATH as of a check-in, as fossil annotate finds it: walks back
 * along the primary parents through the file's versions (at most `depth`), carrying each line
 * to the oldest version that already had it.
 */
export function annotate(repo: Repository, checkinName: string, path: string, depth = 200): AnnotatedLine[] {
  const versions = fileLineage(repo.db, checkinRid(repo, checkinName), path, depth);
  if (!versions.length) throw new Error(`${path} has no history up to that check-in.`);
  const text = (uuid: string) => {
    const b = blobBytes(repo, uuid);
    return b && isText(b) && b.length <= MAX_DIFF_BYTES ? lines(decodeLossless(b)) : null;
  };
  const newest = text(versions[0]!.uuid);
  if (!newest) throw new Error('This file is not text, or too large to annotate.');
  // origin[i]: index into versions of the version that introduced line i of the newest text.
  const origin = newest.map(() => 0);
  // pos[i]: where line i of the newest text sits in the version being looked at (-1: gone).
  let pos = newest.map((_, i) => i);
  let cur = newest;
  for (let v = 1; v < versions.length; v++) {
    const older = text(versions[v]!.uuid);
    if (!older) break;
    const map = new Map<number, number>();
    let i = 0;
    let j = 0;
    for (const part of diffArrays(older, cur)) {
      const n = part.value.length;
      if (part.added) j += n;
      else if (part.removed) i += n;
      else {
        for (let k = 0; k < n; k++) map.set(j + k, i + k);
        i += n;
        j += n;
      }
    }
    let alive = false;
    pos = pos.map((p, line) => {
      if (p < 0) return -1;
      const q = map.get(p);
      if (q === undefined) return -1;
      origin[line] = v;
      alive = true;
      return q;
    });
    cur = older;
    if (!alive) break;
  }
  return newest.map((t, i) => {
    const v = versions[origin[i]!]!;
    return { text: t, checkin: v.checkin, user: v.user, time: v.time };
  });
}

function parseRid(repo: Repository, rid: number): Artifact {
  return parseArtifact(repo.content.get(rid));
}

const bodyText = (a: Artifact) => decodeLossless(a.wiki ?? new Uint8Array());

export function wikiList(repo: Repository) {
  return wikiPages(repo.db);
}

/** A wiki page, newest version or the version with the given hash. */
export function wikiPage(repo: Repository, name: string, version?: string): WikiPageView {
  const versions = versionsOfTag(repo.db, `wiki-${name}`);
  const v = version ? versions.find((x) => x.uuid.startsWith(version)) : versions[0];
  if (!v) throw new Error(`There is no wiki page “${name}”.`);
  const a = parseRid(repo, repo.content.ridOf(v.uuid)!);
  return { name, uuid: v.uuid, time: v.time, user: a.user ?? '', mimetype: a.mimetype || 'text/x-fossil-wiki', text: bodyText(a), versions };
}

export function technoteList(repo: Repository) {
  return technotes(repo.db);
}

export function technote(repo: Repository, id: string): TechnoteView {
  const versions = versionsOfTag(repo.db, `event-${id}`);
  const v = versions[0];
  if (!v) throw new Error(`There is no technote ${id}.`);
  const a = parseRid(repo, repo.content.ridOf(v.uuid)!);
  return {
    id, uuid: v.uuid, time: a.event ? julianToIso(a.event.julian) : v.time, user: a.user ?? '', comment: a.comment ?? '',
    mimetype: a.mimetype || 'text/x-fossil-wiki', text: bodyText(a),
    tags: a.tags.filter((t) => t.op !== '-' && t.name.startsWith('sym-')).map((t) => t.name.slice(4)), versions,
  };
}

export function ticketRows(repo: Repository) {
  return ticketList(repo.db);
}

export function ticket(repo: Repository, id: string): TicketView {
  const t = ticketByPrefix(repo.db, id);
  if (!t) throw new Error(`There is no ticket ${id}.`);
  const changes = ticketChangeRids(repo.db, t.uuid).map((rid) => {
    const a = parseRid(repo, rid);
    return {
      uuid: repo.content.uuidOf(rid)!, time: a.julian ? julianToIso(a.julian) : '', user: a.user ?? '',
      fields: a.fields.map((f) => ({ name: f.name, value: f.value, append: f.append })),
    };
  });
  return { ticket: t, changes };
}

export function forumList(repo: Repository) {
  return forumThreads(repo.db);
}

/** A thread with each post at its newest version, in the order the posts were first made. */
export function forumThread(repo: Repository, root: string): ForumThreadView {
  const rootRid = ridsByPrefix(repo.db, root, 2);
  if (rootRid.length !== 1) throw new Error(`There is no forum thread ${root}.`);
  const refs = forumThreadPosts(repo.db, rootRid[0]!.rid);
  const firstOf = new Map<string, string>();
  const newest = new Map<string, { uuid: string; rid: number; edits: number }>();
  for (const r of refs) {
    const first = r.prev ? firstOf.get(r.prev) ?? r.prev : r.uuid;
    firstOf.set(r.uuid, first);
    const n = newest.get(first);
    newest.set(first, { uuid: r.uuid, rid: r.rid, edits: n ? n.edits + 1 : 0 });
  }
  const posts: ForumPostView[] = [];
  for (const [first, n] of newest) {
    const a = parseRid(repo, n.rid);
    const firstRef = refs.find((r) => r.uuid === first);
    const irt = firstRef?.inReplyTo ?? null;
    posts.push({
      uuid: n.uuid, first, user: a.user ?? '', time: a.julian ? julianToIso(a.julian) : '', title: a.threadTitle ?? null,
      mimetype: a.mimetype || 'text/x-fossil-wiki', text: bodyText(a), inReplyTo: irt ? firstOf.get(irt) ?? irt : null,
      edits: n.edits, deleted: (a.wiki?.length ?? 0) === 0,
    });
  }
  const title = posts[0]?.title ?? '(untitled)';
  return { root: rootRid[0]!.uuid, title, posts };
}

/** What kind of artifact a hash (prefix) names, and the page that shows it. */
export function resolve(repo: Repository, prefix: string): ArtifactTarget {
  const db = repo.db;
  const hits = ridsByPrefix(db, prefix, 2);
  if (hits.length !== 1) {
    const t = ticketByPrefix(db, prefix);
    if (t) return { uuid: t.uuid, kind: 'ticket', target: t.uuid };
    throw new Error(hits.length ? `${prefix} is ambiguous.` : `No artifact ${prefix} here.`);
  }
  const { rid, uuid } = hits[0]!;
  const type = db.value<string>('SELECT type FROM event WHERE objid=?', rid);
  if (type === 'ci') return { uuid, kind: 'checkin' };
  const file = db.get<{ mid: string; name: string }>(
    `SELECT (SELECT uuid FROM blob WHERE rid=mlink.mid) AS mid, filename.name AS name FROM mlink JOIN filename USING(fnid)
      WHERE mlink.fid=? ORDER BY mlink.mid DESC LIMIT 1`, rid);
  if (file) return { uuid, kind: 'file', checkin: file.mid, path: file.name };
  const a = repo.content.isAvailable(rid) ? (() => { try { return parseRid(repo, rid); } catch { return null; } })() : null;
  if (!a) return { uuid, kind: 'unknown' };
  switch (a.type) {
    case 'wiki': return { uuid, kind: 'wiki', target: a.wikiTitle! };
    case 'ticket': return { uuid, kind: 'ticket', target: a.ticketId! };
    case 'technote': return { uuid, kind: 'technote', target: a.event!.id };
    case 'forum': return { uuid, kind: 'forum', target: a.threadRoot ?? uuid };
    case 'control': return { uuid, kind: 'control' };
    case 'cluster': return { uuid, kind: 'cluster' };
    case 'attachment': return { uuid, kind: 'attachment', target: a.attachment!.target };
    default: return { uuid, kind: 'unknown' };
  }
}

/** Every branch; with `tipsOf`, tips only for that many of the most recently changed open ones. */
export function branchList(repo: Repository, tipsOf?: number): BranchSummary[] {
  return branches(repo.db, tipsOf === undefined ? {} : { tipsOf });
}

export function tagList(repo: Repository) {
  return tagNames(repo.db);
}

/** Leaves, newest first; with `limit`, the newest that many. */
export function leafList(repo: Repository, includeClosed = true, limit?: number) {
  return leaves(repo.db, { includeClosed, ...(limit !== undefined ? { limit } : {}) });
}

export function stats(repo: Repository) {
  return repoStats(repo.db);
}

/** Every reader of the `browse` group, by the name the pages call it. */
export const browseReaders = {
  timelinePage, users, checkin, diffs, tree, fileAt, artifact, history, historyPage, annotate, wikiList, wikiPage, technoteList, technote,
  ticketRows, ticket, forumList, forumThread, resolve, branchList, tagList, leafList, stats,
};
