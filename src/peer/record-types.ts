/**
 * What the worker exchanges with the UI for forum posts, technotes, attachments and ticket
 * reports beyond reading pages: the sources the edit forms start from, the requests the writes
 * take, attachments with their bytes, and report results. Plain data, as it crosses the worker
 * boundary.
 */
import type { ReportInfo, ReportResult } from '../repo/queries/reports.ts';

export type { ReportInfo, ReportResult };

/** A new thread (title), a reply (inReplyTo) or an edit of one's own post (edit: its newest version). */
export interface ForumPostRequest {
  title?: string;
  inReplyTo?: string;
  edit?: string;
  text: string;
  mimetype: string;
  user: string;
}

/** A forum post at its newest version, to reply to or edit. */
export interface ForumPostSource {
  /** The newest version (what an edit names in its P card). */
  uuid: string;
  /** The first version: the post's identity in its thread. */
  first: string;
  /** The thread's first post. */
  root: string;
  /** Set for a thread's first post (the thread title); null for a reply. */
  title: string | null;
  /** The thread's title, for a reply's page. */
  threadTitle: string;
  text: string;
  mimetype: string;
  user: string;
  time: string;
}

export interface TechnoteRequest {
  /** The technote to write a new version of; leave out for a new one. */
  id?: string;
  /** Its own time, `YYYY-MM-DD HH:MM[:SS]` (UTC). */
  when: string;
  comment: string;
  text: string;
  mimetype: string;
  tags: string[];
  bgcolor?: string;
  user: string;
}

export interface TechnoteSource {
  id: string;
  version: string;
  when: string;
  comment: string;
  text: string;
  mimetype: string;
  tags: string[];
  bgcolor: string;
}

/** An attachment (its newest version under its name) on a wiki page, ticket or technote. */
export interface AttachmentInfo {
  /** The attachment artifact. */
  uuid: string;
  /** The attached file's own artifact. */
  source: string;
  filename: string;
  target: string;
  targetKind: 'wiki' | 'ticket' | 'technote';
  size: number;
  user: string;
  time: string;
  comment: string;
}

export interface AttachmentFile extends AttachmentInfo {
  bytes: Uint8Array;
  /** False when the bytes contain a NUL (fossil's test for binary). */
  text: boolean;
}

export interface AttachRequest {
  /** A wiki page's name, or a ticket's or technote's full id. */
  target: string;
  filename: string;
  bytes: Uint8Array;
  comment?: string;
  user: string;
}
