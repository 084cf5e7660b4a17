/**
 * The full-text index the search page reads: every timeline comment (what `fossil search`
 * scans), the newest text of each wiki page, technote, ticket and forum post, and the text files
 * of the newest check-in. SQLite FTS5 tables in the repository file, kept up to date by
 * `refreshSearchIndex` from what changed since it last ran (new events, edited comments, a new
 * tip), so a search on a large repository reads a few index pages instead of every artifact.
 *
 * Comments and documents are kept apart, because a search reads them differently:
 * - Comments (`edgesync_search_comment`) are listed newest first among equal scores, so each is
 *   stored under a rowid that follows its time (`timeKey`). A one-word search then lists its hits
 *   in order from the index alone and reads only the rows it shows; the rows (the text, hash,
 *   type and user) lie in time order too, so the newest are neighbours. In the browser a cold
 *   read of storage costs far more than the page it brings (see db/read-ahead.ts): what a search
 *   touches must be few pages, close together.
 * - Documents (`edgesync_search`, with `edgesync_search_doc` saying what each row is) are ranked
 *   by FTS5's bm25, among documents only.
 *
 * fossil tolerates the tables: it never reads them (its own index is `ftsidx`, which this is
 * not, so `fossil search` keeps its own behaviour), `fossil test-integrity` checks artifacts
 * only, and `fossil rebuild` drops them with the other tables it does not know; the next search
 * here makes them again.
 *
 * The tokenizer is FTS5's `ascii` with `_` as a word character: its words are exactly fossil's
 * search words (ASCII letters, digits, `_`, and any non-ASCII character), folded to lower case
 * in ASCII only, as fossil compares them (search-match.ts).
 */
import type { Db } from '../db/db.ts';
import { parseArtifact } from '../fossil/artifact.ts';
import { decodeLossless } from '../fossil/utf8-lossless.ts';
import { treeOfCheckin } from './queries/files.ts';
import { tipCheckin } from './queries/resolve.ts';
import type { Repository } from './repository.ts';

/** Documents: wiki pages, technotes, tickets, forum posts, files at the tip. */
export const SEARCH_TABLE = 'edgesync_search';
export const SEARCH_DOCS = 'edgesync_search_doc';
/**
 * Timeline comments: one row per event, under an id in time order (timeKey), with what a list
 * of hits shows (text, time, hash, type, user), the event it is, and the newest edit of its
 * comment indexed. SEARCH_COMMENTS indexes their text (an FTS5 table over this one).
 */
export const SEARCH_EVENTS = 'edgesync_search_event';
export const SEARCH_COMMENTS = 'edgesync_search_comment';

/** Kinds of indexed document. */
export type SearchKind = 'wiki' | 'technote' | 'ticket' | 'forum' | 'file';

/** Files larger than this are found by their path only. */
const MAX_FILE_BYTES = 1_000_000;

