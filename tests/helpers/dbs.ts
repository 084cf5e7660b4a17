/**
 * Run the same tests against both Db adapters: better-sqlite3 on a temporary file and
 * sqlite-wasm in memory. Each adapter can also load a database file and write one out, so a
 * test can hand its result to the real fossil binary or start from a repository fossil made.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { openNodeDb } from '../../src/db/better-sqlite3.ts';
import { exportWasmDb, openWasmDb } from '../../src/db/sqlite-wasm.ts';
import { tempDir } from './tools.ts';

export interface Adapter {
  readonly name: 'better-sqlite3' | 'sqlite-wasm';
  /** A new empty database. */
  open(): Promise<Db>;
  /** A writable copy of the database file at path. */
  load(path: string): Promise<Db>;
  /** Write the database to a file that other programs (fossil, sqlite3) can open. */
  save(db: Db, path: string): void;
}

function nodeAdapter(dir: () => string): Adapter {
  let n = 0;
  return {
    name: 'better-sqlite3',
    async open() {
      return openNodeDb(join(dir(), `db-${++n}.sqlite`), { create: true });
    },
    async load(path) {
      const copy = join(dir(), `db-${++n}.sqlite`);
      copyFileSync(path, copy);
      return openNodeDb(copy);
    },
    save(db, path) {
      if (db.inTransaction) throw new Error('save() inside a transaction would copy a half-written file');
      copyFileSync(db.filename, path);
    },
  };
}

const wasmAdapter: Adapter = {
  name: 'sqlite-wasm',
  open: () => openWasmDb(),
  load: async (path) => openWasmDb({ bytes: new Uint8Array(readFileSync(path)) }),
  save(db, path) {
    writeFileSync(path, exportWasmDb(db));
  },
};

/** Declare `describe(adapter.name, ...)` once per adapter. */
export function forEachAdapter(body: (adapter: Adapter) => void): void {
  const tmp = tempDir('edgesync-db-');
  afterAll(() => tmp.cleanup());
  for (const adapter of [nodeAdapter(() => tmp.dir), wasmAdapter]) {
    describe(adapter.name, () => body(adapter));
  }
}
