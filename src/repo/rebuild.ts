/**
 * Rebuild: recompute every derived table from the artifacts, as `fossil rebuild` does
 * (upstream rebuild_db and rebuild_database). The primary tables (blob, delta, users, settings,
 * ...) are kept; every other table is dropped and recreated empty, then each artifact is
 * expanded once by walking the delta trees and crosslinked. Runs in one transaction.
 */
import type { Db } from '../db/db.ts';
import { md5Hex } from '../fossil/hash.ts';
import { isLikelyArtifact } from '../fossil/artifact.ts';
import { fossilize } from '../fossil/fossilize.ts';
import { utf8 } from '../fossil/bytes.ts';
import { beginCrosslink, crosslinkArtifact, endCrosslink } from './crosslink/crosslink.ts';
import type { CrosslinkContent, CrosslinkRepo } from './crosslink/host.ts';
import { activeSession } from './crosslink/session.ts';
import { DEFAULT_TICKET_TABLE_SQL } from './crosslink/ticket-schema.ts';
import { expandStored, loadRepositoryBlobs, walkDeltaTrees, type RepositoryBlobs } from './delta-tree-walk.ts';
import { BufferPool } from './buffer-pool.ts';
import { AUX_SCHEMA_MAX, CONTENT_SCHEMA, installDerivedSchema, TagId } from './schema.ts';

/** Tables rebuild keeps (upstream's list), besides sqlite_* and fx_* tables. */
const KEPT_TABLES = new Set([
  'admin_log', 'blob', 'delta', 'rcvfrom', 'user', 'alias', 'config', 'shun', 'private', 'reportfmt',
  'concealed', 'accesslog', 'modreq', 'purgeevent', 'purgeitem', 'unversioned', 'subscriber',
  'pending_alert', 'chat',
]);

/** What rebuild writes into the `rebuilt` setting: the fossil version whose behaviour it reproduces. */
export const REBUILT_BY = '2.21 [3c53b6364e] 2023-02-26 19:24:24 UTC';

/** The view fossil's rebuild adds, in the exact text fossil leaves in sqlite_schema. */
const ARTIFACT_VIEW_SQL =
  'CREATE VIEW artifact(rid,rcvid,size,atype,srcid,hash,content) AS ' +
  '    SELECT blob.rid,rcvid,size,1,srcid,uuid,content' +
  '      FROM blob LEFT JOIN delta ON (blob.rid=delta.rid)';

export interface RebuildContent extends CrosslinkContent {
  put(data: Uint8Array, opts?: { isPrivate?: boolean }): { rid: number };
  undeltify(rid: number): boolean;
  clearCache?(): void;
  /** Budget of the store's expanded-content cache, if it has one. */
  cacheBytes?: number;
}

export interface RebuildRepo extends CrosslinkRepo {
  readonly content: RebuildContent;
}

export interface RebuildProgress {
  done: number;
  total: number;
}

export interface RebuildOptions {
  onProgress?: (p: RebuildProgress) => void;
  /**
   * Sees every artifact's expanded content before it is crosslinked (e.g. to check its hash,
   * as a clone does); throwing aborts the rebuild. The content is only valid during the call:
   * its buffer is reused afterwards.
   */
  onContent?: (rid: number, uuid: string, content: Uint8Array) => void;
  /** Login named in the trunk tags rebuild may have to create (default: the `default-user` setting). */
  user?: string;
  /** Date of those tags (default now). */
  now?: Date;
}

export interface RebuildResult {
  /** Artifacts expanded and offered to the crosslinker. */
  artifacts: number;
  /** Of those, the structural ones that were linked. */
  linked: number;
  /** Phantoms found. */
  phantoms: number;
}

const PROGRESS_EVERY = 1000;

export function rebuild(repo: RebuildRepo, opts: RebuildOptions = {}): RebuildResult {
  const db = repo.db;
  // A running session caches tag and file-name ids from the tables rebuild is about to replace.
  if (activeSession(db)) throw new Error('cannot rebuild while a crosslink session is running on this repository');
  const restoreCache = limitCaches(repo);
  try {
    return rebuildInTransaction(repo, opts);
  } finally {
    restoreCache();
  }
}

