/**
 * The worker's `browse` group: each reader of src/peer/browse.ts, called with a repository's
 * local name. The readers themselves know nothing of names or of the worker.
 */
import * as Comlink from 'comlink';
import { browseReaders } from '../src/peer/browse.ts';
import { documentReaders } from '../src/peer/browse-docs.ts';
import type { BrowseCalls, Group } from '../src/peer/worker-api.ts';
import { setPageCache } from '../src/repo/rebuild.ts';
import type { Repository } from '../src/repo/repository.ts';

export function browseGroup(repoOf: (name: string) => Promise<Repository>): Group<BrowseCalls> {
  const tuned = new WeakSet<Repository>();
  const open = async (name: string) => {
    const repo = await repoOf(name);
    if (!tuned.has(repo)) {
      // Reading pages walk indexes all over a large file: keep 64 MB of it in SQLite's page
      // cache (the default 2 MB made every page a read from browser storage); during a clone,
      // once it ends.
      setPageCache(repo.db, 65536);
      tuned.add(repo);
    }
    return repo;
  };
  const group = {} as Record<string, unknown>;
  for (const [k, fn] of Object.entries({ ...browseReaders, ...documentReaders })) {
    group[k] = async (name: string, ...a: unknown[]) => (fn as (r: Repository, ...x: unknown[]) => unknown)(await open(name), ...a);
  }
  return Comlink.proxy(group as BrowseCalls);
}
