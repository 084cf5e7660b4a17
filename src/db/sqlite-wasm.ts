/**
 * Db adapter on @sqlite.org/sqlite-wasm (the oo1 API). Runs in a browser worker and in Node.
 * `openWasmDb` gives an in-memory database (optionally loaded from a file image);
 * `exportWasmDb` serializes one so a repository made here can be written out and opened by fossil.
 * Persistent storage (OPFS) plugs in through `wrapOo1Db`: any oo1 database handle becomes a Db.
 * A storage failure (a full quota, say) leaves as a StorageError (storage-error.ts).
 */
import sqlite3InitModule from '@sqlite.org/sqlite-wasm';
import type { Db, Row, RunResult, SqlValue, Statement } from './db.ts';
import { StatementCache } from './statement-cache.ts';
import { classified } from './storage-error.ts';
import { DbBase } from './db-base.ts';
import { WasmCalls } from './wasm-calls.ts';

export type Sqlite3 = Awaited<ReturnType<typeof sqlite3InitModule>>;
type Oo1Db = InstanceType<Sqlite3['oo1']['DB']>;
type Oo1Statement = ReturnType<Oo1Db['prepare']>;

/** Bound by the wasm build but missing from the package's type declarations. */
interface AutocommitApi {
  sqlite3_get_autocommit(db: number): number;
}

let sqlite3Promise: Promise<Sqlite3> | undefined;

/** The sqlite3 module, initialised once per JS realm (loading the wasm is the slow part). */
export function loadSqlite3(): Promise<Sqlite3> {
  sqlite3Promise ??= sqlite3InitModule();
  return sqlite3Promise;
}

/** Values as the Db interface promises them: integers as numbers when they fit, blobs as Uint8Array. */
function fromNative(v: unknown): SqlValue {
  if (typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) {
    return Number(v);
  }
  return v as SqlValue;
}

class WasmStatement implements Statement {
  private native: Oo1Statement | undefined;

  constructor(
    private readonly sql: string,
    private readonly owner: WasmDb,
  ) {
    this.native = owner.prepareNative(sql);
  }

  /**
   * Run fn over a freshly bound statement and always reset afterwards: a statement left
   * mid-result keeps its read transaction open and would block later writers.
   */
  private with<T>(params: SqlValue[], fn: (stmt: number, calls: WasmCalls) => T): T {
    // A caller may hold on to a statement the cache has since evicted (and finalized).
    const stmt = (this.native ??= this.owner.prepareNative(this.sql)).pointer!;
    const calls = this.owner.calls;
    let result: T;
    try {
      calls.bind(stmt, params);
      result = fn(stmt, calls);
    } catch (e) {
      // reset() reports the failed step's error once more; the first report is the one to keep.
      try {
        calls.reset(stmt);
      } catch {
        /* the same failure */
      }
      throw classified(e);
    }
    try {
      calls.reset(stmt);
    } catch (e) {
      throw classified(e);
    }
    return result;
  }

  run(...params: SqlValue[]): RunResult {
    this.with(params, (stmt, calls) => {
      while (calls.step(stmt)) {
        /* drain: a statement with results still runs to completion */
      }
    });
    return this.owner.lastRunResult();
  }

  get<T = Row>(...params: SqlValue[]): T | undefined {
    return this.with(params, (stmt, calls) => (calls.step(stmt) ? rowOf<T>(stmt, calls, calls.columnNames(stmt)) : undefined));
  }

  all<T = Row>(...params: SqlValue[]): T[] {
    return this.with(params, (stmt, calls) => {
      const rows: T[] = [];
      let names: string[] | undefined;
      while (calls.step(stmt)) rows.push(rowOf<T>(stmt, calls, (names ??= calls.columnNames(stmt))));
      return rows;
    });
  }

  value<T = SqlValue>(...params: SqlValue[]): T | undefined {
    return this.with(params, (stmt, calls) => (calls.step(stmt) && calls.columnCount(stmt) > 0 ? (calls.column(stmt, 0) as T) : undefined));
  }

  column<T = SqlValue>(...params: SqlValue[]): T[] {
    return this.with(params, (stmt, calls) => {
      const out: T[] = [];
      while (calls.step(stmt)) out.push(calls.column(stmt, 0) as T);
      return out;
    });
  }

