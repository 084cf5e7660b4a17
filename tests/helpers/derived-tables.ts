/**
 * A canonical dump of a repository's derived tables, for comparing two repositories that hold the
 * same artifacts but may number them differently (rids, tagids, fnids and tkt_ids depend on the
 * order things were inserted). Every reference is therefore replaced by what it names: rids by
 * artifact hashes, tagids by tag names, fnids by file names, tkt_ids by ticket ids. Julian-day
 * times are printed as Unix milliseconds, which absorbs floating-point noise but still shows a
 * 25 ms nudge. Each table becomes a sorted list of JSON rows, so `expect(a).toEqual(b)` prints a
 * readable diff.
 *
 * Reads the file with the sqlite3 shell, so the comparison does not depend on our own code.
 */
import { sqlite } from './tools.ts';

export type DerivedDump = Record<string, string[]>;

/** The hash of a rid column, or the number itself for 0/-1/NULL markers. */
const h = (col: string) =>
  `CASE WHEN ${col} IS NULL OR ${col}<=0 THEN ${col} ELSE (SELECT uuid FROM blob WHERE rid=${col}) END`;
/** A Julian day as Unix milliseconds. */
const ms = (col: string) => `CAST(round((${col}-2440587.5)*86400000.0) AS INTEGER)`;
const tagname = (col: string) => `(SELECT tagname FROM tag WHERE tagid=${col})`;
const fname = (col: string) => `(SELECT name FROM filename WHERE fnid=${col})`;

/** One query per table; columns are chosen and translated so rows compare across repositories. */
const queries: Record<string, string> = {
  blob: `SELECT uuid, size FROM blob AS t`,
  event: `SELECT type, ${ms('t.mtime')} AS mtime, ${h('t.objid')} AS objid, ${tagname('t.tagid')} AS tag, uid,
            bgcolor, euser, user, ecomment, comment, brief, ${ms('t.omtime')} AS omtime FROM event AS t`,
  plink: `SELECT ${h('t.pid')} AS pid, ${h('t.cid')} AS cid, isprim, ${ms('t.mtime')} AS mtime,
            ${h('t.baseid')} AS baseid FROM plink AS t`,
  mlink: `SELECT ${h('t.mid')} AS mid, ${h('t.fid')} AS fid, ${h('t.pmid')} AS pmid, ${h('t.pid')} AS pid,
            ${fname('t.fnid')} AS name, ${fname('t.pfnid')} AS prior, mperm, isaux FROM mlink AS t`,
  filename: `SELECT name FROM filename AS t`,
  leaf: `SELECT ${h('t.rid')} AS rid FROM leaf AS t`,
  tag: `SELECT tagname FROM tag AS t`,
  // Clusters have no D card, so their `cluster` tag is stamped with the time of crosslinking.
  tagxref: `SELECT ${tagname('t.tagid')} AS tag, tagtype, ${h('t.srcid')} AS srcid, ${h('t.origid')} AS origid,
            value, CASE WHEN t.tagid=7 THEN NULL ELSE ${ms('t.mtime')} END AS mtime, ${h('t.rid')} AS rid
            FROM tagxref AS t`,
  backlink: `SELECT target, srctype,
            CASE WHEN t.srctype=2 THEN ${tagname('t.srcid')} ELSE ${h('t.srcid')} END AS src,
            ${ms('t.mtime')} AS mtime FROM backlink AS t`,
  attachment: `SELECT ${h('t.attachid')} AS attachid, isLatest, ${ms('t.mtime')} AS mtime, src, target,
            filename, comment, user FROM attachment AS t`,
  ticket: `SELECT * FROM ticket AS t`,
  ticketchng: `SELECT (SELECT tkt_uuid FROM ticket WHERE ticket.tkt_id=t.tkt_id) AS ticket,
            ${h('t.tkt_rid')} AS tkt_rid_hash, * FROM ticketchng AS t`,
  forumpost: `SELECT ${h('t.fpid')} AS fpid, ${h('t.froot')} AS froot, ${h('t.fprev')} AS fprev,
            ${h('t.firt')} AS firt, ${ms('t.fmtime')} AS fmtime FROM forumpost AS t`,
  cherrypick: `SELECT ${h('t.parentid')} AS parent, ${h('t.childid')} AS child, isExclude FROM cherrypick AS t`,
  orphan: `SELECT ${h('t.rid')} AS rid, ${h('t.baseline')} AS baseline FROM orphan AS t`,
  phantom: `SELECT ${h('t.rid')} AS rid FROM phantom AS t`,
  unclustered: `SELECT ${h('t.rid')} AS rid FROM unclustered AS t`,
  unsent: `SELECT ${h('t.rid')} AS rid FROM unsent AS t`,
  private: `SELECT ${h('t.rid')} AS rid FROM private AS t`,
  config: `SELECT name, value FROM config AS t WHERE name IN ('seen-delta-manifest')`,
};

/** Columns that are local row numbers and mean nothing across repositories. */
const localIds: Record<string, string[]> = {
  ticket: ['tkt_id'],
  ticketchng: ['tkt_id'],
};

/** Times a time column in ticket tables holds (Julian days), shown as Unix ms like the others. */
const ticketTimeColumns = ['tkt_mtime', 'tkt_ctime'];

function runJson(file: string, sql: string): Record<string, unknown>[] {
  const out = sqlite(file, sql, { readonly: true, json: true });
  return out.trim() ? (JSON.parse(out) as Record<string, unknown>[]) : [];
}

export interface DumpOptions {
  /** Tables to leave out of the dump (for comparisons where upstream itself is order-dependent). */
  omit?: string[];
}

/** Dump the derived tables of the repository file at path. */
export function dumpDerivedTables(path: string, opts: DumpOptions = {}): DerivedDump {
  return dumpWith((sql) => runJson(path, sql), opts);
}

/**
 * The same dump through an open database handle instead of the sqlite3 shell: much faster, for
 * comparisons run thousands of times (the simulation), where both sides are read the same way.
 */
export function dumpDerivedTablesOf(db: { all(sql: string): unknown[] }, opts: DumpOptions = {}): DerivedDump {
  return dumpWith((sql) => db.all(sql) as Record<string, unknown>[], opts);
}

function dumpWith(query: (sql: string) => Record<string, unknown>[], opts: DumpOptions): DerivedDump {
  const present = new Set(
    query(`SELECT name FROM sqlite_schema WHERE type='table'`).map((r) => String(r.name)),
  );
  const dump: DerivedDump = {};
  for (const [table, sql] of Object.entries(queries)) {
    if (opts.omit?.includes(table)) continue;
    const source = table === 'config' ? 'config' : table;
    if (!present.has(source)) {
      dump[table] = [];
      continue;
    }
    const rows = query(sql).map((row) => {
      for (const col of localIds[table] ?? []) delete row[col];
      for (const col of ticketTimeColumns) {
        if (typeof row[col] === 'number') row[col] = Math.round(((row[col] as number) - 2440587.5) * 86400000);
      }
      if ('tkt_rid_hash' in row) {
        row.tkt_rid = row.tkt_rid_hash;
        delete row.tkt_rid_hash;
      }
      return JSON.stringify(row);
    });
    dump[table] = rows.sort();
  }
  return dump;
}

/** Names of the tables whose dumps differ, for a short failure message before the full diff. */
export function differingTables(a: DerivedDump, b: DerivedDump): string[] {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].filter((n) => JSON.stringify(a[n] ?? []) !== JSON.stringify(b[n] ?? [])).sort();
}
