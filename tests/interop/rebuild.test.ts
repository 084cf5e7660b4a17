/**
 * Our rebuild against `fossil rebuild`: both run on copies of the same fossil-made repository,
 * and every derived table must come out the same; fossil must find our result sound.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { rebuild } from '../../src/repo/rebuild.ts';
import { Repository } from '../../src/repo/repository.ts';
import { forEachAdapter } from '../helpers/dbs.ts';
import { differingTables, dumpDerivedTables } from '../helpers/derived-tables.ts';
import { copyFixture } from '../helpers/fossil-fixture.ts';
import { fossil, haveTool, sqlite, tempDir } from '../helpers/tools.ts';

const hasFossil = haveTool('fossil');

/** Empty the derived tables, so that whatever the comparison finds there our rebuild put there. */
function wipeDerivedTables(db: { exec(sql: string): void }): void {
  db.exec(`DELETE FROM event; DELETE FROM plink; DELETE FROM mlink; DELETE FROM filename; DELETE FROM leaf;
    DELETE FROM tagxref; DELETE FROM tag WHERE tagid>11; DELETE FROM backlink; DELETE FROM attachment;
    DELETE FROM ticket; DELETE FROM ticketchng; DROP TABLE forumpost; DELETE FROM cherrypick;
    DELETE FROM unclustered; DELETE FROM phantom; DELETE FROM orphan;
    DELETE FROM config WHERE name='seen-delta-manifest';`);
}

/** Schema objects as (type, name, sql), order-free: rebuild may create them in another order. */
function schemaOf(path: string): string[] {
  return sqlite(path, "SELECT type || ' ' || name || ' ' || coalesce(sql,'') FROM sqlite_schema")
    .split('\n')
    .filter(Boolean)
    .sort();
}

describe.runIf(hasFossil)('rebuild compared with fossil rebuild', () => {
  const tmp = tempDir('edgesync-rebuild-');
  afterAll(() => tmp.cleanup());
  const theirs = join(tmp.dir, 'theirs.fossil');
  let expected: ReturnType<typeof dumpDerivedTables> | undefined;
  const fossilRebuilt = () => {
    if (!expected) {
      copyFixture(theirs);
      fossil(['rebuild', theirs]);
      expected = dumpDerivedTables(theirs);
    }
    return expected;
  };

  forEachAdapter((adapter) => {
    it('produces the same derived tables, and fossil finds the result intact', async () => {
      const source = copyFixture(join(tmp.dir, `${adapter.name}-source.fossil`));
      const db = await adapter.load(source);
      wipeDerivedTables(db);
      const repo = Repository.open(db, { crosslinker: crosslinkerFactory });
      const result = rebuild(repo);
      expect(result.linked).toBeGreaterThan(40);
      const ours = join(tmp.dir, `${adapter.name}-ours.fossil`);
      adapter.save(db, ours);
      db.close();

      const got = dumpDerivedTables(ours);
      const want = fossilRebuilt();
      expect(differingTables(got, want)).toEqual([]);
      expect(got).toEqual(want);
      expect(schemaOf(ours)).toEqual(schemaOf(theirs));

      const integrity = fossil(['test-integrity', '-R', ours]).stdout;
      expect(integrity).toMatch(/checked:\s+0 errors/);
      expect(integrity).toMatch(/integrity-check: ok/);
    });
  });

  it('reports progress and is idempotent', async () => {
    const path = copyFixture(join(tmp.dir, 'twice.fossil'));
    const { openNodeDb } = await import('../../src/db/better-sqlite3.ts');
    const db = openNodeDb(path);
    wipeDerivedTables(db);
    const repo = Repository.open(db, { crosslinker: crosslinkerFactory });
    const seen: number[] = [];
    rebuild(repo, { onProgress: (p) => seen.push(p.done) });
    rebuild(repo);
    db.close();
    expect(seen.at(-1)).toBeGreaterThan(0);
    expect(dumpDerivedTables(path)).toEqual(fossilRebuilt());
  });
});
