/**
 * Unversioned files (unversioned.c and the uv cards of xfer.c): named files outside version
 * control, synced by comparing a catalog hash (`pragma uv-hash`), then a catalog of `uvigot`
 * cards, then `uvgimme`/`uvfile` for what differs. The newer mtime wins.
 */
import type { Db } from '../db/db.ts';
import { compressBlob, uncompressBlob } from '../fossil/blob-codec.ts';
import { utf8 } from '../fossil/bytes.ts';
import { hashBytes, verifyHash } from '../fossil/hash.ts';
import { ReceiveError } from './artifact-receive.ts';
import type { UvfileCard } from './card-types.ts';
import type { XferState } from './xfer-state.ts';

/** The catalog hash of an empty set: SHA1 of nothing. */
export const EMPTY_UV_HASH = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';

/** uvfile FLAGS bits. */
export const UV_DELETED = 1;
export const UV_CONTENT_OMITTED = 4;

const UNVERSIONED_DDL = `CREATE TABLE IF NOT EXISTS unversioned(
  uvid INTEGER PRIMARY KEY AUTOINCREMENT,  -- unique ID for this file
  name TEXT UNIQUE,            -- Name of the uv file
  rcvid INTEGER,               -- Where received from
  mtime DATETIME,              -- timestamp.  Seconds since 1970.
  hash TEXT,                   -- Content hash.  NULL if a delete marker
  sz INTEGER,                  -- size of content after decompression
  encoding INT,                -- 0: plaintext.  1: zlib compressed
  content BLOB                 -- content of the file.  NULL if oversized
)`;

export function hasUnversionedTable(db: Db): boolean {
  return db.value("SELECT 1 FROM sqlite_schema WHERE type='table' AND name='unversioned'") !== undefined;
}

export function ensureUnversionedTable(db: Db): void {
  if (!hasUnversionedTable(db)) db.exec(UNVERSIONED_DDL);
}

/**
 * SHA1 over "NAME DATETIME HASH\n" for every live file, by name; cached in the `uv-hash`
 * setting, which every change clears.
 */
export function unversionedHash(db: Db): string {
  const cached = db.value<string>("SELECT value FROM config WHERE name='uv-hash'");
  if (typeof cached === 'string' && cached) return cached;
  if (!hasUnversionedTable(db)) return EMPTY_UV_HASH;
  const lines = db
    .prepare(
      `SELECT printf('%s %s %s\n', name, datetime(mtime,'unixepoch'), hash) FROM unversioned
        WHERE hash IS NOT NULL ORDER BY name`,
    )
    .column<string>();
  const hash = hashBytes(utf8(lines.join('')), 'sha1');
  db.run("REPLACE INTO config(name,value,mtime) VALUES('uv-hash',?,CAST(strftime('%s','now') AS INTEGER))", hash);
  return hash;
}

function forgetHash(db: Db): void {
  db.run("DELETE FROM config WHERE name='uv-hash'");
}

/**
 * How our copy of a file compares with a peer's (unversioned_status):
 * 0 we lack it, 1 theirs is newer, 2 same content but their mtime is newer, 3 identical,
 * 4 same content but ours is newer, 5 ours is newer.
 */
export function unversionedStatus(db: Db, name: string, mtime: number, hash: string | null): number {
  if (!hasUnversionedTable(db)) return 0;
  const row = db.get<{ mtime: number; hash: string | null }>('SELECT mtime, hash FROM unversioned WHERE name=?', name);
  if (!row) return 0;
  const local = row.hash ?? '-';
  const remote = hash ?? '-';
  const mtimeCmp = Math.sign(Number(row.mtime) - mtime);
  const hashCmp = local < remote ? -1 : local === remote ? 0 : 1;
  if (hashCmp === 0) return 3 + mtimeCmp;
  if (mtimeCmp < 0 || (mtimeCmp === 0 && hashCmp < 0)) return 1;
  return 5;
}

