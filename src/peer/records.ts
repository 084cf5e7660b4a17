/**
 * Reads for forum posts, technotes, attachments and ticket reports: the sources the edit forms
 * start from, the attachments of a page with their bytes, and the repository's reports. Pure
 * functions over a `Repository`; the worker exposes them as its `records` group
 * (workers/records-api.ts), each called with a repository's local name.
 */
import { parseArtifact } from '../fossil/artifact.ts';
import { decodeLossless } from '../fossil/utf8-lossless.ts';
import { CodedError } from '../errors.ts';
import { attachmentTargetKind } from '../repo/authoring/attachment.ts';
import { latestTechnoteVersion } from '../repo/authoring/technote.ts';
import { forumThreadPosts } from '../repo/queries/forum.ts';
import { ridsByPrefix } from '../repo/queries/resolve.ts';
import { reportList, runReport } from '../repo/queries/reports.ts';
import { julianToIso } from '../repo/queries/time.ts';
import type { Repository } from '../repo/repository.ts';
import type { AttachmentFile, AttachmentInfo, ForumPostSource, ReportInfo, ReportResult, TechnoteSource } from './record-types.ts';

const notFound = (what: string) => new CodedError('not-found', what);

/** A post's versions: the first, the newest, and the thread it is in. */
export function forumPostVersions(repo: Repository, uuid: string): { first: string; newest: { uuid: string; rid: number }; root: number } {
  const hit = ridsByPrefix(repo.db, uuid, 2);
  const rid = hit.length === 1 ? hit[0]!.rid : undefined;
  const root = rid === undefined || !repo.db.value("SELECT 1 FROM sqlite_schema WHERE name='forumpost'")
    ? undefined : repo.db.value<number>('SELECT froot FROM forumpost WHERE fpid=?', rid);
  if (rid === undefined || root === undefined) throw notFound(`There is no forum post ${uuid.slice(0, 10)}.`);
  const refs = forumThreadPosts(repo.db, root);
  const firstOf = new Map<string, string>();
  for (const r of refs) firstOf.set(r.uuid, r.prev ? firstOf.get(r.prev) ?? r.prev : r.uuid);
  const first = firstOf.get(hit[0]!.uuid) ?? hit[0]!.uuid;
  const newest = refs.filter((r) => firstOf.get(r.uuid) === first).pop() ?? { uuid: hit[0]!.uuid, rid };
  return { first, newest: { uuid: newest.uuid, rid: newest.rid }, root };
}

export function forumPost(repo: Repository, uuid: string): ForumPostSource {
  const v = forumPostVersions(repo, uuid);
  const a = parseArtifact(repo.content.get(v.newest.rid));
  const firstUser = parseArtifact(repo.content.get(repo.content.ridOf(v.first)!)).user ?? '';
  const threadTitle = (repo.db.value<string>('SELECT comment FROM event WHERE objid=?', v.root) ?? '').replace(/^[^:]*:\s*/, '');
  return {
    uuid: v.newest.uuid, first: v.first, root: repo.content.uuidOf(v.root)!, title: a.inReplyTo ? null : a.threadTitle ?? '',
    threadTitle, text: decodeLossless(a.wiki ?? new Uint8Array()), mimetype: a.mimetype || 'text/x-fossil-wiki', user: firstUser,
    time: a.julian ? julianToIso(a.julian) : '',
  };
}

export function technoteSource(repo: Repository, id: string): TechnoteSource {
  const rid = latestTechnoteVersion(repo, id);
  if (rid === undefined) throw notFound(`There is no technote ${id.slice(0, 10)}.`);
  const a = parseArtifact(repo.content.get(rid));
  const live = a.tags.filter((t) => t.op !== '-');
  return {
    id, version: repo.content.uuidOf(rid)!, when: (a.event?.date ?? '').replace('T', ' ').slice(0, 19), comment: a.comment ?? '',
    text: decodeLossless(a.wiki ?? new Uint8Array()), mimetype: a.mimetype || 'text/x-fossil-wiki',
    tags: live.filter((t) => t.name.startsWith('sym-')).map((t) => t.name.slice(4)),
    bgcolor: live.find((t) => t.name === 'bgcolor')?.value ?? '',
  };
}

interface AttachmentRow {
  uuid: string;
  src: string;
  filename: string;
  target: string;
  mtime: number;
  user: string | null;
  comment: string | null;
}

function infoOf(repo: Repository, r: AttachmentRow): AttachmentInfo {
  const rid = repo.content.ridOf(r.src);
  return {
    uuid: r.uuid, source: r.src, filename: r.filename, target: r.target, targetKind: attachmentTargetKind(repo, r.target) ?? 'wiki',
    size: rid === undefined ? -1 : repo.content.size(rid), user: r.user || 'anonymous', time: julianToIso(r.mtime), comment: r.comment ?? '',
  };
}

const ATTACHMENT_ROW = `SELECT blob.uuid AS uuid, src, filename, target, mtime, user, comment FROM attachment JOIN blob ON blob.rid=attachment.attachid`;

/** The attachments of a wiki page, ticket or technote: the newest under each name, unless deleted; newest first. */
export function attachments(repo: Repository, target: string): AttachmentInfo[] {
  // Two versions made in the same millisecond are both "latest": the later-made one is shown.
  const rows = repo.db.all<AttachmentRow>(`${ATTACHMENT_ROW} WHERE target=? AND isLatest AND src IS NOT NULL AND src!='' ORDER BY mtime DESC, attachid DESC`, target);
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.filename) && seen.add(r.filename)).map((r) => infoOf(repo, r));
}

/** One attachment, by its attachment artifact's hash, with the attached bytes. */
export function attachment(repo: Repository, uuid: string): AttachmentFile {
  const r = repo.db.get<AttachmentRow>(`${ATTACHMENT_ROW} WHERE blob.uuid=? AND src IS NOT NULL AND src!=''`, uuid);
  if (!r) throw notFound(`There is no attachment ${uuid.slice(0, 10)}.`);
  const rid = repo.content.ridOf(r.src);
  const bytes = rid === undefined ? null : repo.content.tryGet(rid);
  if (!bytes) throw notFound(`The content of attachment ${r.filename} is not in this repository.`);
  return { ...infoOf(repo, r), bytes, text: bytes.subarray(0, 8192).indexOf(0) < 0 };
}

export function reports(repo: Repository): ReportInfo[] {
  return reportList(repo.db);
}

export function report(repo: Repository, rn: number): ReportResult {
  return runReport(repo.db, rn);
}

/** Every reader of the `records` group, by the name the pages call it. */
export const recordReaders = {
  forumPost,
  technoteSource,
  attachments,
  attachment,
  reports,
  report,
};
