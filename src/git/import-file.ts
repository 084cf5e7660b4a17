/**
 * Git imports into repository files (Node only). A new repository is made and filled under a
 * temporary name (`FILE.PID.new`, removed by the next creation of FILE if the process dies) and
 * renamed into place only when the import, the rebuild and the VACUUM are done: a failed or
 * killed import leaves no FILE at all. An incremental import runs in the file itself; the
 * import is one transaction (a failure leaves the file as it was), the rebuild another.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { openNodeDb } from '../db/better-sqlite3.ts';
import { CodedError } from '../errors.ts';
import { crosslinkerFactory } from '../repo/crosslink/factory.ts';
import { openRepoFile, removeAbandonedCreations } from '../repo/node-files.ts';
import { Repository } from '../repo/repository.ts';
import { importGitStream, type GitImportOptions, type GitImportResult } from './import-run.ts';

export interface NewRepositoryOptions {
  adminUser?: string;
}

export async function importGitToNewFile(
  path: string,
  source: AsyncIterable<Uint8Array>,
  opts: GitImportOptions & NewRepositoryOptions = {},
): Promise<GitImportResult & { projectCode: string; adminUser: string; adminPassword: string }> {
  if (existsSync(path)) throw new CodedError('conflict', `file already exists: ${path} (use --incremental to import into it)`);
  removeAbandonedCreations(path);
  const tmp = `${path}.${process.pid}.new`;
  const discard = () => {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}-journal`, { force: true });
  };
  discard();
  const db = openNodeDb(tmp, { create: true });
  let result: GitImportResult;
  let info: { projectCode: string; adminUser: string; adminPassword: string };
  try {
    db.exec('PRAGMA journal_mode=DELETE');
    // No initial empty check-in: fossil's import calls db_initial_setup without a date.
    const repo = Repository.create(db, { date: null, adminUser: opts.adminUser, crosslinker: crosslinkerFactory });
    const trunk = opts.names?.trunk ?? 'trunk';
    repo.config.set('main-branch', trunk);
    result = await importGitStream(repo, source, { ...opts, names: { ...opts.names, trunk }, incremental: false });
    db.exec('VACUUM');
    const admin = db.get<{ login: string; pw: string }>("SELECT login, pw FROM user WHERE cap GLOB '*s*' ORDER BY uid LIMIT 1")!;
    info = { projectCode: repo.projectCode, adminUser: admin.login, adminPassword: admin.pw };
    db.close();
  } catch (e) {
    try {
      db.close();
    } catch {
      // already closed
    }
    discard();
    throw e;
  }
  if (existsSync(path)) {
    discard();
    throw new CodedError('conflict', `file already exists: ${path}`);
  }
  renameSync(tmp, path);
  return { ...result, ...info };
}

export async function importGitIntoFile(path: string, source: AsyncIterable<Uint8Array>, opts: GitImportOptions = {}): Promise<GitImportResult> {
  if (!existsSync(path)) throw new CodedError('not-found', `repository not found: ${path}`);
  const repo = openRepoFile(path, { crosslinker: crosslinkerFactory });
  try {
    const result = await importGitStream(repo, source, { ...opts, incremental: true });
    repo.db.exec('VACUUM');
    return result;
  } finally {
    repo.db.close();
  }
}
