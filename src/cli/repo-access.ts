/** Opening repository files for CLI commands, with the crosslinker installed. */
import { existsSync } from 'node:fs';
import { UsageError } from './args.ts';
import { createRepoFile, openRepoFile } from '../repo/node-files.ts';
import { crosslinkerFactory } from '../repo/crosslink/factory.ts';
import type { Repository } from '../repo/repository.ts';
import type { CreateOptions } from '../repo/create.ts';

export function repoPath(options: { repository?: unknown }): string {
  const p = options.repository;
  if (typeof p !== 'string' || !p) throw new UsageError('no repository given: use -R FILE');
  return p;
}

export function openRepository(path: string, opts: { readonly?: boolean } = {}): Repository {
  if (!existsSync(path)) throw new Error(`repository not found: ${path}`);
  return openRepoFile(path, { readonly: opts.readonly, crosslinker: crosslinkerFactory });
}

export function createRepository(path: string, opts: CreateOptions): Repository {
  return createRepoFile(path, { ...opts, crosslinker: crosslinkerFactory });
}

/** Run fn with the repository open, closing it afterwards whatever happens. */
export async function withRepository<T>(path: string, fn: (repo: Repository) => T | Promise<T>, opts: { readonly?: boolean } = {}): Promise<T> {
  const repo = openRepository(path, opts);
  try {
    return await fn(repo);
  } finally {
    repo.db.close();
  }
}

/** The user name for new artifacts: --user, then the repo's default-user, then $FOSSIL_USER/$USER. */
export function authorName(repo: Repository, explicit: unknown): string {
  if (typeof explicit === 'string' && explicit) return explicit;
  const fromRepo = repo.config.get('default-user');
  if (fromRepo) return fromRepo;
  const env = process.env.FOSSIL_USER || process.env.USER || process.env.LOGNAME || process.env.USERNAME;
  if (env) return env;
  const admin = repo.db.value<string>("SELECT login FROM user WHERE cap GLOB '*s*' ORDER BY uid LIMIT 1");
  if (admin) return admin;
  throw new Error('cannot tell who you are: use --user NAME');
}
