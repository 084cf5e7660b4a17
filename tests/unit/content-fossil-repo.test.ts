import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uncompressBlob } from '../../src/fossil/blob-codec.ts';
import { verifyHash } from '../../src/fossil/hash.ts';
import { Repository } from '../../src/repo/repository.ts';
import { forEachAdapter } from '../helpers/dbs.ts';
import { fossilFixture } from '../helpers/fossil-fixture.ts';
import { fossil, haveTool, sqlite, tempDir } from '../helpers/tools.ts';

const hasFossil = haveTool('fossil') && haveTool('sqlite3');
const tmp = tempDir('edgesync-fossil-repo-');
afterAll(() => tmp.cleanup());

/** A repository with one file edited over many commits, so fossil stores long delta chains. */
function buildHistoryRepo(): string {
  const repo = join(tmp.dir, 'history.fossil');
  const wd = join(tmp.dir, 'wd');
  mkdirSync(wd);
  const f = (...args: string[]) => fossil(args, { cwd: wd });
  fossil(['init', '-A', 'alice', repo]);
  f('open', repo);
  f('settings', 'autosync', 'off');
  f('settings', 'mtime-changes', 'off');
  const lines = Array.from({ length: 200 }, (_, i) => `line ${i}: some text that stays the same between commits`);
  for (let c = 0; c < 12; c++) {
    lines[(c * 17) % lines.length] = `line changed in commit ${c}`;
    writeFileSync(join(wd, 'file.txt'), `${lines.join('\n')}\n`);
    writeFileSync(join(wd, `new-${c}.txt`), `file added in commit ${c}\n`.repeat(10));
    if (c === 0) f('add', 'file.txt');
    f('add', `new-${c}.txt`);
    f('commit', '--no-warnings', '-m', `commit ${c}`);
  }
  f('close');
  return repo;
}

describe.runIf(hasFossil)('reading repositories made by fossil', () => {
  let history: string;
  let fixture: string;
  beforeAll(() => {
    history = buildHistoryRepo();
    fixture = fossilFixture().path;
  });

  forEachAdapter((adapter) => {
    for (const which of ['history', 'fixture'] as const) {
      it(`reads every blob of the ${which} repository with hashes and sizes verified`, async () => {
        const path = which === 'history' ? history : fixture;
        const db = await adapter.load(path);
        const repo = Repository.open(db);
        const rows = db.all<{ rid: number; uuid: string; size: number }>('SELECT rid, uuid, size FROM blob ORDER BY rid');
        const deltas = db.value<number>('SELECT count(*) FROM delta')!;
        expect(deltas).toBeGreaterThan(0);
        if (which === 'history') {
          // The edited file forms a chain several links deep.
          const depth = db.value<number>(
            'WITH RECURSIVE up(rid, n) AS (SELECT rid, 0 FROM delta UNION ALL SELECT d.srcid, n+1 FROM up JOIN delta d ON d.rid=up.rid) SELECT max(n) FROM up',
          )!;
          expect(depth).toBeGreaterThanOrEqual(5);
        }
        let checked = 0;
        for (const { rid, uuid, size } of rows) {
          if (size < 0) {
            expect(repo.content.tryGet(rid)).toBeNull();
            continue;
          }
          const content = repo.content.get(rid);
          expect(content.length, `size of rid ${rid}`).toBe(size);
          expect(verifyHash(content, uuid), `hash of rid ${rid}`).toBe(true);
          checked++;
        }
        expect(checked).toBeGreaterThan(10);
        // Again from the database alone, newest first (the longest walks).
        repo.content.clearCache();
        for (const { rid, uuid, size } of [...rows].reverse()) {
          if (size >= 0) expect(verifyHash(repo.content.get(rid), uuid)).toBe(true);
        }
        // The stored form is what fossil wrote.
        const some = rows.find((r) => r.size >= 0)!;
        const hex = sqlite(path, `SELECT hex(content) FROM blob WHERE rid=${some.rid}`).trim();
        expect(Buffer.from(repo.content.stored(some.rid)!.content).toString('hex').toUpperCase()).toBe(hex);
        expect(uncompressBlob(repo.content.stored(some.rid)!.content).length).toBeGreaterThan(0);
        db.close();
      });
    }

    it('adds content to a fossil-made repository that fossil then accepts', async () => {
      const db = await adapter.load(history);
      const repo = Repository.open(db);
      const lastFile = db.value<number>(
        "SELECT max(b.rid) FROM blob b JOIN delta d ON d.rid=b.rid",
      )!;
      const text = new TextDecoder().decode(repo.content.get(lastFile));
      const { rid } = db.transaction(() => repo.content.put(new TextEncoder().encode(`${text}one more line\n`)));
      expect(repo.content.deltify(rid, lastFile)).toBeGreaterThan(0);
      const out = join(tmp.dir, `extended-${adapter.name}.fossil`);
      adapter.save(db, out);
      db.close();
      const integrity = fossil(['test-integrity', '-R', out]).stdout;
      expect(integrity).toMatch(/checked: {2}0 errors/);
      expect(integrity).toContain('integrity-check: ok');
    });
  });
});