/**
 * Shrink the caches while a rebuild or a clone links (or, with a larger content budget, while a
 * clone compacts); returns what puts them back. The walk
 * hands the crosslinker nearly everything it asks for, so the store's cache only serves the odd
 * parent found elsewhere (a merge); and the walk reads each stored blob once, in rid order, so
 * SQLite's page cache mostly holds pages it will not read again. Full-size caches would only
 * add to the peak. A page cache given (pageKib) is used as it is, larger or smaller: a clone in
 * the browser, where every page missing from it is a read from OPFS, wants a large one.
 */
export function limitCaches(
  repo: { db: Db; content: { cacheBytes?: number } },
  contentBytes = LINKING_CACHE_BYTES,
  pageKib?: number,
): () => void {
  const { db, content } = repo;
  const savedContent = content.cacheBytes;
  if (savedContent !== undefined) content.cacheBytes = Math.min(savedContent, contentBytes);
  const savedPages = db.value<number>('PRAGMA cache_size');
  const pageSize = db.value<number>('PRAGMA page_size') ?? 4096;
  // cache_size is pages when positive, KiB when negative.
  const savedKib = savedPages === undefined ? undefined : savedPages < 0 ? -savedPages : (savedPages * pageSize) / 1024;
  const pages = pageKib ?? LINKING_PAGE_CACHE_KIB;
  const change = savedKib !== undefined && (pageKib !== undefined ? savedKib !== pageKib : savedKib > pages);
  if (change) db.exec(`PRAGMA cache_size=-${pages}`);
  const limit = limited.get(db) ?? { depth: 0 };
  limit.depth++;
  limited.set(db, limit);
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    if (savedContent !== undefined) content.cacheBytes = savedContent;
    limit.depth--;
    // The outermost limit ends: a page cache asked for meanwhile (setPageCache) wins.
    const wanted = limit.depth === 0 ? limit.wantedKib : undefined;
    if (limit.depth === 0) limited.delete(db);
    if (wanted !== undefined) db.exec(`PRAGMA cache_size=-${wanted}`);
    else if (change) db.exec(`PRAGMA cache_size=${savedPages}`);
  };
}

/** Connections whose caches limitCaches holds small, with a page cache asked for meanwhile. */
const limited = new WeakMap<Db, { depth: number; wantedKib?: number }>();

/**
 * Give a connection a page cache of this many KiB (browsing a large repository wants a big one),
 * or, while a clone or rebuild holds its caches small, once that ends: pages browsed during a
 * clone must not grow its peak by the whole cache.
 */
export function setPageCache(db: Db, kib: number): void {
  const limit = limited.get(db);
  if (limit) limit.wantedKib = kib;
  else db.exec(`PRAGMA cache_size=-${kib}`);
}

function rebuildInTransaction(repo: RebuildRepo, opts: RebuildOptions): RebuildResult {
  const db = repo.db;
  return db.transaction(() => {
    resetDerivedTables(db);
    removeShunned(repo);
    db.exec(`INSERT INTO unclustered SELECT rid FROM blob EXCEPT SELECT rid FROM private`);
    db.exec(`DELETE FROM config WHERE name IN ('remote-code', 'remote-maxid')`);
    db.exec(`UPDATE user SET mtime=strftime('%s','now') WHERE mtime IS NULL`);
    repo.content.clearCache?.();

    const blobs = loadRepositoryBlobs(db);
    const total = blobs.byRid.size;
    const result: RebuildResult = { artifacts: 0, linked: 0, phantoms: 0 };
    const fixSize = db.prepare('UPDATE blob SET size=? WHERE rid=?');
    const s = beginCrosslink(repo);
    s.rebuilding = true;
    let done = 0;
    const step = () => {
      done++;
      if (opts.onProgress && done % PROGRESS_EVERY === 0) opts.onProgress({ done, total });
    };
    const shared = shareExpansions(db, blobs);
    s.contentHint = shared.lookup;
    s.knownRids = ridsByHash(blobs);
    const visited = walkDeltaTrees(db, blobs, (blob, content) => {
      // Remembered first: linking a check-in asks for its parent, usually a delta of it.
      shared.remember(blob.rid, content);
      opts.onContent?.(blob.rid, blob.uuid, content);
      if (content.length !== blob.size) fixSize.run(content.length, blob.rid);
      result.artifacts++;
      if (crosslinkArtifact(s, blob.rid, content)) result.linked++;
      step();
    }, { expanded: shared.take, buffers: new BufferPool() });
    s.contentHint = undefined;
    s.knownRids = undefined;
    // Whatever the walk could not reach: phantoms, and deltas whose chain is broken.
    const addPhantom = db.prepare('INSERT OR IGNORE INTO phantom VALUES(?)');
    for (const blob of blobs.byRid.values()) {
      if (visited.has(blob.rid)) continue;
      if (blob.size < 0) {
        addPhantom.run(blob.rid);
        result.phantoms++;
      } else {
        const content = repo.content.tryGet(blob.rid);
        if (content) {
          opts.onContent?.(blob.rid, blob.uuid, content);
          result.artifacts++;
          if (crosslinkArtifact(s, blob.rid, content)) result.linked++;
        }
      }
      step();
    }
    endCrosslink(s);
    finishRebuilt(repo, opts);
    opts.onProgress?.({ done: total, total });
    return result;
  });
}

