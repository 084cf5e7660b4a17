/**
 * Indexes the browsing pages read through, beyond fossil's schema. Without them a page of a large
 * repository walks whole tables: the statistics summed every blob's row (the whole file), the
 * branch list read every check-in's event and tag rows from all over the file. In the browser
 * every page SQLite reads is a read from browser storage, so what counts is pages touched.
 *
 * fossil does not mind them: it reads through the indexes it knows and SQLite keeps the others
 * up to date; `fossil rebuild` drops event, mlink and tagxref (and with them their indexes), and
 * the next open here makes them again. They change no table, so the file stays one fossil opens,
 * checks and syncs. The queries give the same rows without them, only slower.
 */
import type { Db } from '../db/db.ts';

export const BROWSE_INDEXES = [
  // repoStats: counts and sums of sizes and stored lengths from the index alone.
  'CREATE INDEX IF NOT EXISTS blob_sizes ON blob(size, length(content))',
  // Events by type in time order: check-ins without reading event's rows (repoStats, branches).
  'CREATE INDEX IF NOT EXISTS event_type ON event(type, mtime, objid)',
  // A check-in's branch, and whether it is closed, without reading tagxref's rows. Partial: only
  // the branch and closed tags, a small part of tagxref.
  'CREATE INDEX IF NOT EXISTS tagxref_branch ON tagxref(rid, tagid, tagtype, value) WHERE tagid=8',
  'CREATE INDEX IF NOT EXISTS tagxref_closed ON tagxref(rid, tagid, tagtype) WHERE tagid=9',
  // A file's versions (fileHistory) from the index alone, not from mlink's rows.
  'CREATE INDEX IF NOT EXISTS mlink_file ON mlink(fnid, fid, mid, pfnid)',
  // Tags set directly (not propagated; a few thousand of hundreds of thousands of rows): whether a
  // tag is in use, mostly answered without the propagated rows (tagNames).
  'CREATE INDEX IF NOT EXISTS tagxref_direct ON tagxref(tagid, tagtype) WHERE srcid>0',
] as const;

/**
 * Make the browsing indexes that are missing (the first open of a large repository takes a
 * moment for it; later opens find them there).
 */
export function ensureBrowseIndexes(db: Db): void {
  const have = new Set(db.prepare("SELECT name FROM sqlite_schema WHERE type='index'").column<string>());
  const missing = BROWSE_INDEXES.filter((sql) => !have.has(/INDEX IF NOT EXISTS (\w+)/.exec(sql)![1]!));
  if (missing.length) db.transaction(() => missing.forEach((sql) => db.exec(sql)));
}
