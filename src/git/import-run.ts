/**
 * One Git import into an open repository, as `fossil import --git` runs it: the whole stream in
 * one transaction and one crosslink session (import.c between db_begin_transaction and
 * manifest_crosslink_end), then a rebuild of the derived tables in a second transaction, with
 * clusters for a new repository (rebuild_db(1, !incremental)). A stream that fails to parse, or
 * a source that fails (git exiting non-zero), rolls the first transaction back: nothing of it
 * stays in the repository.
 */
import { abortCrosslink, beginCrosslink, endCrosslink } from '../repo/crosslink/crosslink.ts';
import { rebuild } from '../repo/rebuild.ts';
import type { Repository } from '../repo/repository.ts';
import { createClusters } from '../sync/clusters.ts';
import { FastExportParser, type ParserOptions } from './fast-export-parser.ts';
import { GitStreamImporter, type GitImportCounts, type GitImportNames } from './import-stream.ts';

export interface GitImportOptions extends ParserOptions {
  names?: Partial<GitImportNames>;
  /** The author, not the committer, makes the U and D cards (fossil's --use-author). */
  useAuthor?: boolean;
  /** Into a repository that already has content: no clusters made afterwards. */
  incremental?: boolean;
  /** Skip the rebuild at the end (fossil's --no-rebuild). */
  noRebuild?: boolean;
  onCommit?: (date: string) => void;
}

export interface GitImportResult extends GitImportCounts {
  /** Check-ins in the repository afterwards. */
  checkins: number;
}

export async function importGitStream(repo: Repository, source: AsyncIterable<Uint8Array>, opts: GitImportOptions = {}): Promise<GitImportResult> {
  const db = repo.db;
  const names: GitImportNames = {
    trunk: opts.names?.trunk ?? repo.config.get('main-branch') ?? 'trunk',
    master: opts.names?.master ?? 'master',
    ...withoutUndefined(opts.names ?? {}),
  };
  const parser = new FastExportParser(opts);
  // The transaction stays open across the reads of the stream: nobody else writes a file that
  // is being imported into, and a failure anywhere undoes all of it.
  db.exec('BEGIN IMMEDIATE');
  const session = beginCrosslink(repo);
  let importer: GitStreamImporter;
  try {
    const admin = db.value<number>("SELECT uid FROM user WHERE cap GLOB '*s*' ORDER BY uid LIMIT 1") ?? 0;
    repo.content.beginReceipt({ uid: admin, ipaddr: 'git-import' });
    importer = new GitStreamImporter(repo, names, { useAuthor: opts.useAuthor, onCommit: opts.onCommit });
    for await (const chunk of source) {
      for (const cmd of parser.push(chunk)) importer.apply(cmd);
      if (parser.isDone) break;
    }
    for (const cmd of parser.end()) importer.apply(cmd);
    importer.end();
    repo.content.endReceipt();
    endCrosslink(session);
    db.exec('COMMIT');
  } catch (e) {
    repo.content.endReceipt();
    abortCrosslink(session);
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
  if (!opts.noRebuild) {
    rebuild(repo);
    if (!opts.incremental) db.transaction(() => createClusters(repo));
  }
  const checkins = db.value<number>("SELECT count(*) FROM event WHERE type='ci'") ?? 0;
  return { ...importer.counts, checkins };
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
