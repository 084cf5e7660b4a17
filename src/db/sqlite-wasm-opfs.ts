/**
 * Persistent databases in the browser: SQLite-WASM's `opfs-sahpool` VFS (synchronous access
 * handles in the Origin Private File System). It needs no SharedArrayBuffer and is the fastest
 * OPFS option, but only one worker per origin can hold the pool: callers must make sure of that
 * (the web app does, with a Web Lock) before opening it.
 *
 * Browser-only (it is left out of the Node build); Node tests use the in-memory adapter.
 */
import type { Db } from './db.ts';
import { readAheadOnSyncHandles } from './read-ahead.ts';
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
 * Install the pool. On a reload the worker of the page before may still hold the pool's files
 * for a moment, and SQLite's installer must not meet that: when it cannot open a file it gives
 * up for good (it remembers the failure) and tries to delete the pool's directory. So the
 * worker first takes a lock that the previous worker held until it ended, then waits until it
 * can open every file of the pool itself, and only then installs.
 */
export async function openOpfsPool(opts: { name?: string; waitMs?: number } = {}): Promise<OpfsPool> {
  const sqlite3 = await loadSqlite3();
  const name = opts.name ?? 'edgesync';
  await holdPoolLock(name);
  await waitUntilFree(`.${name}`, opts.waitMs ?? 30_000);
  // The pool's handles read a block at a time (each read of browser storage has a fixed cost).
  readAheadOnSyncHandles();
  let util: PoolUtil;
  try {
    util = await sqlite3.installOpfsSAHPoolVfs({ name, directory: `.${name}`, initialCapacity: 8, forceReinitIfPreviouslyFailed: true } as never);
  } catch (e) {
    throw new Error(`browser storage (OPFS) is not available: ${(e as Error)?.message ?? e}`);
  }
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
      const wrapped = wrapOo1Db(sqlite3, db as never, file);
      // Temporary files (statement journals, sorts) would each take a file of the pool, which
      // flushes to disk when it hands one out and takes it back: keep them in memory.
      wrapped.exec('PRAGMA temp_store=MEMORY');
      return wrapped;
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

/** Held by this worker for as long as it lives (a lock is let go when its holder ends). */
async function holdPoolLock(name: string): Promise<void> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return;
  await new Promise<void>((granted) => {
    void locks.request(`edgesync-pool-${name}`, () => {
      granted();
      return new Promise<void>(() => undefined);
    });
  });
}

/** Wait until every file in the pool's directory can be opened here (none is held elsewhere). */
async function waitUntilFree(directory: string, waitMs: number): Promise<void> {
  const until = performance.now() + waitMs;
  for (;;) {
    const busy = await firstHeldFile(directory);
    if (busy === undefined) return;
    if (performance.now() > until) throw new Error(`browser storage (OPFS) is held by another tab or worker (${busy})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function firstHeldFile(directory: string): Promise<string | undefined> {
  let dir: FileSystemDirectoryHandle;
  try {
    const root = await navigator.storage.getDirectory();
    dir = await (await root.getDirectoryHandle(directory)).getDirectoryHandle('.opaque');
  } catch {
    return undefined; // no pool yet
  }
  for await (const h of (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()) {
    if (h.kind !== 'file') continue;
    try {
      const ah = await (h as FileSystemFileHandle & { createSyncAccessHandle(): Promise<{ close(): void }> }).createSyncAccessHandle();
      ah.close();
    } catch {
      return h.name;
    }
  }
  return undefined;
}
