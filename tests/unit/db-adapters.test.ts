import { describe, expect, it } from 'vitest';
import { forEachAdapter } from '../helpers/dbs.ts';
import { StorageError } from '../../src/db/storage-error.ts';
import { codeOf } from '../../src/errors.ts';

/** What a call threw. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('Db adapters', () => {
  forEachAdapter((adapter) => {
    it('binds and returns numbers, text, null and blobs (as plain Uint8Array)', async () => {
      const db = await adapter.open();
      db.exec('CREATE TABLE t(a INTEGER PRIMARY KEY, b, c)');
      const r = db.run('INSERT INTO t(b,c) VALUES(?,?)', 'x', new Uint8Array([1, 2, 3]));
      expect(r).toEqual({ changes: 1, lastInsertRowid: 1 });
      db.run('INSERT INTO t(b,c) VALUES(?,?)', null, new Uint8Array(0));
      db.run('INSERT INTO t(b,c) VALUES(?,?)', 2.5, 2n ** 40n);
      const rows = db.all('SELECT a, b, c FROM t ORDER BY a');
      expect(rows).toEqual([
        { a: 1, b: 'x', c: new Uint8Array([1, 2, 3]) },
        { a: 2, b: null, c: new Uint8Array(0) },
        { a: 3, b: 2.5, c: 2 ** 40 },
      ]);
      expect(Object.getPrototypeOf(rows[0]!.c)).toBe(Uint8Array.prototype);
      expect(db.value('SELECT typeof(c) FROM t WHERE a=2')).toBe('blob');
      expect(db.value('SELECT b FROM t WHERE a=?', 1)).toBe('x');
      expect(db.value('SELECT b FROM t WHERE a=?', 99)).toBeUndefined();
      expect(db.get('SELECT * FROM t WHERE a=?', 99)).toBeUndefined();
      expect(db.prepare('SELECT a FROM t ORDER BY a DESC').column()).toEqual([3, 2, 1]);
      expect(db.value('SELECT 7 AS "2", 8 AS "1"')).toBe(7);
      db.close();
    });

    it('binds values of every size, text in any script, and integers past 32 bits exactly', async () => {
      const db = await adapter.open();
      db.exec('CREATE TABLE v(k INTEGER PRIMARY KEY, x)');
      // Small values share a scratch area in the sqlite-wasm adapter, large ones do not: each
      // must still arrive whole, whatever was bound before it.
      const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 7) & 255);
      const longText = 'ä€𝄞x'.repeat(200_000);
      const values: unknown[] = ['', 'ascii', 'grüße €100 𝄞', longText, new Uint8Array([9]), big, new Uint8Array(70_000).fill(5),
        'after the big ones', 2 ** 40 + 3, -(2 ** 31) - 1, 2 ** 31, 0.1, -7, 2n ** 45n, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
      const put = db.prepare('INSERT INTO v(k, x) VALUES(?, ?)');
      values.forEach((x, i) => put.run(i + 1, x as never));
      const back = db.prepare('SELECT x FROM v ORDER BY k').column();
      expect(back.length).toBe(values.length);
      // A BigInt goes in as an integer and, fitting a number, comes back as one.
      values.forEach((x, i) => expect(back[i], `value ${i}`).toEqual(typeof x === 'bigint' ? Number(x) : x));
      expect(db.value('SELECT x = 1099511627779 FROM v WHERE k=9')).toBe(1);
      expect(db.value('SELECT typeof(x) FROM v WHERE k=14')).toBe('integer');
      expect(db.value('SELECT length(x) FROM v WHERE k=4')).toBe(800_000); // characters, not UTF-16 units
      // A statement with a NUL inside its text keeps all of it.
      expect(db.value("SELECT 'a' || char(0) || 'b'")).toBe('a\0b');
      db.close();
    });

    it('nests transactions with savepoints and rolls back on throw', async () => {
      const db = await adapter.open();
      db.exec('CREATE TABLE t(x)');
      expect(db.inTransaction).toBe(false);
      db.transaction(() => {
        expect(db.inTransaction).toBe(true);
        db.run('INSERT INTO t VALUES(1)');
        expect(() =>
          db.transaction(() => {
            db.run('INSERT INTO t VALUES(2)');
            throw new Error('inner');
          }),
        ).toThrow('inner');
        // The runner's own statements are cached prepared ones: still right once the cache has
        // moved past them.
        for (let i = 0; i < 600; i++) db.value(`SELECT ${i}`);
        db.transaction(() => db.run('INSERT INTO t VALUES(3)'));
      });
      expect(db.inTransaction).toBe(false);
      expect(db.prepare('SELECT x FROM t ORDER BY x').column()).toEqual([1, 3]);
      expect(() =>
        db.transaction(() => {
          db.run('INSERT INTO t VALUES(4)');
          throw new Error('outer');
        }),
      ).toThrow('outer');
      expect(db.inTransaction).toBe(false);
      expect(db.value('SELECT count(*) FROM t')).toBe(2);
      db.close();
    });

    it('refuses asynchronous transaction bodies', async () => {
      const db = await adapter.open();
      db.exec('CREATE TABLE t(x)');
      expect(() => db.transaction(async () => db.run('INSERT INTO t VALUES(1)'))).toThrow(/synchronous/);
      expect(db.value('SELECT count(*) FROM t')).toBe(0);
      db.close();
    });

    it('registers scalar functions that see blobs as Uint8Array', async () => {
      const db = await adapter.open();
      db.func('blen', (b) => (b instanceof Uint8Array ? b.length : -1));
      expect(db.value('SELECT blen(x\'010203\')')).toBe(3);
      expect(db.value("SELECT blen('abc')")).toBe(-1);
      db.close();
    });

    it('keeps statements usable after the cache has moved on', async () => {
      const db = await adapter.open();
      db.exec('CREATE TABLE t(x)');
      const insert = db.prepare('INSERT INTO t VALUES(?)');
      for (let i = 0; i < 600; i++) db.value(`SELECT ${i}`);
      insert.run(1);
      expect(db.value('SELECT count(*) FROM t')).toBe(1);
      db.close();
    });

    it('leaves foreign keys unenforced, as fossil does', async () => {
      const db = await adapter.open();
      expect(db.value('PRAGMA foreign_keys')).toBe(0);
      db.exec('CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(pid INTEGER REFERENCES p)');
      db.run('INSERT INTO c VALUES(42)');
      db.close();
    });

    it('reports SQL errors as exceptions', async () => {
      const db = await adapter.open();
      expect(() => db.exec('CREATE TABLE')).toThrow();
      expect(() => db.get('SELECT * FROM nowhere')).toThrow(/nowhere/);
      db.close();
    });

    it('tells a failure of the storage (local-storage) from one of the statement', async () => {
      const db = await adapter.open();
      db.exec('CREATE TABLE t(k INTEGER PRIMARY KEY, v BLOB)');
      db.run('INSERT INTO t VALUES(1, NULL)');
      const notStorage = thrown(() => db.run('INSERT INTO t VALUES(1, NULL)'));
      expect(notStorage).not.toBeInstanceOf(StorageError);
      expect(codeOf(notStorage)).toBe('internal');
      expect(thrown(() => db.get('SELECT * FROM nowhere'))).not.toBeInstanceOf(StorageError);

      db.exec(`PRAGMA max_page_count = ${db.value<number>('PRAGMA page_count')! + 1}`);
      const full = thrown(() => db.transaction(() => db.run('INSERT INTO t VALUES(2, ?)', new Uint8Array(200_000))));
      expect(full).toBeInstanceOf(StorageError);
      expect(codeOf(full)).toBe('local-storage');
      expect((full as StorageError).sqliteCode).toBe('SQLITE_FULL');
      expect((full as Error).cause).toBeInstanceOf(Error);
      expect(db.value('SELECT count(*) FROM t')).toBe(1);
      db.close();
    });
  });
});