/** `uvigot` for every entry, deleted ones with hash `-` and size 0. */
export function sendUnversionedCatalog(x: XferState): void {
  const db = x.repo.db;
  ensureUnversionedTable(db);
  for (const r of db.all<{ name: string; mtime: number; hash: string | null; sz: number }>(
    'SELECT name, mtime, hash, sz FROM unversioned',
  )) {
    x.out.uvigot(r.name, Number(r.mtime), r.hash, r.hash === null ? 0 : Number(r.sz));
  }
}

/** One `uvfile` card (or only a `uvigot` when the message is already over budget, server side). */
export function sendUnversionedFile(x: XferState, name: string, noContent: boolean, server: boolean): void {
  const db = x.repo.db;
  if (!hasUnversionedTable(db)) return;
  const row = db.get<{ mtime: number; hash: string | null; encoding: number; sz: number; content: Uint8Array | null }>(
    'SELECT mtime, hash, encoding, sz, content FROM unversioned WHERE name=?',
    name,
  );
  if (!row) return;
  const over = x.out.byteLength >= x.maxSend;
  const mtime = Number(row.mtime);
  if (over && server) {
    x.out.uvigot(name, mtime, row.hash, Number(row.sz));
    return;
  }
  if (row.hash === null) {
    x.out.uvfile({ name, mtime, hash: null, size: 0, flags: UV_DELETED });
  } else if (noContent || over || !(row.content instanceof Uint8Array)) {
    x.out.uvfile({ name, mtime, hash: row.hash, size: Number(row.sz), flags: UV_CONTENT_OMITTED });
  } else {
    const payload = row.encoding === 1 ? uncompressBlob(row.content) : row.content;
    x.out.uvfile({ name, mtime, hash: row.hash, size: payload.length, flags: 0, payload });
  }
}

/**
 * Store a received uvfile if it is newer than ours. Content must match its hash; isWriter is
 * false for a peer without the right to write unversioned files (the card is then ignored).
 */
export function acceptUnversionedFile(x: XferState, card: UvfileCard, isWriter: boolean): boolean {
  const db = x.repo.db;
  if (card.payload !== undefined && (card.hash === null || !verifyHash(card.payload, card.hash))) {
    throw new ReceiveError(`in uvfile line, HASH does not match CONTENT (${card.name})`);
  }
  if (!isWriter) return false;
  ensureUnversionedTable(db);
  const status = unversionedStatus(db, card.name, card.mtime, card.hash);
  if (status >= 3) return false;
  const rcvid = db.value<number>('SELECT max(rcvid) FROM rcvfrom') ?? 0;
  if (card.hash === null) {
    db.run(
      'UPDATE unversioned SET rcvid=?, mtime=?, hash=NULL, sz=0, encoding=0, content=NULL WHERE name=?',
      rcvid, card.mtime, card.name,
    );
  } else if (status === 2) {
    db.run('UPDATE unversioned SET mtime=? WHERE name=?', card.mtime, card.name);
  } else {
    let content: Uint8Array | null = null;
    let encoding = 0;
    if (card.payload !== undefined) {
      const z = compressBlob(card.payload);
      // Compressed only when that saves at least a fifth, as upstream decides.
      if (z.length < 0.8 * card.payload.length) {
        content = z;
        encoding = 1;
      } else {
        content = card.payload;
      }
    }
    db.run(
      'REPLACE INTO unversioned(name,rcvid,mtime,hash,sz,encoding,content) VALUES(?,?,?,?,?,?,?)',
      card.name, rcvid, card.mtime, card.hash, card.payload?.length ?? 0, encoding, content,
    );
  }
  forgetHash(db);
  return true;
}

/** Add or replace an unversioned file locally (for tests and tools). */
export function writeUnversionedFile(db: Db, name: string, content: Uint8Array, mtime: number): void {
  ensureUnversionedTable(db);
  const hash = hashBytes(content, 'sha3');
  db.run(
    'REPLACE INTO unversioned(name,rcvid,mtime,hash,sz,encoding,content) VALUES(?,0,?,?,?,0,?)',
    name, mtime, hash, content.length, content,
  );
  forgetHash(db);
}
