/**
 * A Db that dies after a set number of statements: the next statement throws, wherever the
 * engine happens to be (inside a round's transaction, between rounds, in the middle of a
 * commit). The underlying database keeps whatever was committed, as a file or OPFS would after
 * the process died, so a test can open it again and check it.
 */
import type { Db, SqlValue, Statement } from '../../src/db/db.ts';

export class SimulatedCrash extends Error {
  override name = 'SimulatedCrash';
}

export function failingDb(inner: Db, statementsLeft: number, counted?: { statements: number }): Db {
  let left = statementsLeft;
  const tick = () => {
    if (counted) counted.statements++;
    if (--left < 0) throw new SimulatedCrash(`crashed after ${statementsLeft} statements`);
  };
  const wrap = (s: Statement): Statement => ({
    run: (...p: SqlValue[]) => (tick(), s.run(...p)),
    get: (...p: SqlValue[]) => (tick(), s.get(...p)),
    all: (...p: SqlValue[]) => (tick(), s.all(...p)),
    column: (...p: SqlValue[]) => (tick(), s.column(...p)),
  }) as Statement;
  return {
    exec: (sql) => (tick(), inner.exec(sql)),
    prepare: (sql) => wrap(inner.prepare(sql)),
    run: (sql, ...p) => (tick(), inner.run(sql, ...p)),
    get: (sql, ...p) => (tick(), inner.get(sql, ...p)),
    all: (sql, ...p) => (tick(), inner.all(sql, ...p)),
    value: (sql, ...p) => (tick(), inner.value(sql, ...p)),
    transaction: (fn) => inner.transaction(fn),
    get inTransaction() {
      return inner.inTransaction;
    },
    func: (name, fn) => inner.func(name, fn),
    close: () => inner.close(),
    filename: inner.filename,
  } as Db;
}