/**
 * What a rebuild does after crosslinking everything, for a repository whose artifacts were all
 * crosslinked as they arrived (a fresh clone): it ends up as if rebuilt.
 */
export function settleLinkedRepository(repo: RebuildRepo, opts: Pick<RebuildOptions, 'user' | 'now'> = {}): void {
  const db = repo.db;
  db.transaction(() => {
    db.exec(ARTIFACT_VIEW_SQL.replace('CREATE VIEW', 'CREATE VIEW IF NOT EXISTS'));
    db.exec(`DELETE FROM config WHERE name IN ('remote-code', 'remote-maxid')`);
    db.exec(`UPDATE user SET mtime=strftime('%s','now') WHERE mtime IS NULL`);
    finishRebuilt(repo, opts);
  });
}

function finishRebuilt(repo: RebuildRepo, opts: Pick<RebuildOptions, 'user' | 'now'>): void {
  const db = repo.db;
  tagTrunkIfUntagged(repo, opts);
  reconstructPrivateTable(repo);
  const setConfig = db.prepare(
    "REPLACE INTO config(name,value,mtime) VALUES(?,?,CAST(strftime('%s','now') AS INTEGER))",
  );
  setConfig.run('content-schema', CONTENT_SCHEMA);
  setConfig.run('aux-schema', AUX_SCHEMA_MAX);
  setConfig.run('rebuilt', REBUILT_BY);
}

/** Budget of the content store's cache while rebuilding or linking a clone (see limitCaches). */
const LINKING_CACHE_BYTES = 4 * 1024 * 1024;
/** SQLite's page cache meanwhile, in KiB. */
const LINKING_PAGE_CACHE_KIB = 4096;

/** How many of the most recently walked artifacts stay at hand for the crosslinker. */
const RECENT_CONTENTS = 16;

/**
 * Expansions shared between the walk and the crosslinker. Linking a check-in needs its parent,
 * which in a fossil repository is usually stored as a delta of the check-in itself (newer
 * versions are kept whole); the walk reaches that parent next. So the crosslinker's request is
 * served by applying one delta to content the walk just produced, and the walk then takes the
 * result instead of expanding the parent again.
 */
function shareExpansions(db: Db, blobs: RepositoryBlobs) {
  const recent = new Map<number, Uint8Array>();
  const prefetched = new Map<number, Uint8Array>();
  const readStored = db.prepare('SELECT content FROM blob WHERE rid=?');
  return {
    remember(rid: number, content: Uint8Array): void {
      // Only artifacts are ever asked for (check-ins and their parents); holding on to file
      // content, some of it megabytes, would only add to the peak memory.
      if (!isLikelyArtifact(content)) return;
      recent.set(rid, content);
      if (recent.size > RECENT_CONTENTS) recent.delete(recent.keys().next().value!);
    },
    lookup(rid: number): Uint8Array | undefined {
      const known = recent.get(rid) ?? prefetched.get(rid);
      if (known) return known;
      const src = blobs.deltaSource.get(rid);
      const base = src === undefined ? undefined : recent.get(src);
      if (!base) return undefined;
      try {
        const content = expandStored(readStored.column<Uint8Array | null>(rid)[0], base);
        prefetched.set(rid, content);
        return content;
      } catch {
        return undefined; // the walk will meet the same problem and deal with it
      }
    },
    take(rid: number): Uint8Array | undefined {
      const content = prefetched.get(rid);
      if (content) prefetched.delete(rid);
      return content;
    },
  };
}

/** Hash -> rid of every blob row (phantoms included: a phantom's rid is as good as any). */
function ridsByHash(blobs: RepositoryBlobs): Map<string, number> {
  const rids = new Map<string, number>();
  for (const b of blobs.byRid.values()) rids.set(b.uuid, b.rid);
  return rids;
}

