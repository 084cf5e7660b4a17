/**
 * Full-text search over the index of search-index.ts. Timeline comments are matched and ranked
 * as `fossil search` does (every word must appear; search-match.ts): the index only narrows the
 * comments down to those holding every word, and fossil's score is computed on those. Wiki
 * pages, technotes, tickets, forum posts and the newest check-in's files come ranked by FTS5's
 * bm25, each with a snippet of where the words are.
 */
import type { Db } from '../../db/db.ts';
import { ftsQuery, searchScore, searchTerms } from '../search-match.ts';
import { SEARCH_DOCS, SEARCH_TABLE, type SearchKind } from '../search-index.ts';
import { julianToIso } from './time.ts';

export interface CommentHit {
  uuid: string;
  /** Event type: ci, w, t, e, f, g. */
  type: string;
  time: string;
  user: string;
  comment: string;
  /** fossil's score (search-match.ts). */
  score: number;
}

export interface DocumentHit {
  kind: Exclude<SearchKind, 'comment'>;
  /** What the page opens: the wiki title, technote id, ticket hash, forum post hash, file path. */
  key: string;
  title: string;
  /** Text around the words, each match between \u0002 and \u0003. */
  snippet: string;
  time: string;
}

export interface SearchResult {
  terms: string[];
  /** Comments as `fossil search` lists them (with `all`: as `fossil search -a`), best first. */
  comments: CommentHit[];
  /** How many comments match in all (before `limit`). */
  commentCount: number;
  documents: DocumentHit[];
}

export interface SearchOptions {
  /** Every matching comment, not only those scoring above a third of the best (`fossil search -a`). */
  all?: boolean;
  /** At most this many comments and this many documents (default 100). */
  limit?: number;
}

export function searchIndex(db: Db, pattern: string, opts: SearchOptions = {}): SearchResult {
  const terms = searchTerms(pattern);
  const limit = opts.limit ?? 100;
  if (!terms.length) return { terms: [], comments: [], commentCount: 0, documents: [] };
  const q = ftsQuery(terms);
  const scored = db.all<{ rid: number; mtime: number; body: string }>(
    `SELECT d.rid AS rid, d.mtime AS mtime, s.body AS body FROM ${SEARCH_TABLE} s JOIN ${SEARCH_DOCS} d ON d.id=s.rowid
      WHERE ${SEARCH_TABLE} MATCH ? AND d.kind='comment'`, `body : (${q})`,
  ).map((r) => ({ ...r, score: searchScore(terms, r.body) })).filter((r) => r.score > 0);
  const best = scored.reduce((m, r) => Math.max(m, r.score), 0);
  // fossil's `search` without -a: `x > iBest/3` in integer arithmetic.
  const kept = opts.all ? scored : scored.filter((r) => r.score > Math.floor(best / 3));
  kept.sort((a, b) => b.score - a.score || b.mtime - a.mtime);
  const comments: CommentHit[] = [];
  for (const r of kept.slice(0, limit)) {
    const e = db.get<{ uuid: string; type: string; user: string }>(
      'SELECT blob.uuid AS uuid, event.type AS type, coalesce(euser, user, \'\') AS user FROM event JOIN blob ON blob.rid=event.objid WHERE objid=?', r.rid);
    if (e) comments.push({ ...e, time: julianToIso(r.mtime), comment: r.body, score: r.score });
  }
  const documents = db.all<{ kind: DocumentHit['kind']; key: string; rid: number; mtime: number; title: string; snippet: string }>(
    `SELECT d.kind AS kind, d.key AS key, d.rid AS rid, d.mtime AS mtime, s.title AS title,
            snippet(${SEARCH_TABLE}, 1, char(2), char(3), '…', 24) AS snippet
       FROM ${SEARCH_TABLE} s JOIN ${SEARCH_DOCS} d ON d.id=s.rowid
      WHERE ${SEARCH_TABLE} MATCH ? AND d.kind NOT IN ('comment', 'tip') ORDER BY rank LIMIT ?`, q, limit,
  ).map((r) => ({
    kind: r.kind,
    key: r.kind === 'forum' || r.kind === 'ticket' ? keyHash(db, r) : r.key,
    title: r.title,
    snippet: r.snippet,
    time: r.mtime ? julianToIso(r.mtime) : '',
  }));
  return { terms: terms.map((t) => t.text), comments, commentCount: kept.length, documents };
}

/** A ticket's key is its hash already; a forum post is opened by its newest version's hash. */
function keyHash(db: Db, r: { kind: string; key: string; rid: number }): string {
  return r.kind === 'ticket' ? r.key : db.value<string>('SELECT uuid FROM blob WHERE rid=?', r.rid) ?? r.key;
}
