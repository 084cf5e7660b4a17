/**
 * Db adapter for Node on better-sqlite3: database files on disk (and ':memory:').
 * Blobs come back as plain Uint8Array views (not Buffer) so both adapters return equal values.
 * A storage failure (a full disk, say) leaves as a StorageError (storage-error.ts).
 */
import Database from 'better-sqlite3';
import type { Db, Row, RunResult, SqlValue, Statement } from './db.ts';
import { StatementCache } from './statement-cache.ts';
import { classified } from './storage-error.ts';
import { DbBase } from './db-base.ts';

export interface NodeDbOptions {
  readonly?: boolean;
  /** Create the file if it does not exist (default false: opening a missing file is an error). */
  create?: boolean;
}

type NativeStatement = Database.Statement<unknown[], unknown>;

function fromNative(v: unknown): SqlValue {
  if (v instanceof Uint8Array && v.constructor !== Uint8Array) {
    return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  }
  return v as SqlValue;
}

function rowFromNative<T>(r: unknown): T {
  const row = r as Record<string, unknown>;
  for (const k in row) {
    const v = row[k];
    if (v instanceof Uint8Array) row[k] = fromNative(v);
  }
  return row as T;
}

class NodeStatement implements Statement {
  constructor(private readonly s: NativeStatement) {}

  run(...params: SqlValue[]): RunResult {
    try {
      const r = this.s.run(...params);
      return { changes: r.changes, lastInsertRowid: Number(r.lastInsertRowid) };
    } catch (e) {
      throw classified(e);
    }
  }

  get<T = Row>(...params: SqlValue[]): T | undefined {
    try {
      if (!this.s.reader) {
        this.s.run(...params);
        return undefined;
      }
      const r = this.s.get(...params);
      return r === undefined ? undefined : rowFromNative<T>(r);
    } catch (e) {
      throw classified(e);
    }
  }

  all<T = Row>(...params: SqlValue[]): T[] {
    try {
      if (!this.s.reader) {
        this.s.run(...params);
        return [];
      }
      return this.s.all(...params).map((r) => rowFromNative<T>(r));
    } catch (e) {
      throw classified(e);
    }
  }

  /** First column of the first row (raw mode, so column names cannot reorder anything). */
  value<T = SqlValue>(...params: SqlValue[]): T | undefined {
    try {
      if (!this.s.reader) {
        this.s.run(...params);
        return undefined;
      }
      this.s.raw(true);
      try {
        const r = this.s.get(...params) as unknown[] | undefined;
        return r === undefined ? undefined : (fromNative(r[0]) as T);
      } finally {
        this.s.raw(false);
      }
    } catch (e) {
      throw classified(e);
    }
  }

  column<T = SqlValue>(...params: SqlValue[]): T[] {
    try {
      if (!this.s.reader) {
        this.s.run(...params);
        return [];
      }
      this.s.raw(true);
      try {
        return (this.s.all(...params) as unknown[][]).map((r) => fromNative(r[0]) as T);
      } finally {
        this.s.raw(false);
      }
    } catch (e) {
      throw classified(e);
    }
  }

  table(...params: SqlValue[]): { columns: string[]; rows: SqlValue[][] } {
    try {
      if (!this.s.reader) {
        this.s.run(...params);
        return { columns: [], rows: [] };
      }
      const columns = this.s.columns().map((c) => c.name);
      this.s.raw(true);
      try {
        return { columns, rows: (this.s.all(...params) as unknown[][]).map((r) => r.map(fromNative)) };
      } finally {
        this.s.raw(false);
      }
    } catch (e) {
      throw classified(e);
    }
  }
}

class NodeDb extends DbBase {
  private readonly statements = new StatementCache<NodeStatement>(500);

  constructor(
    private readonly native: Database.Database,
    readonly filename: string,
    readonly: boolean,
  ) {
    super(readonly);
  }

  exec(sql: string): void {
    try {
      this.native.exec(sql);
    } catch (e) {
      throw classified(e);
    }
  }

  prepare(sql: string): NodeStatement {
    return this.statements.get(sql, () => {
      try {
        return new NodeStatement(this.native.prepare(sql));
      } catch (e) {
        throw classified(e);
      }
    });
  }


  get inTransaction(): boolean {
    return this.native.inTransaction;
  }

  func(name: string, fn: (...args: SqlValue[]) => SqlValue): void {
    this.native.function(name, { deterministic: true, varargs: true }, (...args: unknown[]) =>
      fn(...args.map(fromNative)),
    );
  }

  close(): void {
    this.statements.clear();
    this.native.close();
  }
}

export function openNodeDb(path: string, opts: NodeDbOptions = {}): Db {
  const readonly = opts.readonly ?? false;
  const native = new Database(path, { readonly, fileMustExist: !opts.create });
  // better-sqlite3 is built with foreign keys on by default; fossil's SQLite (and sqlite-wasm)
  // leave them off, and fossil's data relies on that (rcvfrom.uid 0 names no user, for one).
  native.pragma('foreign_keys = OFF');
  return new NodeDb(native, path, readonly);
}
