/**
 * What both Db adapters do the same way: the one-line forms of a query (each a cached prepared
 * statement) and nested transactions. An adapter supplies exec, prepare and the rest that
 * differs between better-sqlite3 and sqlite-wasm.
 */
import type { Db, Row, RunResult, SqlValue, Statement } from './db.ts';
import { TransactionRunner } from './transaction.ts';

/** Both adapters' statements also give the first column of the first row. */
export interface AdapterStatement extends Statement {
  value<T = SqlValue>(...params: SqlValue[]): T | undefined;
}

export abstract class DbBase implements Db {
  private readonly tx: TransactionRunner;

  constructor(readonly: boolean) {
    this.tx = new TransactionRunner({
      // The runner's statements are a few constant strings, run as cached prepared statements:
      // parsing SAVEPOINT and RELEASE anew took 11 us a pair in sqlite-wasm (1 us prepared), and a
      // clone opens one for nearly every artifact it stores.
      exec: (sql) => void this.prepare(sql).run(),
      nativeInTransaction: () => this.inTransaction,
      readonly,
    });
  }

  abstract readonly filename: string;
  abstract readonly inTransaction: boolean;
  abstract exec(sql: string): void;
  abstract prepare(sql: string): AdapterStatement;
  abstract func(name: string, fn: (...args: SqlValue[]) => SqlValue): void;
  abstract close(): void;

  run(sql: string, ...params: SqlValue[]): RunResult {
    return this.prepare(sql).run(...params);
  }

  get<T = Row>(sql: string, ...params: SqlValue[]): T | undefined {
    return this.prepare(sql).get<T>(...params);
  }

  all<T = Row>(sql: string, ...params: SqlValue[]): T[] {
    return this.prepare(sql).all<T>(...params);
  }

  value<T = SqlValue>(sql: string, ...params: SqlValue[]): T | undefined {
    return this.prepare(sql).value<T>(...params);
  }

  transaction<T>(fn: () => T): T {
    return this.tx.run(fn);
  }
}
