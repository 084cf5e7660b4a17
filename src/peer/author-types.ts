/**
 * What the worker's `author` API exchanges with the UI: the working copy (draft), commits, wiki
 * pages, tickets and tags written in the browser. Plain data, as it crosses the worker boundary.
 */
import type { DraftEntry } from '../repo/authoring/draft.ts';

export type { DraftEntry, DraftFileStatus } from '../repo/authoring/draft.ts';

export interface DraftState {
  /** The check-in the pending changes apply to. */
  base?: { uuid: string; branch: string | null; comment: string; user: string; time: string };
  /** The branch being worked on (a commit goes on it unless a new branch is named). */
  branch: string | null;
  /** The branch's newest check-in when it is not the base: committing now makes a fork. */
  branchMovedTo?: string;
  files: DraftEntry[];
  deleted: string[];
  changes: number;
}

export interface StartPoint {
  branch: string;
  tip: string;
  time: string;
  closed: boolean;
}

export interface FileText {
  bytes: Uint8Array;
  /** Shown in a text editor only when it is UTF-8 without NUL bytes. */
  binary: boolean;
}

export interface CommitRequest {
  comment: string;
  user: string;
  /** Start this new branch with the check-in. */
  newBranch?: string;
}

export interface CommitOutcome {
  uuid: string;
  branch: string | null;
}

/** A branch with more than one open leaf: work that went on in parallel (e.g. offline). */
export interface ForkInfo {
  branch: string;
  /** `mine`: written in this browser. */
  leaves: { uuid: string; user: string; time: string; comment: string; mine: boolean }[];
}

export interface WikiPageSource {
  title: string;
  text: string;
  mimetype: 'text/x-fossil-wiki' | 'text/x-markdown' | 'text/plain';
  /** Hash of the newest version, when the page exists. */
  version?: string;
}

export interface TicketRow {
  id: string;
  title: string;
  status: string;
  type: string;
  time: string;
}

export interface TicketSource {
  id: string;
  /** Current values of the ticket table's own columns (title, status, type, …). */
  fields: Record<string, string>;
}

export interface TagResult {
  uuid: string;
  checkin: string;
}
