/**
 * The small synchronous database interface the repository layer is written against.
 * Two adapters implement it: better-sqlite3 (Node, files on disk) and @sqlite.org/sqlite-wasm
 * (browser OPFS in a worker; in-memory in Node tests). Parameters are positional (`?`) only.
 */
export type SqlValue = null | number | bigint | string | Uint8Array;
export type Row = Record<string, SqlValue>;

export interface RunResult {
  changes: number;
  lastInsertRowid: number;
}

export interface Statement {
  run(...params: SqlValue[]): RunResult;
  get<T = Row>(...params: SqlValue[]): T | undefined;
  all<T = Row>(...params: SqlValue[]): T[];
  /** First column of every row. */
  column<T = SqlValue>(...params: SqlValue[]): T[];
  /**
   * Every row as an array, with the column names: for a query whose columns are not known
   * beforehand (a ticket report), where names may repeat or look like numbers.
   */
  table(...params: SqlValue[]): { columns: string[]; rows: SqlValue[][] };
}

export interface Db {
  /** Run one or more statements with no parameters and no results. */
  exec(sql: string): void;
  /** A prepared statement; adapters cache them by SQL text, so calling prepare in a loop is cheap. */
  prepare(sql: string): Statement;
  run(sql: string, ...params: SqlValue[]): RunResult;
  get<T = Row>(sql: string, ...params: SqlValue[]): T | undefined;
  all<T = Row>(sql: string, ...params: SqlValue[]): T[];
  /** First column of the first row, or undefined. */
  value<T = SqlValue>(sql: string, ...params: SqlValue[]): T | undefined;
  /**
   * Run fn inside a transaction (BEGIN IMMEDIATE at the outermost level, SAVEPOINT when nested).
   * A throw rolls back everything fn did and rethrows.
   */
  transaction<T>(fn: () => T): T;
  readonly inTransaction: boolean;
  /** Register a deterministic scalar SQL function (used for e.g. delta_apply helpers). */
  func(name: string, fn: (...args: SqlValue[]) => SqlValue): void;
  close(): void;
  /** Path on disk, ':memory:', or an OPFS name. */
  readonly filename: string;
}
