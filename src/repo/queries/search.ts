/**
 * Full-text search over the index of search-index.ts. Timeline comments are matched and ranked
 * as `fossil search` does (every word must appear; search-match.ts): the index only narrows the
 * comments down to those holding every word, and fossil's score is computed on those. Wiki
 * pages, technotes, tickets, forum posts and the newest check-in's files come ranked by FTS5's
 * bm25, each with a snippet of where the words are.
 */
import type { Db } from '../../db/db.ts';
import { ftsPhrase, ftsQuery, phraseScore, scoresFromPhrases, searchScore, searchTerms, type SearchTerm } from '../search-match.ts';
import { SEARCH_COMMENTS, SEARCH_DOCS, SEARCH_EVENTS, SEARCH_TABLE, type SearchKind } from '../search-index.ts';
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
  kind: SearchKind;
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
  const comments = matchComments(db, terms, q, opts.all ?? false);
  const listed = comments.slice(0, limit);
  // The rows not read yet, in one statement (each statement is a read of its own).
  const unread = listed.filter((c) => !c.row).map((c) => c.id);
  const rows = new Map(unread.length ? db.all<CommentRow & { id: number }>(
    `SELECT c.id AS id, ${COMMENT_COLUMNS} FROM json_each(?) j CROSS JOIN ${SEARCH_EVENTS} c ON c.id=j.value`,
    JSON.stringify(unread)).map((r) => [r.id, r]) : []);
  const shown = listed.map((c) => {
    const row = c.row ?? rows.get(c.id)!;
    return { uuid: row.uuid, type: row.type, user: row.user, time: julianToIso(row.mtime), comment: row.body, score: c.score };
  });
  // The best documents by bm25; their snippets come separately (documentSnippets), since each
  // means reading the document's whole text.
  const documents = db.all<{ id: number; kind: DocumentHit['kind']; key: string; rid: number; mtime: number; title: string }>(
    `SELECT d.id AS id, d.kind AS kind, d.key AS key, d.rid AS rid, d.mtime AS mtime, d.title AS title
       FROM (SELECT rowid AS id FROM ${SEARCH_TABLE} WHERE ${SEARCH_TABLE} MATCH ? ORDER BY rank LIMIT ?) m
       JOIN ${SEARCH_DOCS} d ON d.id=m.id`, q, Math.min(limit, DOCUMENTS_SHOWN),
  ).map((r) => ({
    id: r.id,
    kind: r.kind,
    key: r.kind === 'forum' ? db.value<string>('SELECT uuid FROM blob WHERE rid=?', r.rid) ?? r.key : r.key,
    title: r.title ?? '',
    time: r.mtime ? julianToIso(r.mtime) : '',
  }));
  return { terms: terms.map((t) => t.text), comments: shown, commentCount: comments.length, documents };
}

interface CommentRow { body: string; mtime: number; uuid: string; type: string; user: string }
/** What a listed comment shows, from the row table (as `c`). */
const COMMENT_COLUMNS = 'c.body AS body, c.mtime AS mtime, c.uuid AS uuid, c.type AS type, c.user AS user';

/**
 * The comments holding every term, best first and newest first among equals (rowid order is
 * time order, search-index.ts), scored as fossil scores them. Where the index can tell the score
 * (scoresFromPhrases: one term, or distinct words without `*`), it lists and scores the comments
 * from its word lists alone and only the rows shown are read; otherwise each matching comment
 * is read and scored on its text.
 */
function matchComments(db: Db, terms: SearchTerm[], q: string, all: boolean): { id: number; score: number; row?: CommentRow }[] {
  const matching = `FROM ${SEARCH_COMMENTS} WHERE ${SEARCH_COMMENTS} MATCH ?`;
  let scored: { id: number; score: number; row?: CommentRow }[];
  if (terms.length === 1 || scoresFromPhrases(terms)) {
    const n = terms.length;
    const runs = new Map<number, [number, number][]>();
    // Runs of two terms, then three, ...: a run is looked for only where its shorter start was found.
    const found = new Set<string>();
    for (let len = 2; len <= n; len++) {
      for (let from = 0; from + len <= n; from++) {
        const to = from + len - 1;
        if (len > 2 && !found.has(`${from}:${to - 1}`)) continue;
        const ids = db.all<{ id: number }>(`SELECT rowid AS id FROM ${SEARCH_COMMENTS} WHERE ${SEARCH_COMMENTS} MATCH ?`, ftsPhrase(terms, from, to));
        if (ids.length) found.add(`${from}:${to}`);
        for (const { id } of ids) {
          const list = runs.get(id);
          if (list) list.push([from, to]);
          else runs.set(id, [[from, to]]);
        }
      }
    }
    scored = db.all<{ id: number }>(`SELECT rowid AS id ${matching}`, q).map(({ id }) => ({ id, score: phraseScore(n, runs.get(id) ?? []) }));
  } else {
    scored = db.all<CommentRow & { id: number }>(
      `SELECT c.id AS id, ${COMMENT_COLUMNS}
         FROM (SELECT rowid AS id ${matching}) m CROSS JOIN ${SEARCH_EVENTS} c ON c.id=m.id`, q)
      .map((row) => ({ id: row.id, score: searchScore(terms, row.body), row }))
      .filter((h) => h.score > 0);
  }
  const best = scored.reduce((m, r) => Math.max(m, r.score), 0);
  // fossil's `search` without -a: `x > iBest/3` in integer arithmetic.
  const kept = all ? scored : scored.filter((r) => r.score > Math.floor(best / 3));
  // Newest first among equal scores: ids follow time.
  return kept.sort((a, b) => b.score - a.score || b.id - a.id);
}

/** Text around the words in each document (by DocumentHit.id), each match between \u0002 and \u0003. */
export function documentSnippets(db: Db, pattern: string, ids: number[]): string[] {
  const terms = searchTerms(pattern);
  return ids.map((id) => snippet(terms, db.value<string>(`SELECT body FROM ${SEARCH_TABLE} WHERE rowid=?`, id) ?? ''));
}
