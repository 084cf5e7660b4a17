/**
 * Ticket reports (fossil's report.c): the `reportfmt` table's reports, and running one's SQL the
 * way fossil lets it run. Fossil prepares a report under an authorizer that allows SELECT over a
 * short list of tables and refuses anything else; our two Db adapters cannot both install an
 * SQLite authorizer (better-sqlite3 has none), so the same rule is enforced on the statement's
 * compiled program, which both give through EXPLAIN:
 *
 * - the text is one SELECT or WITH statement (fossil's verify_sql_statement, same messages);
 * - every b-tree the program opens (OpenRead, ReopenIdx) belongs to an allowed table, found by
 *   its root page in the schema: a table that is not on fossil's list (and not `fx_*`), the schema
 *   itself included, is refused by name; a virtual table is allowed only when it is json_each or
 *   json_tree (their instances on this connection are looked up the same way);
 * - the program opens nothing for writing and starts no write transaction;
 * - it has at most 10,000 operations (fossil's SQLITE_LIMIT_VDBE_OP for reports).
 *
 * Then it runs with `PRAGMA query_only` on, so even a statement that got past the checks cannot
 * change the file. Columns named `private_*`, which fossil hides from users without the
 * e-mail capability, are shown: the person asking holds the whole repository here, as the
 * `fossil ticket show` command's user does.
 */
import type { Db, SqlValue } from '../../db/db.ts';
import { CodedError } from '../../errors.ts';
import { decodeLossless } from '../../fossil/utf8-lossless.ts';

export class ReportError extends CodedError {
  override name = 'ReportError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad-input', message, options);
  }
}

/** report_query_authorizer's list: the tables a report may read. */
export const REPORT_TABLES: readonly string[] = [
  'backlink', 'blob', 'event', 'filename', 'json_each', 'json_tree', 'mlink', 'plink', 'tag', 'tagxref', 'ticket',
  'ticketchng', 'unversioned',
];
const MAX_OPERATIONS = 10_000;

export interface ReportInfo {
  rn: number;
  title: string;
  owner: string;
}

export interface ReportTable {
  columns: string[];
  /** Each value as SQLite gives it as text (null stays null). */
  rows: (string | null)[][];
}

export interface ReportResult extends ReportTable {
  rn: number;
  title: string;
  /** The report's colour key (`cols`): a colour and what it means, one per line. */
  key: { color: string; label: string }[];
}

const hasReportTable = (db: Db) => db.value("SELECT 1 FROM sqlite_schema WHERE name='reportfmt'") !== undefined;

/** The reports, by title (fossil's report list). */
export function reportList(db: Db): ReportInfo[] {
  if (!hasReportTable(db)) return [];
  return db.all<ReportInfo>("SELECT rn, title, coalesce(owner,'') AS owner FROM reportfmt ORDER BY title");
}

/** Is there a `;` outside strings, quoted names and comments (sqlite3_complete would end a statement there)? */
function hasStatementEnd(sql: string): boolean {
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === ';') return true;
    if (c === "'" || c === '"' || c === '`') {
      const end = sql.indexOf(c, i + 1);
      // An unterminated string: nothing after it ends a statement.
      if (end < 0) return false;
      i = end;
    } else if (c === '[') {
      const end = sql.indexOf(']', i + 1);
      if (end < 0) return false;
      i = end;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      if (end < 0) return false;
      i = end;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) return false;
      i = end + 1;
    }
  }
  return false;
}

interface Op {
  opcode: string;
  p1: number;
  p2: number;
  p3: number;
  p4: SqlValue;
  p5: number;
}