/** Drop every derived table (whatever their schema) and create them afresh, empty. */
function resetDerivedTables(db: Db): void {
  db.exec(ARTIFACT_VIEW_SQL.replace('CREATE VIEW', 'CREATE VIEW IF NOT EXISTS'));
  const tables = db
    .prepare("SELECT name FROM sqlite_schema WHERE type='table' AND name NOT GLOB 'sqlite_*' AND name NOT GLOB 'fx_*'")
    .column<string>()
    .filter((name) => !KEPT_TABLES.has(name));
  for (const name of tables) db.exec(`DROP TABLE IF EXISTS "${name.replace(/"/g, '""')}"`);
  installDerivedSchema(db);
  // As upstream, the ticket tables are made again from the `ticket-table` setting (or the
  // default), after the rest of the schema.
  db.exec('DROP TABLE IF EXISTS ticket; DROP TABLE IF EXISTS ticketchng;');
  const custom = db.value<string>("SELECT value FROM config WHERE name='ticket-table'");
  db.exec(custom ?? DEFAULT_TICKET_TABLE_SQL);
}

/** Physically remove shunned artifacts, first re-storing in full anything stored as a delta of one. */
function removeShunned(repo: RebuildRepo): void {
  const db = repo.db;
  const shunned = db.prepare('SELECT rid FROM blob WHERE uuid IN (SELECT uuid FROM shun)').column<number>();
  if (shunned.length === 0) return;
  const dependents = db.prepare('SELECT rid FROM delta WHERE srcid=?');
  for (const rid of shunned) {
    for (const child of dependents.column<number>(rid)) repo.content.undeltify(child);
  }
  for (const rid of shunned) {
    db.run('DELETE FROM delta WHERE rid=?', rid);
    db.run('DELETE FROM blob WHERE rid=?', rid);
  }
  db.exec('DELETE FROM private WHERE NOT EXISTS (SELECT 1 FROM blob WHERE rid=private.rid)');
}

/** fossil's "YYYY-MM-DDTHH:MM:SS.SSS" D-card date. */
function cardDate(d: Date): string {
  return d.toISOString().slice(0, 23);
}

/**
 * A repository whose history never named its trunk gets `sym-trunk` and `branch=trunk` tags on
 * its root check-in, as real control artifacts (so they survive the next rebuild).
 */
function tagTrunkIfUntagged(repo: RebuildRepo, opts: Pick<RebuildOptions, 'user' | 'now'>): void {
  const db = repo.db;
  if (db.value("SELECT 1 FROM tag WHERE tagname='sym-trunk'") !== undefined) return;
  const root = db.value<number>('SELECT pid FROM plink AS x WHERE NOT EXISTS(SELECT 1 FROM plink WHERE cid=x.pid)');
  if (!root) return;
  const uuid = db.value<string>('SELECT uuid FROM blob WHERE rid=?', root);
  if (!uuid) return;
  const user = opts.user ?? db.value<string>("SELECT value FROM config WHERE name='default-user'") ?? 'anonymous';
  const date = cardDate(opts.now ?? new Date());
  const s = beginCrosslink(repo);
  for (const card of [`T *sym-trunk ${uuid}`, `T *branch ${uuid} trunk`]) {
    const body = `D ${date}\n${card}\nU ${fossilize(user)}\n`;
    const bytes = utf8(`${body}Z ${md5Hex(utf8(body))}\n`);
    const { rid } = repo.content.put(bytes);
    crosslinkArtifact(s, rid, bytes);
  }
  endCrosslink(s);
}

/**
 * Private check-ins are those carrying the `private` tag; files only they use are private too.
 * Public artifacts must then not be stored as deltas of private ones.
 */
function reconstructPrivateTable(repo: RebuildRepo): void {
  const db = repo.db;
  db.exec(`
    CREATE TEMP TABLE private_ckin(rid INTEGER PRIMARY KEY);
    INSERT INTO private_ckin SELECT rid FROM tagxref WHERE tagid=${TagId.private} AND tagtype>0;
    INSERT OR IGNORE INTO private
      SELECT fid FROM mlink EXCEPT SELECT fid FROM mlink WHERE mid NOT IN private_ckin;
    INSERT OR IGNORE INTO private SELECT rid FROM private_ckin;
    DROP TABLE private_ckin;`);
  const exposed = db
    .prepare('SELECT rid FROM delta WHERE srcid IN private AND rid NOT IN private')
    .column<number>();
  for (const rid of exposed) repo.content.undeltify(rid);
}
