/**
 * The worker that owns the repositories in the browser. The UI talks to it only through the
 * comlink API below; it never sees SQL. For now it holds in-memory repositories (OPFS storage
 * and sync come with the browser peer).
 */
import * as Comlink from 'comlink';
import { installWebPlatform } from '../src/platform/web.ts';
import { openWasmDb } from '../src/db/sqlite-wasm.ts';
import { Repository } from '../src/repo/repository.ts';
import { crosslinkerFactory } from '../src/repo/crosslink/factory.ts';
import { createCheckin } from '../src/repo/authoring/checkin.ts';
import { tipCheckin } from '../src/repo/queries/resolve.ts';
import { timeline, type TimelineEntry } from '../src/repo/queries/timeline.ts';
import { repoStats, type RepoStats } from '../src/repo/queries/stats.ts';
import { verifyRepo } from '../src/repo/verify.ts';

const ready = installWebPlatform();
const repos = new Map<string, Repository>();

function repoNamed(name: string): Repository {
  const r = repos.get(name);
  if (!r) throw new Error(`no repository named ${name}`);
  return r;
}

export const workerApi = {
  /** Create an in-memory repository (as `fossil init` would) and return its project code. */
  async create(name: string, opts: { projectName?: string; user: string }): Promise<string> {
    await ready;
    if (repos.has(name)) throw new Error(`repository ${name} already exists`);
    const repo = Repository.create(await openWasmDb(), { projectName: opts.projectName, adminUser: opts.user, crosslinker: crosslinkerFactory });
    repos.set(name, repo);
    return repo.projectCode;
  },
  /** Commit files on top of the newest check-in. */
  commit(name: string, files: { name: string; text: string }[], comment: string, user: string): string {
    const repo = repoNamed(name);
    const parent = tipCheckin(repo.db);
    const enc = new TextEncoder();
    return createCheckin(repo, { parent, comment, user, files: files.map((f) => ({ name: f.name, content: enc.encode(f.text) })) }).uuid;
  },
  timeline(name: string, limit = 50): TimelineEntry[] {
    return timeline(repoNamed(name).db, { limit });
  },
  stats(name: string): RepoStats {
    return repoStats(repoNamed(name).db);
  },
  verify(name: string): { ok: boolean; checked: number; problems: string[] } {
    return verifyRepo(repoNamed(name));
  },
};

export type WorkerApi = typeof workerApi;

Comlink.expose(workerApi);
