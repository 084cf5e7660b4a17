/**
 * Nested transactions shared by the Db adapters: the outermost level is a real transaction
 * (BEGIN IMMEDIATE, so a writer takes its lock up front instead of failing half-way), inner
 * levels are savepoints, so a failing inner step can be undone without losing the outer work.
 */
export interface TransactionHost {
  exec(sql: string): void;
  /** True while SQLite itself is inside a transaction (not in autocommit mode). */
  nativeInTransaction(): boolean;
  /** Read-only connections cannot take the write lock BEGIN IMMEDIATE asks for. */
  readonly readonly: boolean;
}

export class TransactionRunner {
  private depth = 0;

  constructor(private readonly host: TransactionHost) {}

  run<T>(fn: () => T): T {
    const outermost = !this.host.nativeInTransaction();
    const savepoint = `edgesync_sp${this.depth}`;
    this.host.exec(outermost ? (this.host.readonly ? 'BEGIN' : 'BEGIN IMMEDIATE') : `SAVEPOINT ${savepoint}`);
    this.depth++;
    let result: T;
    try {
      result = fn();
      if (result instanceof Promise) {
        throw new Error('transaction callbacks must be synchronous: the transaction would end before the promise');
      }
    } catch (e) {
      this.depth--;
      this.undo(outermost, savepoint);
      throw e;
    }
    this.depth--;
    try {
      this.host.exec(outermost ? 'COMMIT' : `RELEASE ${savepoint}`);
    } catch (e) {
      this.undo(outermost, savepoint);
      throw e;
    }
    return result;
  }

  private undo(outermost: boolean, savepoint: string): void {
    // SQLite may already have rolled the transaction back by itself (e.g. after SQLITE_FULL);
    // the original error is the one worth reporting, so a failing rollback stays quiet.
    if (outermost) {
      if (this.host.nativeInTransaction()) this.tryExec('ROLLBACK');
    } else {
      this.tryExec(`ROLLBACK TO ${savepoint}`);
      this.tryExec(`RELEASE ${savepoint}`);
    }
  }

  private tryExec(sql: string): void {
    try {
      this.host.exec(sql);
    } catch {
      /* see undo() */
    }
  }
}