const TOKENIZE = `tokenize="ascii tokenchars '_'"`;
const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS ${SEARCH_EVENTS}(id INTEGER PRIMARY KEY, objid INTEGER NOT NULL UNIQUE, stamp TEXT NOT NULL, mtime REAL, uuid TEXT, type TEXT, user TEXT, body TEXT)`,
  `CREATE VIRTUAL TABLE IF NOT EXISTS ${SEARCH_COMMENTS} USING fts5(body, content='${SEARCH_EVENTS}', content_rowid='id', ${TOKENIZE})`,
  `CREATE VIRTUAL TABLE IF NOT EXISTS ${SEARCH_TABLE} USING fts5(title, body, ${TOKENIZE})`,
  // One row per document: what it is (kind, key), its title, the artifact it was read from, and a
  // stamp that tells whether it is still current (a file's hash, the tip's hash).
  `CREATE TABLE IF NOT EXISTS ${SEARCH_DOCS}(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL, title TEXT, rid INTEGER, mtime REAL, stamp TEXT, UNIQUE(kind, key))`,
  `CREATE INDEX IF NOT EXISTS ${SEARCH_DOCS}_rid ON ${SEARCH_DOCS}(kind, rid)`,
];

/** Slots per millisecond in timeKey: events with the same time get consecutive keys. */
const KEYS_PER_MS = 1024;
/** Milliseconds either side of 1970 a key can say exactly (past it, keys stay at the edge). */
const MAX_MS = Math.floor(Number.MAX_SAFE_INTEGER / KEYS_PER_MS) - KEYS_PER_MS;

/**
 * The first rowid a comment of time MTIME (a Julian day) may take: rowid order is time order,
 * to the millisecond. Events that share a millisecond take the next free slots, so among them
 * (and only among them) the order is the order they were indexed in.
 */
export function timeKey(mtime: number): number {
  const ms = Math.round((mtime - 2440587.5) * 86_400_000);
  return Math.max(-MAX_MS, Math.min(MAX_MS, Number.isFinite(ms) ? ms : 0)) * KEYS_PER_MS;
}

const hasTable = (db: Db, name: string) => db.value("SELECT 1 FROM sqlite_schema WHERE type='table' AND name=?", name) !== undefined;

/**
 * A build's progress, in SEARCH_DOCS rows of kind `state`: `built` once the index was complete
 * (from then on it is kept current), and while it is made, `fts`: the comment rows up to which
 * id are in SEARCH_COMMENTS (the rows are written first, then indexed; see advance).
 */
const STATE = (key: string) => `SELECT stamp FROM ${SEARCH_DOCS} WHERE kind='state' AND key='${key}'`;

/** Is the index complete (it may lag behind what arrived since: refreshSearchIndex)? */
export function hasSearchIndex(db: Db): boolean {
  return hasTable(db, SEARCH_EVENTS) && db.value(STATE('built')) !== undefined;
}

class Writer {
  constructor(private readonly db: Db) {}

  put(kind: SearchKind, key: string, doc: { rid: number; mtime: number; stamp?: string; title: string; body: string }): void {
    this.remove(kind, key);
    const { lastInsertRowid: id } = this.db.run(
      `INSERT INTO ${SEARCH_DOCS}(kind, key, title, rid, mtime, stamp) VALUES(?,?,?,?,?,?)`, kind, key, doc.title, doc.rid, doc.mtime, doc.stamp ?? null);
    this.db.run(`INSERT INTO ${SEARCH_TABLE}(rowid, title, body) VALUES(?,?,?)`, id, doc.title, doc.body);
  }

  remove(kind: SearchKind, key: string): void {
    const id = this.db.value<number>(`SELECT id FROM ${SEARCH_DOCS} WHERE kind=? AND key=?`, kind, key);
    if (id === undefined) return;
    this.db.run(`DELETE FROM ${SEARCH_TABLE} WHERE rowid=?`, id);
    this.db.run(`DELETE FROM ${SEARCH_DOCS} WHERE id=?`, id);
  }
}

function artifactText(repo: Repository, rid: number) {
  const bytes = repo.content.tryGet(rid);
  if (!bytes) return null;
  try {
    return parseArtifact(bytes);
  } catch {
    return null;
  }
}

/** The newest version (rid, mtime) of the wiki page or technote whose tag is TAGNAME. */
function newestOfTag(db: Db, tagname: string) {
  return db.get<{ rid: number; mtime: number }>(
    'SELECT tagxref.rid AS rid, tagxref.mtime AS mtime FROM tag JOIN tagxref USING(tagid) WHERE tag.tagname=? ORDER BY tagxref.mtime DESC LIMIT 1', tagname);
}

function indexWiki(repo: Repository, w: Writer, title: string): void {
  const v = newestOfTag(repo.db, `wiki-${title}`);
  const a = v && artifactText(repo, v.rid);
  if (!v || !a || !a.wiki?.length) return w.remove('wiki', title);
  w.put('wiki', title, { rid: v.rid, mtime: v.mtime, title, body: decodeLossless(a.wiki) });
}

function indexTechnote(repo: Repository, w: Writer, id: string): void {
  const v = newestOfTag(repo.db, `event-${id}`);
  const a = v && artifactText(repo, v.rid);
  if (!v || !a) return w.remove('technote', id);
  w.put('technote', id, { rid: v.rid, mtime: v.mtime, title: a.comment ?? '', body: decodeLossless(a.wiki ?? new Uint8Array()) });
}

function indexTicket(repo: Repository, w: Writer, uuid: string, rid: number): void {
  if (!hasTable(repo.db, 'ticket')) return;
  const row = repo.db.get<Record<string, unknown>>('SELECT * FROM ticket WHERE tkt_uuid=?', uuid);
  if (!row) return w.remove('ticket', uuid);
  const fields = Object.entries(row).filter(([k, v]) => !k.startsWith('tkt_') && v !== null && k !== 'title').map(([, v]) => String(v));
  w.put('ticket', uuid, { rid, mtime: Number(row.tkt_mtime ?? 0), title: String(row.title ?? ''), body: fields.join('\n') });
}

/** A forum post: indexed under its first version, with the text of its newest one. */
function indexForumPost(repo: Repository, w: Writer, rid: number): void {
  const db = repo.db;
  let first = rid;
  for (let prev = db.value<number | null>('SELECT fprev FROM forumpost WHERE fpid=?', rid); prev; prev = db.value<number | null>('SELECT fprev FROM forumpost WHERE fpid=?', prev)) first = prev;
  let newest = first;
  for (let next = db.value<number>('SELECT fpid FROM forumpost WHERE fprev=? ORDER BY fmtime DESC LIMIT 1', first); next !== undefined; next = db.value<number>('SELECT fpid FROM forumpost WHERE fprev=? ORDER BY fmtime DESC LIMIT 1', next)) newest = next;
  const key = String(first);
  const a = artifactText(repo, newest);
  if (!a || !a.wiki?.length) return w.remove('forum', key);
  const root = db.value<number>('SELECT froot FROM forumpost WHERE fpid=?', first);
  const title = a.threadTitle ?? (root !== undefined && root !== newest ? artifactText(repo, root)?.threadTitle : undefined) ?? '';
  w.put('forum', key, { rid: newest, mtime: a.julian ?? 0, title, body: decodeLossless(a.wiki) });
}

/**
 * The files of the newest check-in: those whose hash changed since the last tip are read again.
 * Stops before a file when `over()` says so, and says whether it got through: a later call goes
 * on from there, as the files done already have their stamp.
 */
function indexTipFiles(repo: Repository, w: Writer, over: () => boolean): boolean {
  const db = repo.db;
  const tip = tipCheckin(db);
  const tipUuid = tip === undefined ? '' : repo.content.uuidOf(tip) ?? '';
  if (db.value<string>(`SELECT stamp FROM ${SEARCH_DOCS} WHERE kind='tip' AND key=''`) === tipUuid) return true;
  const had = new Map(db.all<{ key: string; stamp: string }>(`SELECT key, stamp FROM ${SEARCH_DOCS} WHERE kind='file'`).map((r) => [r.key, r.stamp]));
  const files = tip === undefined ? [] : treeOfCheckin(repo, tip, () => false);
  const mtime = tip === undefined ? 0 : db.value<number>('SELECT mtime FROM event WHERE objid=?', tip) ?? 0;
  for (const f of files) {
    const stamp = `${f.uuid}:${f.perm}`;
    if (had.get(f.name) === stamp) {
      had.delete(f.name);
      continue;
    }
    if (over()) return false;
    had.delete(f.name);
    const rid = repo.content.ridOf(f.uuid);
    const size = rid === undefined ? -1 : repo.content.size(rid);
    const bytes = rid !== undefined && size >= 0 && size <= MAX_FILE_BYTES ? repo.content.tryGet(rid) : null;
    const text = bytes && bytes.subarray(0, 8192).indexOf(0) < 0 ? decodeLossless(bytes) : '';
    w.put('file', f.name, { rid: rid ?? 0, mtime, stamp, title: f.name, body: text });
  }
  for (const gone of had.keys()) w.remove('file', gone);
  db.run(`INSERT OR REPLACE INTO ${SEARCH_DOCS}(kind, key, rid, mtime, stamp) VALUES('tip', '', ?, ?, ?)`, tip ?? 0, mtime, tipUuid);
  return true;
}

/** The tag name (after PREFIX) that names what event OBJID is a version of. */
const tagOf = (db: Db, objid: number, prefix: string) =>
  db.value<string>("SELECT substr(tagname, ?) FROM tagxref JOIN tag USING(tagid) WHERE tagxref.rid=? AND tagname GLOB ? LIMIT 1", prefix.length + 1, objid, `${prefix}*`);

/**
 * Bring the index up to date (making it when missing): index the events it has not seen, with
 * the documents they are versions of, the comments edited since, and the files of a new tip.
 * Returns how many events it indexed.
 */
export function refreshSearchIndex(repo: Repository): number {
  const db = repo.db;
  const n = db.transaction(() => advance(repo, Infinity)).events;
  seen.set(db, changesOf(db));
  return n;
}

/**
 * One step of refreshSearchIndex, of about BUDGET_MS, in a transaction of its own: what a
 * repository's owner runs between other work, so that a large repository's index is made
 * without holding anything up for seconds. Says whether the index is complete and current.
 */
export function searchIndexStep(repo: Repository, budgetMs: number): boolean {
  const db = repo.db;
  const done = db.transaction(() => advance(repo, performance.now() + budgetMs)).done;
  seen.set(db, changesOf(db));
  return done;
}

/** Rows this connection has changed since it opened: when no row changed, the index is current. */
const changesOf = (db: Db) => db.value<number>('SELECT total_changes()') ?? 0;
const seen = new WeakMap<Db, number>();

/**
 * refreshSearchIndex, unless this connection changed no row since the last one: the check a
 * search makes first costs nothing then. (Another connection's writes are seen at the next open;
 * in the browser one worker holds each repository.)
 */
export function refreshSearchIndexIfChanged(repo: Repository): number {
  if (seen.get(repo.db) === changesOf(repo.db) && hasSearchIndex(repo.db)) return 0;
  return refreshSearchIndex(repo);
}

/** A timeline event as its comment is indexed. */
interface EventRow { objid: number; type: string; mtime: number; comment: string | null; uuid: string; user: string }

const EVENT_COLUMNS = "objid, type, mtime, coalesce(ecomment, comment) AS comment, (SELECT uuid FROM blob WHERE rid=objid) AS uuid, coalesce(euser, user, '') AS user";

/**
 * Writes comments under time-ordered ids (timeKey). Rows with an id up to `indexedUpTo` are in
 * the text index and are changed there too; those above it are indexed later, in id order, by
 * the build (advance), so that a first build writes its rows one after another (they lie
 * together in the file, in time order) and the index after them.
 */
class CommentWriter {
  constructor(private readonly db: Db, private readonly indexedUpTo: number) {}

  put(e: EventRow, stamp: string): void {
    const db = this.db;
    const was = db.get<{ id: number; body: string }>(`SELECT id, body FROM ${SEARCH_EVENTS} WHERE objid=?`, e.objid);
    // An external-content index is told the old text to take out.
    if (was && was.id <= this.indexedUpTo) db.run(`INSERT INTO ${SEARCH_COMMENTS}(${SEARCH_COMMENTS}, rowid, body) VALUES('delete', ?, ?)`, was.id, was.body);
    let id = was?.id ?? timeKey(e.mtime);
    while (!was && db.value(`SELECT 1 FROM ${SEARCH_EVENTS} WHERE id=?`, id) !== undefined) id++;
    const body = e.comment ?? '';
    db.run(`INSERT OR REPLACE INTO ${SEARCH_EVENTS}(id, objid, stamp, mtime, uuid, type, user, body) VALUES(?,?,?,?,?,?,?,?)`, id, e.objid, stamp, e.mtime, e.uuid, e.type, e.user, body);
    if (id <= this.indexedUpTo) db.run(`INSERT INTO ${SEARCH_COMMENTS}(rowid, body) VALUES(?,?)`, id, body);
  }
}

/** An index of the layout before comments had their own table: dropped, to be made anew. */
function dropOldLayout(db: Db): void {
  if (hasTable(db, SEARCH_DOCS) && !hasTable(db, SEARCH_EVENTS)) {
    db.exec(`DROP TABLE IF EXISTS ${SEARCH_TABLE}`);
    db.exec(`DROP TABLE IF EXISTS ${SEARCH_DOCS}`);
  }
}

/** Events read at a time while looking for new ones. */
const EVENT_BATCH = 2000;
/** Comment rows put in the text index at a time during a build. */
const INDEX_BATCH = 1000;

/**
 * Bring the index forward until DEADLINE (performance.now(); Infinity: to the end), in the order
 * a build needs: the comment rows of new events (with the wiki pages, technotes, tickets and
 * forum posts they are versions of) and of edited comments; then, while the index is first
 * made, the rows into the text index; then the files of the tip; then, once, each text index
 * merged into one piece. Each part can stop and be taken up again by the next call.
 */
function advance(repo: Repository, deadline: number): { events: number; done: boolean } {
  const db = repo.db;
  dropOldLayout(db);
  for (const sql of SCHEMA) db.exec(sql);
  const built = db.value(STATE('built')) !== undefined;
  let indexedUpTo = built ? Infinity : Number(db.value<string>(STATE('fts')) ?? -Infinity);
  const w = new Writer(db);
  const comments = new CommentWriter(db, indexedUpTo);
  // Each call gets something done, however small its budget.
  let worked = false;
  const over = () => worked && performance.now() > deadline;

  // Comments edited (a `comment` tag) since they were indexed: the stamp is the newest edit seen.
  const edits = new Map(db.all<{ rid: number; src: number }>(
    `SELECT tagxref.rid AS rid, max(tagxref.srcid) AS src FROM tagxref JOIN tag USING(tagid) WHERE tag.tagname='comment' GROUP BY tagxref.rid`,
  ).map((r) => [r.rid, r.src]));
  const wiki = new Set<string>();
  const technotes = new Set<string>();
  const tickets = new Map<string, number>();
  const forum = new Set<number>();
  let events = 0;
  let stopped = false;
  // As many events as rows: nothing new (the counts are read from indexes alone; the search for
  // which events are new reads every row of event). Oldest first, so rows are written in id order.
  while (!stopped && db.value<number>('SELECT count(*) FROM event') !== db.value<number>(`SELECT count(*) FROM ${SEARCH_EVENTS}`)) {
    const fresh = db.all<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM event WHERE objid NOT IN (SELECT objid FROM ${SEARCH_EVENTS}) ORDER BY mtime, objid LIMIT ${EVENT_BATCH}`);
    for (const e of fresh) {
      if (over()) { stopped = true; break; }
      comments.put(e, String(edits.get(e.objid) ?? 0));
      events++;
      worked = true;
      if (e.type === 'w') { const t = tagOf(db, e.objid, 'wiki-'); if (t !== undefined) wiki.add(t); }
      else if (e.type === 'e') { const t = tagOf(db, e.objid, 'event-'); if (t !== undefined) technotes.add(t); }
      else if (e.type === 't') { const t = tagOf(db, e.objid, 'tkt-'); if (t !== undefined) tickets.set(t, e.objid); }
      else if (e.type === 'f') forum.add(e.objid);
    }
    if (fresh.length < EVENT_BATCH) break;
  }
  if (!stopped) {
    for (const [rid, src] of edits) {
      const stamp = db.value<string>(`SELECT stamp FROM ${SEARCH_EVENTS} WHERE objid=?`, rid);
      if (stamp === undefined || stamp === String(src)) continue;
      const e = db.get<EventRow>(`SELECT ${EVENT_COLUMNS} FROM event WHERE objid=?`, rid);
      if (e) comments.put(e, String(src));
    }
  }
  for (const t of wiki) indexWiki(repo, w, t);
  for (const t of technotes) indexTechnote(repo, w, t);
  for (const [t, rid] of tickets) indexTicket(repo, w, t, rid);
  if (forum.size && hasTable(db, 'forumpost')) for (const rid of forum) indexForumPost(repo, w, rid);
  if (stopped) return { events, done: false };

  if (!built) {
    // The rows not in the text index yet, in id order.
    for (;;) {
      if (over()) return { events, done: false };
      const last = db.value<number>(`SELECT max(id) FROM (SELECT id FROM ${SEARCH_EVENTS} WHERE id > ? ORDER BY id LIMIT ${INDEX_BATCH})`, indexedUpTo);
      if (last === undefined || last === null) break;
      db.run(`INSERT INTO ${SEARCH_COMMENTS}(rowid, body) SELECT id, body FROM ${SEARCH_EVENTS} WHERE id > ? AND id <= ? ORDER BY id`, indexedUpTo, last);
      indexedUpTo = last;
      worked = true;
      db.run(`INSERT OR REPLACE INTO ${SEARCH_DOCS}(kind, key, stamp) VALUES('state', 'fts', ?)`, String(last));
    }
  }
  if (!indexTipFiles(repo, w, () => { const o = over(); worked = true; return o; })) return { events, done: false };
  if (!built) {
    // A first build ends with each text index in one piece: a search then reads each word's list in one place.
    db.run(`INSERT INTO ${SEARCH_COMMENTS}(${SEARCH_COMMENTS}) VALUES('optimize')`);
    db.run(`INSERT INTO ${SEARCH_TABLE}(${SEARCH_TABLE}) VALUES('optimize')`);
    db.run(`DELETE FROM ${SEARCH_DOCS} WHERE kind='state'`);
    db.run(`INSERT INTO ${SEARCH_DOCS}(kind, key, stamp) VALUES('state', 'built', '')`);
  }
  return { events, done: true };
}

/**
 * refreshSearchIndex as a repository opens, for one that has an index (bringing it up to date
 * costs what changed). One without gets it at its first search: building it for a large
 * repository takes seconds, which opening (or the end of a clone) should not wait for. When it
 * fails (browser storage full, say) the repository opens all the same, and the next search
 * tries again.
 */
export function refreshSearchIndexOnOpen(repo: Repository): void {
  try {
    if (hasSearchIndex(repo.db)) refreshSearchIndex(repo);
  } catch {
    // Searching retries (search in browse-docs.ts); reading every other page needs no index.
  }
}
