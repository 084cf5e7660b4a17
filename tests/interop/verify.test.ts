/** verifyRepo on a sound repository and on one with a damaged artifact. */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/better-sqlite3.ts';
import { compressBlob } from '../../src/fossil/blob-codec.ts';
import { utf8 } from '../../src/fossil/bytes.ts';
import { Repository } from '../../src/repo/repository.ts';
import { verifyRepo } from '../../src/repo/verify.ts';
import { copyFixture } from '../helpers/fossil-fixture.ts';
import { haveTool, tempDir } from '../helpers/tools.ts';

const hasFossil = haveTool('fossil');

describe.runIf(hasFossil)('verifyRepo', () => {
  const tmp = tempDir('edgesync-verify-');
  afterAll(() => tmp.cleanup());

  const open = (name: string) => {
    const db = openNodeDb(copyFixture(join(tmp.dir, name)));
    return { db, repo: Repository.open(db) };
  };

  it('passes on the fixture, checking every artifact that is not a phantom', () => {
    const { db, repo } = open('sound.fossil');
    const stored = db.value<number>('SELECT count(*) FROM blob WHERE size>=0')!;
    const progress: number[] = [];
    const result = verifyRepo(repo, { onProgress: (p) => progress.push(p.done) });
    db.close();
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.checked).toBe(stored);
    expect(progress.at(-1)).toBe(stored);
  });

  it('names an artifact whose content no longer matches its hash', () => {
    const { db, repo } = open('wrong-content.fossil');
    const victim = db.get<{ rid: number; uuid: string; size: number }>(
      'SELECT rid, uuid, size FROM blob WHERE size>0 AND rid NOT IN (SELECT rid FROM delta) ORDER BY rid LIMIT 1',
    )!;
    const forged = new Uint8Array(victim.size).fill(0x41);
    db.run('UPDATE blob SET content=? WHERE rid=?', compressBlob(forged), victim.rid);
    const result = verifyRepo(repo);
    db.close();
    expect(result.ok).toBe(false);
    expect(result.problems).toContain(
      `wrong hash on artifact ${victim.uuid.slice(0, 16)} (${victim.rid}): content does not hash to its name`,
    );
  });

  it('reports a size that disagrees with the content', () => {
    const { db, repo } = open('wrong-size.fossil');
    const victim = db.get<{ rid: number; uuid: string; size: number }>(
      'SELECT rid, uuid, size FROM blob WHERE size>0 ORDER BY rid DESC LIMIT 1',
    )!;
    db.run('UPDATE blob SET size=size+1 WHERE rid=?', victim.rid);
    const result = verifyRepo(repo);
    db.close();
    expect(result.problems).toEqual([
      `size mismatch on artifact ${victim.uuid.slice(0, 16)} (${victim.rid}): recorded ${victim.size + 1}, content has ${victim.size}`,
    ]);
  });

  it('reports a damaged delta and everything stored as a delta of it', () => {
    const { db, repo } = open('bad-delta.fossil');
    const victim = db.get<{ rid: number; uuid: string }>(
      'SELECT rid, (SELECT uuid FROM blob WHERE rid=delta.rid) AS uuid FROM delta ORDER BY rid LIMIT 1',
    )!;
    db.run('UPDATE blob SET content=? WHERE rid=?', compressBlob(utf8('not a delta')), victim.rid);
    const result = verifyRepo(repo);
    db.close();
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatch(new RegExp(`^cannot expand artifact ${victim.uuid.slice(0, 16)} \\(${victim.rid}\\): `));
  });

  it('reports a public artifact stored as a delta of a private one', () => {
    const { db, repo } = open('exposed.fossil');
    const pair = db.get<{ rid: number; srcid: number }>('SELECT rid, srcid FROM delta ORDER BY rid LIMIT 1')!;
    db.run('INSERT OR IGNORE INTO private(rid) VALUES(?)', pair.srcid);
    db.run('DELETE FROM private WHERE rid=?', pair.rid);
    const result = verifyRepo(repo);
    db.close();
    expect(result.problems.some((p) => p.startsWith('public artifact ') && p.includes(`(${pair.rid}) is a delta from private artifact`))).toBe(true);
  });
});
