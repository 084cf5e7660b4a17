// The background search indexer: it makes the index in steps (the clock and the timers are the
// test's), never while someone holds the repository's write lock, stops when told, and says
// once when the index is complete; a search that comes first finishes the index itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexInBackground } from '../../src/peer/search-indexer.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { searchIndex } from '../../src/repo/queries/search.ts';
import { Repository } from '../../src/repo/repository.ts';
import { hasSearchIndex, refreshSearchIndex, SEARCH_EVENTS } from '../../src/repo/search-index.ts';
import { forEachAdapter } from '../helpers/dbs.ts';
import { copyFixture } from '../helpers/fossil-fixture.ts';
import { haveTool, tempDir } from '../helpers/tools.ts';

/** Timers run by hand: `next()` runs the earliest one and waits for what it started. */
function manualTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let id = 0;
  return {
    setTimeout: (fn: () => void, ms: number) => (pending.set(++id, { fn, ms }), id),
    clearTimeout: (h: unknown) => void pending.delete(h as number),
    get count() {
      return pending.size;
    },
    delays: () => [...pending.values()].map((p) => p.ms),
    async next() {
      const first = pending.keys().next();
      if (first.done) return false;
      const t = pending.get(first.value)!;
      pending.delete(first.value);
      t.fn();
      for (let i = 0; i < 20; i++) await Promise.resolve();
      return true;
    },
  };
}

describe.skipIf(!haveTool('fossil'))('background search indexer', () => {
  const tmp = tempDir('edgesync-indexer-');
  let fixture: string;
  beforeAll(() => {
    fixture = copyFixture(`${tmp.dir}/fx.fossil`);
  });
  afterAll(() => tmp.cleanup());

  forEachAdapter((adapter) => {
    it('steps between other work, waits for the write lock, and says when the index is complete', async () => {
      const db = await adapter.load(fixture);
      const repo = Repository.open(db, { crosslinker: crosslinkerFactory });
      const timers = manualTimers();
      let done = 0;
      const indexer = indexInBackground(repo, { ...timers, startMs: 1000, stepMs: 0, pauseMs: 5, done: () => done++ });
      expect(timers.delays()).toEqual([1000]);
      expect(db.value("SELECT 1 FROM sqlite_schema WHERE name=?", SEARCH_EVENTS)).toBeUndefined();

      // A writer holds the lock: the step waits for it and changes nothing meanwhile.
      const release = await repo.writeLock.acquire();
      await timers.next();
      expect(db.value("SELECT 1 FROM sqlite_schema WHERE name=?", SEARCH_EVENTS)).toBeUndefined();
      expect(timers.count).toBe(0);
      release();
      for (let i = 0; i < 20; i++) await Promise.resolve();
      expect(db.value<number>(`SELECT count(*) FROM ${SEARCH_EVENTS}`)).toBeGreaterThan(0);

      // One piece of work per step (no time given): many steps, each followed by a pause.
      let steps = 1;
      while (await timers.next()) steps++;
      expect(steps).toBeGreaterThan(10);
      expect(done).toBe(1);
      expect(hasSearchIndex(db)).toBe(true);
      expect(refreshSearchIndex(repo)).toBe(0);
      expect(searchIndex(db, 'aardvark*').documents.length + searchIndex(db, 'a*').comments.length).toBeGreaterThan(0);
      indexer.stop();
      db.close();
    });

    it('stops when told; a search first finishes what is left', async () => {
      const db = await adapter.load(fixture);
      const repo = Repository.open(db, { crosslinker: crosslinkerFactory });
      const timers = manualTimers();
      let done = 0;
      const indexer = indexInBackground(repo, { ...timers, startMs: 0, stepMs: 0, pauseMs: 0, done: () => done++ });
      await timers.next();
      await timers.next();
      indexer.stop();
      expect(timers.count).toBe(0);
      const partial = db.value<number>(`SELECT count(*) FROM ${SEARCH_EVENTS}`)!;
      expect(partial).toBeGreaterThan(0);
      expect(hasSearchIndex(db)).toBe(false);
      // The search's own refresh does the rest.
      expect(refreshSearchIndex(repo)).toBe(db.value<number>('SELECT count(*) FROM event')! - partial);
      expect(hasSearchIndex(db)).toBe(true);
      expect(done).toBe(0);
      db.close();
    });
  });
});
