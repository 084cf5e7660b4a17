/**
 * More readers of the `browse` group (beside browse.ts): full-text search, the difference
 * between any two check-ins, and a check-in as a ZIP or tarball. Like browse.ts, functions over a
 * `Repository`; the worker calls them with a repository's local name.
 */
import { decodeLossless } from '../fossil/utf8-lossless.ts';
import { checkinArchive, tarballArchive, zipArchive } from '../repo/archive.ts';
import { checkinFiles, compareNames, readCheckin } from '../repo/checkin-files.ts';
import { FOSSIL_CONTEXT, lineHunks } from '../repo/line-diff.ts';
import { checkinDetail } from '../repo/queries/checkin.ts';
import { resolveCheckin } from '../repo/queries/resolve.ts';
import { documentSnippets, searchIndex, type SearchOptions, type SearchResult } from '../repo/queries/search.ts';
import type { Repository } from '../repo/repository.ts';
import { hasSearchIndex, refreshSearchIndexIfChanged } from '../repo/search-index.ts';
import type { FileDiff } from './browse-types.ts';

/** Files larger than this are listed but not diffed (as browse.ts). */
const MAX_DIFF_BYTES = 1_000_000;

/**
 * Search the repository (search.ts). The index is brought up to date first, unless a sync
 * session is writing (then what is indexed so far is searched).
 */
export function search(repo: Repository, pattern: string, opts: SearchOptions = {}): SearchResult & { indexed: boolean } {
  if (!repo.writeLock.busy && !repo.db.inTransaction) refreshSearchIndexIfChanged(repo);
  if (!hasSearchIndex(repo.db)) return { terms: [], comments: [], commentCount: 0, documents: [], indexed: false };
  return { ...searchIndex(repo.db, pattern, opts), indexed: true };
}

/** Snippets of the documents a search found (SearchResult.documents' ids), in that order. */
export function searchSnippets(repo: Repository, pattern: string, ids: number[]): string[] {
  return hasSearchIndex(repo.db) ? documentSnippets(repo.db, pattern, ids) : ids.map(() => '');
}

export interface VdiffFile {
  name: string;
  change: 'added' | 'deleted' | 'changed';
  diff: FileDiff;
}

export interface VdiffView {
  from: { uuid: string; time: string; comment: string; branch: string | null };
  to: { uuid: string; time: string; comment: string; branch: string | null };
  files: VdiffFile[];
}

export interface VdiffOptions {
  /** `fossil diff -w`. */
  ignoreWhitespace?: boolean;
  /** Lines of context (fossil's default 5). */
  context?: number;
}

function side(repo: Repository, name: string) {
  const rid = resolveCheckin(repo.db, name);
  const d = checkinDetail(repo.db, rid)!;
  const files = new Map(checkinFiles(repo, readCheckin(repo, rid)).map((f) => [f.name, f.uuid ?? null]));
  return { view: { uuid: d.uuid, time: d.time, comment: d.comment, branch: d.branch }, files };
}

function fileDiff(repo: Repository, before: string | null, after: string | null, opts: VdiffOptions): FileDiff {
  const base = { before, after, hunks: [] };
  const ridOf = (u: string | null) => (u ? repo.content.ridOf(u) : undefined);
  const [ra, rb] = [ridOf(before), ridOf(after)];
  if ((ra !== undefined && repo.content.size(ra) > MAX_DIFF_BYTES) || (rb !== undefined && repo.content.size(rb) > MAX_DIFF_BYTES)) return { ...base, note: 'too-large' };
  const a = before ? (ra === undefined ? null : repo.content.tryGet(ra)) : new Uint8Array();
  const b = after ? (rb === undefined ? null : repo.content.tryGet(rb)) : new Uint8Array();
  if (!a || !b) return { ...base, note: 'missing' };
  if (a.subarray(0, 8192).indexOf(0) >= 0 || b.subarray(0, 8192).indexOf(0) >= 0) return { ...base, note: 'binary' };
  const hunks = lineHunks(decodeLossless(a), decodeLossless(b), { context: opts.context ?? FOSSIL_CONTEXT, ignoreWhitespace: opts.ignoreWhitespace ?? false });
  return hunks ? { ...base, hunks } : { ...base, note: 'too-large' };
}

/**
 * What changed from check-in FROM to check-in TO, as `fossil diff --from FROM --to TO` lists it:
 * every file whose content differs by name, in name order, with its hunks.
 */
export function vdiff(repo: Repository, from: string, to: string, opts: VdiffOptions = {}): VdiffView {
  const a = side(repo, from);
  const b = side(repo, to);
  const names = [...new Set([...a.files.keys(), ...b.files.keys()])].sort(compareNames);
  const files: VdiffFile[] = [];
  for (const name of names) {
    const before = a.files.get(name) ?? null;
    const after = b.files.get(name) ?? null;
    if (before === after) continue;
    const change = before === null ? 'added' : after === null ? 'deleted' : 'changed';
    files.push({ name, change, diff: fileDiff(repo, before, after, opts) });
  }
  return { from: a.view, to: b.view, files };
}

/** A check-in (hash, branch, tag) as fossil's `zip` makes it: the file name and its bytes. */
export function zip(repo: Repository, name: string): { fileName: string; bytes: Uint8Array } {
  const a = checkinArchive(repo, resolveCheckin(repo.db, name));
  return { fileName: `${a.base}.zip`, bytes: zipArchive(a) };
}

/** A check-in as fossil's `tarball` makes it. */
export function tarball(repo: Repository, name: string): { fileName: string; bytes: Uint8Array } {
  const a = checkinArchive(repo, resolveCheckin(repo.db, name));
  return { fileName: `${a.base}.tar.gz`, bytes: tarballArchive(a) };
}

/** The readers of this file, added to the `browse` group. */
export const documentReaders = { search, searchSnippets, vdiff, zip, tarball };
