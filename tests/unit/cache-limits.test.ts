// The caches a clone or rebuild holds small (src/repo/rebuild.ts limitCaches), and a page cache
// asked for meanwhile (the browser's pages, opened during a clone's head start): it waits for the
// outermost limit to end instead of growing the clone's peak by the whole cache.
import { describe, expect, it } from 'vitest';
import { limitCaches, setPageCache } from '../../src/repo/rebuild.ts';
import { forEachAdapter } from '../helpers/dbs.ts';

describe('cache limits', () => {
  forEachAdapter((adapter) => {
    it('holds the caches small, nested, and puts back what was there or what was asked for meanwhile', async () => {
      const db = await adapter.open();
      try {
        const pages = () => db.value<number>('PRAGMA cache_size');
        const content = { cacheBytes: 64 * 1024 * 1024 };
        db.exec('PRAGMA cache_size=-16384');
        const restore = limitCaches({ db, content });
        expect(pages()).toBe(-4096);
        expect(content.cacheBytes).toBe(4 * 1024 * 1024);
        restore();
        expect(pages()).toBe(-16384);
        expect(content.cacheBytes).toBe(64 * 1024 * 1024);

        const outer = limitCaches({ db, content });
        setPageCache(db, 65536);
        expect(pages()).toBe(-4096); // not while the clone links
        const inner = limitCaches({ db, content }, 1024);
        expect(content.cacheBytes).toBe(1024);
        inner();
        expect(pages()).toBe(-4096);
        expect(content.cacheBytes).toBe(4 * 1024 * 1024);
        outer();
        outer(); // twice is once
        expect(pages()).toBe(-65536);
        expect(content.cacheBytes).toBe(64 * 1024 * 1024);

        setPageCache(db, 2048); // no limit: at once
        expect(pages()).toBe(-2048);

        // A clone's own page cache while it links (the browser's is large): used as given.
        db.exec('PRAGMA cache_size=-131072');
        const smaller = limitCaches({ db, content }, undefined, 65536);
        expect(pages()).toBe(-65536);
        smaller();
        expect(pages()).toBe(-131072);
        db.exec('PRAGMA cache_size=-2048');
        const larger = limitCaches({ db, content }, undefined, 65536);
        expect(pages()).toBe(-65536);
        larger();
        expect(pages()).toBe(-2048);
        // Without one, the default only ever shrinks it.
        const kept = limitCaches({ db, content });
        expect(pages()).toBe(-2048);
        kept();
      } finally {
        db.close();
      }
    });
  });
});
