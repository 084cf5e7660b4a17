/**
 * Full-text search over the index of search-index.ts. Timeline comments are matched and ranked
 * as `fossil search` does (every word must appear; search-match.ts): the index only narrows the
 * comments down to those holding every word, and fossil's score is computed on those. Wiki
 * pages, technotes, tickets, forum posts and the newest check-in's files come ranked by FTS5's
 * bm25, each with a snippet of where the words are.
 */
import type { Db } from '../../db/db.ts';
import { ftsQuery, searchScore, searchTerms, type SearchTerm } from '../search-match.ts';
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
  time: string;
  /** For documentSnippets. */
  id: number;
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

/** Documents listed at most (each is read whole for its snippet). */
const DOCUMENTS_SHOWN = 20;
/** Characters of text shown before and after the first match. */
const SNIPPET_CONTEXT = 80;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The text around the first word that matches a term, every matching word in it between \u0002 and \u0003. */
export function snippet(terms: SearchTerm[], body: string): string {
  const alt = terms.map((t) => `${escapeRe(t.text)}${t.prefix ? '[A-Za-z0-9_\\u0080-\\u{10FFFF}]*' : ''}`).join('|');
  const word = new RegExp(`(?<![A-Za-z0-9_\\u0080-\\u{10FFFF}])(?:${alt})(?![A-Za-z0-9_\\u0080-\\u{10FFFF}])`, 'giu');
  const first = word.exec(body);
  const at = first ? first.index : 0;
  const from = Math.max(0, at - SNIPPET_CONTEXT);
  const to = Math.min(body.length, at + SNIPPET_CONTEXT * 2);
  const part = body.slice(from, to).replace(/\s+/g, ' ');
  return `${from > 0 ? '…' : ''}${part.replace(word, (m) => `\u0002${m}\u0003`)}${to < body.length ? '…' : ''}`;
}

export function searchIndex(db: Db, pattern: string, opts: SearchOptions = {}): SearchResult {
  const terms = searchTerms(pattern);
  const limit = opts.limit ?? 100;
  if (!terms.length) return { terms: [], comments: [], commentCount: 0, documents: [] };
  const q = ftsQuery(terms);
  // Which comments hold every word; their text is read only where the score needs it: with one
  // term every match scores 1 (fossil's score multiplies runs of consecutive terms).
  const one = terms.length === 1;
  // CROSS JOIN: from the index's matches to their rows, never the other way round.
  const hits = db.all<{ id: number; mtime: number; body?: string }>(
    `SELECT d.id AS id, d.mtime AS mtime${one ? '' : ', s.body AS body'}
       FROM ${SEARCH_TABLE} s CROSS JOIN ${SEARCH_DOCS} d ON d.id=s.rowid
      WHERE ${SEARCH_TABLE} MATCH ? AND d.kind='comment'`, `body : (${q})`);
  const scored = one
    ? hits.map((h) => ({ ...h, score: 1 }))
    : hits.map((h) => ({ ...h, score: searchScore(terms, h.body ?? '') })).filter((h) => h.score > 0);
  const best = scored.reduce((m, r) => Math.max(m, r.score), 0);
  // fossil's `search` without -a: `x > iBest/3` in integer arithmetic.
  const kept = opts.all ? scored : scored.filter((r) => r.score > Math.floor(best / 3));
  kept.sort((a, b) => b.score - a.score || b.mtime - a.mtime);
  // The listed comments come from the index alone (hash, type and user are kept beside them).
  const comments: CommentHit[] = kept.slice(0, limit).map((r) => {
    const d = db.get<{ uuid: string; type: string; user: string; body: string }>(
      `SELECT d.uuid AS uuid, d.type AS type, d.user AS user, s.body AS body FROM ${SEARCH_DOCS} d, ${SEARCH_TABLE} s WHERE d.id=? AND s.rowid=d.id`, r.id)!;
    return { uuid: d.uuid, type: d.type, user: d.user, time: julianToIso(r.mtime), comment: d.body, score: r.score };
  });
  // The best documents by bm25; their snippets come separately (documentSnippets), since each
  // means reading the document's whole text.
  const documents = db.all<{ id: number; kind: DocumentHit['kind']; key: string; rid: number; mtime: number; title: string }>(
    `SELECT d.id AS id, d.kind AS kind, d.key AS key, d.rid AS rid, d.mtime AS mtime, (SELECT title FROM ${SEARCH_TABLE} WHERE rowid=d.id) AS title
       FROM (SELECT rowid AS id FROM ${SEARCH_TABLE} WHERE ${SEARCH_TABLE} MATCH ? ORDER BY rank) m
       JOIN ${SEARCH_DOCS} d ON d.id=m.id WHERE d.kind NOT IN ('comment', 'tip') LIMIT ?`, q, Math.min(limit, DOCUMENTS_SHOWN),
  ).map((r) => ({
    id: r.id,
    kind: r.kind,
    key: r.kind === 'forum' ? db.value<string>('SELECT uuid FROM blob WHERE rid=?', r.rid) ?? r.key : r.key,
    title: r.title,
    time: r.mtime ? julianToIso(r.mtime) : '',
  }));
  return { terms: terms.map((t) => t.text), comments, commentCount: kept.length, documents };
}

/** Text around the words in each document (by DocumentHit.id), each match between \u0002 and \u0003. */
export function documentSnippets(db: Db, pattern: string, ids: number[]): string[] {
  const terms = searchTerms(pattern);
  return ids.map((id) => snippet(terms, db.value<string>(`SELECT body FROM ${SEARCH_TABLE} WHERE rowid=?`, id) ?? ''));
}
