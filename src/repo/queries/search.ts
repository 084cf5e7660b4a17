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
  const hits = db.all<{ id: number; rid: number; mtime: number; body?: string }>(
    `SELECT d.id AS id, d.rid AS rid, d.mtime AS mtime${one ? '' : ', s.body AS body'}
       FROM ${SEARCH_TABLE} s CROSS JOIN ${SEARCH_DOCS} d ON d.id=s.rowid
      WHERE ${SEARCH_TABLE} MATCH ? AND d.kind='comment'`, `body : (${q})`);
  const bodyOf = (id: number) => db.value<string>(`SELECT body FROM ${SEARCH_TABLE} WHERE rowid=?`, id) ?? '';
  const scored = one
    ? hits.map((h) => ({ ...h, score: 1 }))
    : hits.map((h) => ({ ...h, score: searchScore(terms, h.body ?? '') })).filter((h) => h.score > 0);
  const best = scored.reduce((m, r) => Math.max(m, r.score), 0);
  // fossil's `search` without -a: `x > iBest/3` in integer arithmetic.
  const kept = opts.all ? scored : scored.filter((r) => r.score > Math.floor(best / 3));
  kept.sort((a, b) => b.score - a.score || b.mtime - a.mtime);
  const comments: CommentHit[] = [];
  for (const r of kept.slice(0, limit)) {
    const e = db.get<{ uuid: string; type: string; user: string }>(
      'SELECT blob.uuid AS uuid, event.type AS type, coalesce(euser, user, \'\') AS user FROM event JOIN blob ON blob.rid=event.objid WHERE objid=?', r.rid);
    if (e) comments.push({ ...e, time: julianToIso(r.mtime), comment: r.body ?? bodyOf(r.id), score: r.score });
  }
  // The best documents by bm25 first, then their text (FTS5's snippet() would read every match).
  const documents = db.all<{ id: number; kind: DocumentHit['kind']; key: string; rid: number; mtime: number }>(
    `SELECT d.id AS id, d.kind AS kind, d.key AS key, d.rid AS rid, d.mtime AS mtime
       FROM (SELECT rowid AS id FROM ${SEARCH_TABLE} WHERE ${SEARCH_TABLE} MATCH ? ORDER BY rank) m
       JOIN ${SEARCH_DOCS} d ON d.id=m.id WHERE d.kind NOT IN ('comment', 'tip') LIMIT ?`, q, Math.min(limit, DOCUMENTS_SHOWN),
  ).map((r) => {
    const doc = db.get<{ title: string; body: string }>(`SELECT title, body FROM ${SEARCH_TABLE} WHERE rowid=?`, r.id)!;
    return {
      kind: r.kind,
      key: r.kind === 'forum' ? db.value<string>('SELECT uuid FROM blob WHERE rid=?', r.rid) ?? r.key : r.key,
      title: doc.title,
      snippet: snippet(terms, doc.body),
      time: r.mtime ? julianToIso(r.mtime) : '',
    };
  });
  return { terms: terms.map((t) => t.text), comments, commentCount: kept.length, documents };
}