function program(db: Db, sql: string): Op[] {
  try {
    return db.all<Op>(`EXPLAIN ${sql}`);
  } catch (e) {
    throw new ReportError(`Syntax error: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** The instances (`vtab:…` in EXPLAIN) of the virtual tables a report may read on this connection. */
function allowedVirtualTables(db: Db): Set<string> {
  const out = new Set<string>();
  for (const fn of ['json_each', 'json_tree']) {
    for (const op of db.all<Op>(`EXPLAIN SELECT * FROM ${fn}('[]')`)) if (op.opcode === 'VOpen') out.add(String(op.p4));
  }
  return out;
}

function tableByRootPage(db: Db, schema: 'sqlite_schema' | 'sqlite_temp_schema'): Map<number, string> {
  const rows = db.all<{ rootpage: number; tbl_name: string }>(`SELECT rootpage, tbl_name FROM ${schema} WHERE rootpage>0`);
  return new Map(rows.map((r) => [r.rootpage, r.tbl_name]));
}

const mayRead = (table: string) => REPORT_TABLES.includes(table.toLowerCase()) || table.toLowerCase().startsWith('fx_');

/** Throws a ReportError saying why, when fossil would not run this SQL as a report. */
export function checkReportSql(db: Db, sql: string): void {
  if (!/^\s*(select|with)/i.test(sql)) throw new ReportError('The SQL must be a SELECT or WITH statement');
  if (hasStatementEnd(sql)) throw new ReportError('Semi-colon detected! Only a single SQL statement is allowed');
  const ops = program(db, sql);
  if (ops.length > MAX_OPERATIONS) throw new ReportError(`The SQL is too complex (over ${MAX_OPERATIONS} operations)`);
  let main: Map<number, string> | undefined;
  let temp: Map<number, string> | undefined;
  let virtual: Set<string> | undefined;
  for (const op of ops) {
    switch (op.opcode) {
      case 'OpenWrite':
      case 'VUpdate':
        throw new ReportError('SQL must not modify the database');
      case 'Transaction':
        if (op.p2 !== 0) throw new ReportError('SQL must not modify the database');
        break;
      case 'OpenRead':
      case 'ReopenIdx': {
        // P2 names a register instead of a root page: not something a SELECT compiles to.
        if (op.p5 & 0x10 || op.p3 > 1) throw new ReportError('only SELECT statements are allowed');
        const table = op.p3 === 0 ? (main ??= tableByRootPage(db, 'sqlite_schema')).get(op.p2)
          : (temp ??= tableByRootPage(db, 'sqlite_temp_schema')).get(op.p2);
        const name = table ?? (op.p2 === 1 ? 'sqlite_schema' : `page ${op.p2}`);
        if (!mayRead(name)) throw new ReportError(`access to table "${name}" is restricted`);
        break;
      }
      case 'VOpen':
        if (!(virtual ??= allowedVirtualTables(db)).has(String(op.p4))) {
          throw new ReportError('access to this virtual table is restricted (only json_each and json_tree)');
        }
        break;
      default:
        break;
    }
  }
}

const asText = (v: SqlValue): string | null =>
  v === null ? null : v instanceof Uint8Array ? decodeLossless(v) : String(v);

/** Run SQL as a report: checked as above, then run with the connection set to change nothing. */
export function runReportSql(db: Db, sql: string): ReportTable {
  checkReportSql(db, sql);
  db.exec('PRAGMA query_only=ON');
  try {
    const t = db.prepare(sql).table();
    return { columns: t.columns, rows: t.rows.map((r) => r.map(asText)) };
  } catch (e) {
    throw new ReportError(`the report failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  } finally {
    db.exec('PRAGMA query_only=OFF');
  }
}

/** Run report number rn of `reportfmt`. */
export function runReport(db: Db, rn: number): ReportResult {
  const r = hasReportTable(db)
    ? db.get<{ title: string; sqlcode: string; cols: string | null }>('SELECT title, sqlcode, cols FROM reportfmt WHERE rn=?', rn)
    : undefined;
  if (!r) throw new CodedError('not-found', `There is no report ${rn}.`);
  const key = (r.cols ?? '').split('\n').map((l) => /^\s*(\S+)\s+(.*?)\s*$/.exec(l)).filter((m) => m !== null)
    .map((m) => ({ color: m[1]!, label: m[2]! }));
  return { rn, title: r.title, key, ...runReportSql(db, r.sqlcode) };
}

/**
 * A report as `fossil ticket show` prints it: the column names, then one line per row, values
 * separated by tabs, every white-space character inside a value printed as a space.
 */
export function reportText(t: ReportTable): string {
  if (t.rows.length === 0) return '';
  const cell = (v: string | null) => (v ?? '').replace(/[\t\n\v\f\r]/g, ' ');
  return [t.columns, ...t.rows].map((r) => `${r.map(cell).join('\t')}\n`).join('');
}
