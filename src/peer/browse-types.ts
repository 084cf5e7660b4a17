/**
 * What the worker's `browse` API returns to the reading pages: plain data, no SQL. Rows from the
 * repository queries (src/repo/queries) are reused as they are.
 */
import type { BranchInfo, BranchSummary, LeafInfo, TagInfo } from '../repo/queries/branches.ts';
import type { CheckinDetail, ChangedFile } from '../repo/queries/checkin.ts';
import type { FileVersion, TreeFile } from '../repo/queries/files.ts';
import type { ForumThreadInfo } from '../repo/queries/forum.ts';
import type { RepoStats } from '../repo/queries/stats.ts';
import type { TicketRow } from '../repo/queries/tickets.ts';
import type { TimelineEntry, TimelineQuery } from '../repo/queries/timeline.ts';
import type { TechnoteInfo, VersionRef, WikiPageInfo } from '../repo/queries/wiki.ts';

export type { BranchInfo, BranchSummary, LeafInfo, TagInfo, CheckinDetail, ChangedFile, FileVersion, TreeFile, ForumThreadInfo, RepoStats, TicketRow, TimelineEntry, TechnoteInfo, VersionRef, WikiPageInfo };

/** Timeline filters as the page sends them: dates are ISO days (`2024-01-31`), inclusive. */
export interface TimelineRequest extends Pick<TimelineQuery, 'branch' | 'types' | 'user' | 'search'> {
  limit: number;
  offset?: number;
  /** Events on or before this day. */
  until?: string;
  /** Events on or after this day. */
  since?: string;
}

export interface TimelinePage {
  entries: TimelineEntry[];
  /** True when more events match beyond this page. */
  more: boolean;
}

/** A page of a file's history (fossil finfo), newest first. */
export interface FileHistoryPage {
  versions: FileVersion[];
  /** How many changes the file's history has in all. */
  total: number;
  /** True when older changes follow this page. */
  more: boolean;
}

/** A check-in and the files it changed against its primary parent. */
export interface CheckinView extends CheckinDetail {
  /** Users and times of the tag changes, and who closed it, are in `tags`; this is the R card's check. */
  changed: ChangedFile[];
}

/** One hunk of a unified diff: lines prefixed with ' ', '-' or '+'. */
export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: string[];
}

export interface FileDiff {
  before: string | null;
  after: string | null;
  /** Set instead of hunks when either side is not text or too large to diff here. */
  note?: 'binary' | 'too-large' | 'missing';
  hunks: DiffHunk[];
}

export interface DiffRequest {
  before: string | null;
  after: string | null;
}

export interface TreeView {
  /** The check-in the tree belongs to. */
  checkin: string;
  branch: string | null;
  time: string;
  comment: string;
  files: TreeFile[];
}

/** A file's bytes, found by hash or by path in a check-in. */
export interface FileContent {
  uuid: string;
  /** Path, when found through a check-in. */
  name?: string;
  /** The check-in, when found through one. */
  checkin?: string;
  size: number;
  /** False when the bytes contain a NUL (fossil's test for binary). */
  text: boolean;
  bytes: Uint8Array;
}

export interface AnnotatedLine {
  text: string;
  /** The check-in that last changed this line (of those looked at). */
  checkin: string;
  user: string;
  time: string;
}

export interface WikiPageView {
  name: string;
  uuid: string;
  time: string;
  user: string;
  mimetype: string;
  text: string;
  versions: VersionRef[];
}

export interface TechnoteView {
  id: string;
  uuid: string;
  /** The technote's own time (E card). */
  time: string;
  user: string;
  comment: string;
  mimetype: string;
  text: string;
  tags: string[];
  versions: VersionRef[];
}

export interface TicketChange {
  uuid: string;
  time: string;
  user: string;
  fields: { name: string; value: string; append: boolean }[];
}

export interface TicketView {
  ticket: TicketRow;
  changes: TicketChange[];
}

export interface ForumPostView {
  uuid: string;
  /** The first version of this post (its identity in the thread). */
  first: string;
  user: string;
  time: string;
  title: string | null;
  mimetype: string;
  text: string;
  inReplyTo: string | null;
  /** Number of edits made to this post. */
  edits: number;
  deleted: boolean;
}

export interface ForumThreadView {
  root: string;
  title: string;
  posts: ForumPostView[];
}

export type ArtifactKind = 'checkin' | 'file' | 'wiki' | 'ticket' | 'technote' | 'forum' | 'control' | 'cluster' | 'attachment' | 'unknown';

/** Where a hash (or prefix) leads, so a link to any artifact finds its page. */
export interface ArtifactTarget {
  uuid: string;
  kind: ArtifactKind;
  /** Wiki page name, ticket id, technote id or forum thread root. */
  target?: string;
  /** For a file: a check-in that has it and its path there. */
  checkin?: string;
  path?: string;
}
