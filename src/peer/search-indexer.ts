/**
 * Makes a repository's search index in the background, a short step at a time, so that the
 * first search on a large repository finds it ready instead of building it (seconds in a
 * browser), and nothing else waits long meanwhile: the worker that owns the repository answers
 * its pages between steps. Each step takes the repository's write lock, so it never lands inside
 * a sync session's transaction; a search that comes first finishes what is left itself
 * (search-index.ts refreshSearchIndex), and the next step then finds nothing to do.
 */
import type { Repository } from '../repo/repository.ts';
import { searchIndexStep } from '../repo/search-index.ts';

export interface SearchIndexerOptions {
  /** Wait this long before the first step: the pages of a repository just opened come first. */
  startMs?: number;
  /** About how long each step works. */
  stepMs?: number;
  /** The pause between steps, in which other calls are answered. */
  pauseMs?: number;
  /** Told once the index is complete. */
  done?(): void;
  /** Told when a step fails (a full disk, a closed file): no step follows. */
  failed?(e: unknown): void;
  setTimeout?(fn: () => void, ms: number): unknown;
  clearTimeout?(handle: unknown): void;
}

export interface SearchIndexer {
  /** No step after this one (a closed or removed repository). */
  stop(): void;
}

export function indexInBackground(repo: Repository, opts: SearchIndexerOptions = {}): SearchIndexer {
  const set = opts.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
  const clear = opts.clearTimeout ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const stepMs = opts.stepMs ?? 25;
  const pauseMs = opts.pauseMs ?? 25;
  let stopped = false;
  let timer: unknown;
  const step = async () => {
    timer = undefined;
    if (stopped) return;
    let done: boolean;
    try {
      done = await repo.writeLock.run(() => (stopped ? true : searchIndexStep(repo, stepMs)));
    } catch (e) {
      stopped = true;
      opts.failed?.(e);
      return;
    }
    if (stopped) return;
    if (done) {
      stopped = true;
      opts.done?.();
      return;
    }
    timer = set(() => void step(), pauseMs);
  };
  timer = set(() => void step(), opts.startMs ?? 3000);
  return {
    stop() {
      stopped = true;
      if (timer !== undefined) clear(timer);
      timer = undefined;
    },
  };
}
