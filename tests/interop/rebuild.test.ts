/**
 * Our rebuild against `fossil rebuild`: both run on copies of the same fossil-made repository,
 * and every derived table must come out the same; fossil must find our result sound.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../src/fossil/bytes.ts';
import { md5Hex } from '../../src/fossil/hash.ts';
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

describe.runIf(hasFossil)('rebuild of a history that never named its trunk', () => {
  const tmp = tempDir('edgesync-trunk-');
  afterAll(() => tmp.cleanup());

  it('tags the root check-in as trunk with artifacts fossil then keeps', async () => {
    const { openNodeDb } = await import('../../src/db/better-sqlite3.ts');
    const path = join(tmp.dir, 'untagged.fossil');
    const db = openNodeDb(path, { create: true });
    db.exec('PRAGMA journal_mode=DELETE');
    const repo = Repository.create(db, { crosslinker: crosslinkerFactory, date: null });
    const file = utf8('hello\n');
    const fileHash = repo.content.put(file).rid;
    const fileUuid = repo.content.uuidOf(fileHash)!;
    const artifact = (body: string) => utf8(`${body}Z ${md5Hex(utf8(body))}\n`);
    const root = repo.content.put(artifact(`C root\nD 2024-01-01T00:00:00.000\nF a.txt ${fileUuid}\nU alice\n`));
    // The trunk is found as the parent nobody descends from, so the root needs a child.
    const rootUuid = repo.content.uuidOf(root.rid)!;
    repo.content.put(artifact(`C child\nD 2024-01-02T00:00:00.000\nF a.txt ${fileUuid}\nP ${rootUuid}\nU alice\n`));
    rebuild(repo, { user: 'alice', now: new Date('2024-06-01T00:00:00Z') });
    const tags = db.all<{ tagname: string; value: string | null }>(
      'SELECT tagname, value FROM tagxref JOIN tag USING(tagid) WHERE rid=? AND tagname IN (?, ?) ORDER BY tagname',
      root.rid, 'branch', 'sym-trunk',
    );
    db.close();
    expect(tags).toEqual([{ tagname: 'branch', value: 'trunk' }, { tagname: 'sym-trunk', value: null }]);
    const ours = dumpDerivedTables(path);
    expect(ours.leaf).toHaveLength(1);
    expect(ours.tagxref!.filter((r) => r.includes('"tag":"branch"'))).toHaveLength(2);
    const theirs = join(tmp.dir, 'theirs.fossil');
    copyFileSync(path, theirs);
    fossil(['rebuild', theirs]);
    expect(ours).toEqual(dumpDerivedTables(theirs));
    expect(fossil(['test-integrity', '-R', path]).stdout).toMatch(/checked:\s+0 errors/);
  });
});
