/**
 * Repository files on disk (Node only). fossil opens a file as a repository only if it is at
 * least 16834 bytes, a multiple of 512 bytes, and holds everything in the main file (rollback
 * journal, no WAL left behind); files made here meet those rules.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { openNodeDb } from '../db/better-sqlite3.ts';
import type { CreateOptions } from './create.ts';
import { Repository, RepositoryFormatError, type OpenOptions } from './repository.ts';

/** Smallest file fossil's db_looks_like_a_repository accepts (the odd number is upstream's). */
export const MIN_REPOSITORY_FILE_SIZE = 16834;

/**
 * Create a new repository file, as `fossil init FILE` does. Refuses to overwrite. The file is
 * made under a temporary name and renamed into place once complete, so a process killed (or a
 * creation failing) half-way never leaves an empty or half-made file that will not open.
 */
export function createRepoFile(
  path: string,
  opts: CreateOptions & OpenOptions & {
    /** More setup that must be in the file before it appears at path (a clone's target state). */
    prepare?: (repo: Repository) => void;
  } = {},
): Repository {
  if (existsSync(path)) throw new Error(`file already exists: ${path}`);
  removeAbandonedCreations(path);
  const tmp = `${path}.${process.pid}.new`;
  rmSync(tmp, { force: true });
  rmSync(`${tmp}-journal`, { force: true });
  const db = openNodeDb(tmp, { create: true });
  try {
    // Rollback journal (SQLite's default, set explicitly): fossil expects all data in the file itself.
    db.exec('PRAGMA journal_mode=DELETE');
    const repo = Repository.create(db, opts);
    opts.prepare?.(repo);
  } catch (e) {
    db.close();
    rmSync(tmp, { force: true });
    rmSync(`${tmp}-journal`, { force: true });
    throw e;
  }
  db.close();
  if (existsSync(path)) {
    rmSync(tmp, { force: true });
    throw new Error(`file already exists: ${path}`);
  }
  renameSync(tmp, path);
  // Reopened under its final name, so a later transaction's journal is named after it.
  return openRepoFile(path, opts);
}

/**
 * Temporary files of creations of this path that were killed (`PATH.PID.new` and its journal,
 * PID no longer running) are removed: nothing else would ever remove them.
 */
export function removeAbandonedCreations(path: string): string[] {
  const dir = dirname(resolve(path));
  const base = basename(path);
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const n of names) {
    if (!n.startsWith(`${base}.`)) continue;
    const m = /^\.(\d+)\.new(-journal)?$/.exec(n.slice(base.length));
    if (!m || isRunning(Number(m[1]))) continue;
    rmSync(join(dir, n), { force: true });
    removed.push(n);
  }
  return removed;
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Open a repository file, applying fossil's checks on the file before opening it. */
/**
 * What a writer killed in the middle of a transaction left (a hot rollback journal) is undone by
 * the next connection that may write; a read-only one is refused instead ("attempt to write a
 * readonly database"). So a file opened only to read gets a short read-write open first, as
 * fossil's own open would give it. Where the file cannot be written at all, the read-only open
 * below says so.
 */
function rollBackHotJournal(path: string): void {
  const journal = `${path}-journal`;
  if (!existsSync(journal) || statSync(journal).size === 0) return;
  let db;
  try {
    db = openNodeDb(path);
  } catch {
    return;
  }
  try {
    db.value('SELECT count(*) FROM sqlite_schema');
  } catch {
    // Left to the read-only open, which reports it.
  } finally {
    db.close();
  }
}

export function openRepoFile(path: string, opts: OpenOptions & { readonly?: boolean } = {}): Repository {
  if (!existsSync(path)) throw new Error(`repository does not exist: ${path}`);
  const size = statSync(path).size;
  if (size < MIN_REPOSITORY_FILE_SIZE || size % 512 !== 0) {
    throw new RepositoryFormatError(`not a valid repository: ${path} (size ${size})`);
  }
  if (opts.readonly) rollBackHotJournal(path);
  const db = openNodeDb(path, { readonly: opts.readonly });
  try {
    return Repository.open(db, opts);
  } catch (e) {
    db.close();
    if (e instanceof RepositoryFormatError) throw e;
    throw new RepositoryFormatError(`not a valid repository: ${path} (${(e as Error).message})`);
  }
}