  table(...params: SqlValue[]): { columns: string[]; rows: SqlValue[][] } {
    return this.with(params, (stmt, calls) => {
      const columns = calls.columnNames(stmt);
      const rows: SqlValue[][] = [];
      while (calls.step(stmt)) {
        const row: SqlValue[] = [];
        for (let i = 0; i < columns.length; i++) row.push(calls.column(stmt, i));
        rows.push(row);
      }
      return { columns, rows };
    });
  }

  finalize(): void {
    this.native?.finalize();
    this.native = undefined;
  }
}

/** The current row as an object; a name that appears twice keeps its last column, as oo1's did. */
function rowOf<T>(stmt: number, calls: WasmCalls, names: readonly string[]): T {
  const row: Record<string, SqlValue> = {};
  for (let i = 0; i < names.length; i++) row[names[i]!] = calls.column(stmt, i);
  return row as T;
}

class WasmDb extends DbBase {
  private readonly statements = new StatementCache<WasmStatement>(500, (s) => s.finalize());
  /** The statements' calls into SQLite, with this connection's errors. */
  readonly calls: WasmCalls;

  constructor(
    readonly sqlite3: Sqlite3,
    readonly native: Oo1Db,
    readonly filename: string,
  ) {
    super(false);
    this.calls = new WasmCalls(sqlite3, (rc) => native.checkRc(rc));
  }

  lastRunResult(): RunResult {
    const p = this.native.pointer!;
    return {
      changes: Number(this.sqlite3.capi.sqlite3_changes(p)),
      lastInsertRowid: Number(this.sqlite3.capi.sqlite3_last_insert_rowid(p)),
    };
  }

  exec(sql: string): void {
    try {
      this.native.exec(sql);
    } catch (e) {
      throw classified(e);
    }
  }

  prepareNative(sql: string): Oo1Statement {
    try {
      return this.native.prepare(sql);
    } catch (e) {
      throw classified(e);
    }
  }

  prepare(sql: string): WasmStatement {
    return this.statements.get(sql, () => new WasmStatement(sql, this));
  }


  get inTransaction(): boolean {
    return (this.sqlite3.capi as unknown as AutocommitApi).sqlite3_get_autocommit(this.native.pointer!) === 0;
  }

  func(name: string, fn: (...args: SqlValue[]) => SqlValue): void {
    this.native.createFunction({
      name,
      deterministic: true,
      arity: -1,
      xFunc: (_ctx: number, ...args: unknown[]) => fn(...args.map(fromNative)) as never,
    });
  }

  close(): void {
    this.statements.clear();
    this.native.close();
  }
}

/** Wrap any oo1 database handle (memory, OPFS, ...) as a Db. */
export function wrapOo1Db(sqlite3: Sqlite3, native: Oo1Db, filename: string): Db {
  return new WasmDb(sqlite3, native, filename);
}

export interface WasmDbOptions {
  /** An SQLite database file image to load (e.g. a .fossil file read from disk or fetched). */
  bytes?: Uint8Array;
}

/** An in-memory database, empty or loaded from a file image. */
export async function openWasmDb(opts: WasmDbOptions = {}): Promise<Db> {
  const sqlite3 = await loadSqlite3();
  const native = new sqlite3.oo1.DB(':memory:', 'c');
  if (opts.bytes) {
    const { capi, wasm } = sqlite3;
    // SQLite takes ownership of this buffer (FREEONCLOSE) and may grow it (RESIZEABLE).
    const p = wasm.allocFromTypedArray(opts.bytes);
    const rc = capi.sqlite3_deserialize(
      native.pointer!,
      'main',
      p,
      opts.bytes.byteLength,
      opts.bytes.byteLength,
      capi.SQLITE_DESERIALIZE_FREEONCLOSE | capi.SQLITE_DESERIALIZE_RESIZEABLE,
    );
    if (rc !== 0) {
      native.close();
      throw new Error(`cannot load database image (${capi.sqlite3_js_rc_str(rc)})`);
    }
  }
  return new WasmDb(sqlite3, native, ':memory:');
}

/** The database file image of a Db made by this adapter. */
export function exportWasmDb(db: Db): Uint8Array {
  if (!(db instanceof WasmDb)) throw new Error('exportWasmDb needs a database opened by the sqlite-wasm adapter');
  return db.sqlite3.capi.sqlite3_js_db_export(db.native.pointer!);
}
