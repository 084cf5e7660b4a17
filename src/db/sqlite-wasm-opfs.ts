/**
 * Persistent databases in the browser: SQLite-WASM's `opfs-sahpool` VFS (synchronous access
 * handles in the Origin Private File System). It needs no SharedArrayBuffer and is the fastest
 * OPFS option, but only one worker per origin can hold the pool: callers must make sure of that
 * (the web app does, with a Web Lock) before opening it.
 *
 * Browser-only (it is left out of the Node build); Node tests use the in-memory adapter.
 */
import type { Db } from './db.ts';
import { loadSqlite3, wrapOo1Db, type Sqlite3 } from './sqlite-wasm.ts';

type PoolUtil = Awaited<ReturnType<Sqlite3['installOpfsSAHPoolVfs']>>;

export interface OpfsPool {
  /** Open (creating when missing) a database file, by absolute name such as `/repos/x.fossil`. */
  open(name: string): Db;
  /** Make room before creating a new file: opening one needs free slots for it and its journal. */
  makeRoom(): Promise<void>;
  /** Names of the database files in the pool (journals excluded). */
  files(): string[];
  /** Write a database image as a file (which must not be open). */
  importFile(name: string, bytes: Uint8Array): Promise<void>;
  /** The file's bytes (it should have no open transaction). */
  exportFile(name: string): Promise<Uint8Array>;
  remove(name: string): boolean;
  /** Release the file handles so another worker can take the pool (every db must be closed). */
  pause(): void;
}

/** Each database needs a slot for itself and one for its rollback journal, plus some spare. */
function slotsFor(files: number): number {
  return Math.max(8, files * 2 + 4);
}

/**
 * Install the pool. Handles of a worker that just ended are released asynchronously, so a
 * taken pool is retried for a while before giving up.
 */
export async function openOpfsPool(opts: { name?: string; attempts?: number } = {}): Promise<OpfsPool> {
  const sqlite3 = await loadSqlite3();
  const name = opts.name ?? 'edgesync';
  let util: PoolUtil | undefined;
  let lastError: unknown;
  for (let i = 0; i < (opts.attempts ?? 20) && !util; i++) {
    try {
      util = await sqlite3.installOpfsSAHPoolVfs({ name, directory: `.${name}`, initialCapacity: 8 });
    } catch (e) {
      lastError = e;
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  if (!util) throw new Error(`browser storage (OPFS) is not available: ${(lastError as Error)?.message ?? lastError}`);
  const pool = util;
  const isJournal = (n: string) => /-(journal|wal|shm)$/.test(n);
  const files = () => pool.getFileNames().filter((n) => !isJournal(n));
  const reserve = async (extra: number) => {
    await pool.reserveMinimumCapacity(slotsFor(files().length + extra));
  };
  await reserve(1);
  return {
    open(file) {
      const db = new pool.OpfsSAHPoolDb(file);
      return wrapOo1Db(sqlite3, db as never, file);
    },
    files,
    makeRoom: () => reserve(1),
    async importFile(file, bytes) {
      await reserve(1);
      await pool.importDb(file, bytes);
    },
    exportFile: (file) => pool.exportFile(file),
    remove: (file) => {
      pool.unlink(`${file}-journal`);
      return pool.unlink(file);
    },
    pause: () => void pool.pauseVfs(),
  };
}
