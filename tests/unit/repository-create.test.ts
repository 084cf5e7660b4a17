import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { text, utf8 } from '../../src/fossil/bytes.ts';
import { md5Hex, verifyHash } from '../../src/fossil/hash.ts';
import { initialCheckinArtifact } from '../../src/repo/create.ts';
import { Repository, RepositoryFormatError } from '../../src/repo/repository.ts';
import { FIXED_TAGS } from '../../src/repo/schema.ts';
import { sharedSecret } from '../../src/repo/users.ts';
import { forEachAdapter } from '../helpers/dbs.ts';
import { fossil, haveTool, sqlite, tempDir } from '../helpers/tools.ts';

const hasFossil = haveTool('fossil') && haveTool('sqlite3');
const tmp = tempDir('edgesync-create-');
afterAll(() => tmp.cleanup());
let fileCount = 0;
const newPath = (name: string) => join(tmp.dir, `${++fileCount}-${name}.fossil`);

/** A repository made by `fossil init`, made once per file. */
let reference: string | undefined;
function fossilInitRepo(): string {
  if (!reference) {
    reference = newPath('fossil-init');
    fossil(['init', reference]);
  }
  return reference;
}

const SCHEMA_SQL = 'SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name';

describe('Repository.create', () => {
  it('builds the initial check-in exactly as fossil init shapes it', () => {
    const a = text(initialCheckinArtifact('2024-05-06T07:08:09.123', 'alice'));
    const body =
      'C initial\\sempty\\scheck-in\nD 2024-05-06T07:08:09.123\nR d41d8cd98f00b204e9800998ecf8427e\n' +
      'T *branch * trunk\nT *sym-trunk *\nU alice\n';
    expect(a).toBe(`${body}Z ${md5Hex(utf8(body))}\n`);
    expect(text(initialCheckinArtifact(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)), 'a b'))).toContain(
      'D 2024-01-02T03:04:05.006\n',
    );
    expect(text(initialCheckinArtifact('2024-05-06T07:08:09.123', 'a b'))).toContain('U a\\sb\n');
  });

  forEachAdapter((adapter) => {
    it.runIf(hasFossil)('writes the same schema, tags, users and settings as fossil init', async () => {
      const db = await adapter.open();
      Repository.create(db, { adminUser: 'alice' });
      const ours = newPath(`ours-${adapter.name}`);
      adapter.save(db, ours);
      db.close();
      const theirs = fossilInitRepo();

      expect(sqlite(ours, SCHEMA_SQL)).toBe(sqlite(theirs, SCHEMA_SQL));
      for (const pragma of ['page_size', 'application_id', 'journal_mode', 'encoding', 'auto_vacuum', 'user_version']) {
        expect(sqlite(ours, `PRAGMA ${pragma}`), pragma).toBe(sqlite(theirs, `PRAGMA ${pragma}`));
      }
      // fossil's crosslinking of the initial check-in adds tag 12 (sym-trunk); the fixed rows are ours to make.
      expect(sqlite(ours, 'SELECT * FROM tag ORDER BY tagid')).toBe(sqlite(theirs, 'SELECT * FROM tag WHERE tagid<=11 ORDER BY tagid'));
      expect(sqlite(ours, 'SELECT count(*) FROM tag')).toBe(`${FIXED_TAGS.length}\n`);
      const users =
        'SELECT uid, login, cap, info, typeof(pw), length(pw), cookie, ipaddr, cexpire, mtime, photo, jx FROM user ORDER BY uid';
      expect(sqlite(ours, users)).toBe(sqlite(theirs, users));
      expect(sqlite(ours, "SELECT pw GLOB '*[^0-9A-F]*' FROM user WHERE login='anonymous'")).toBe('0\n');
      const configNames = 'SELECT name, typeof(value), typeof(mtime) FROM config ORDER BY name';
      expect(sqlite(ours, configNames)).toBe(sqlite(theirs, configNames));
      const fixedConfig =
        "SELECT name, value FROM config WHERE name NOT IN ('project-code','server-code') ORDER BY name";
      expect(sqlite(ours, fixedConfig)).toBe(sqlite(theirs, fixedConfig));
      expect(sqlite(ours, 'SELECT * FROM reportfmt')).toBe(sqlite(theirs, 'SELECT * FROM reportfmt'));
      // The same bookkeeping for the one artifact: a receipt, unclustered, not unsent, no phantom.
      const bookkeeping =
        'SELECT (SELECT count(*) FROM blob), (SELECT count(*) FROM rcvfrom), (SELECT uid FROM rcvfrom),' +
        ' (SELECT count(*) FROM unclustered), (SELECT count(*) FROM unsent), (SELECT count(*) FROM phantom),' +
        ' (SELECT rcvid FROM blob), (SELECT size FROM blob)';
      expect(sqlite(ours, bookkeeping)).toBe(sqlite(theirs, bookkeeping));

      const size = statSync(ours).size;
      expect(size).toBeGreaterThanOrEqual(16834);
      expect(size % 512).toBe(0);
      expect(existsSync(`${ours}-wal`)).toBe(false);
    });

    it.runIf(hasFossil)('makes a file that fossil accepts: test-integrity, info, artifact', async () => {
      const db = await adapter.open();
      const repo = Repository.create(db, {
        adminUser: 'alice',
        projectName: 'Test Project',
        projectDescription: 'made by the tests',
        date: '2024-05-06T07:08:09.123',
      });
      const uuid = repo.content.uuidOf(1)!;
      const projectCode = repo.projectCode;
      const file = newPath(`accepted-${adapter.name}`);
      adapter.save(db, file);
      db.close();

      expect(fossil(['test-is-repo', file]).stdout).toMatch(/^yes:/);
      const integrity = fossil(['test-integrity', '-R', file]).stdout;
      expect(integrity).toContain('1 non-phantom blobs (out of 1 total) checked:  0 errors');
      expect(integrity).toContain('low-level database integrity-check: ok');
      expect(fossil(['test-integrity', '--parse', '-R', file]).stdout).toContain('1 manifests');
      const info = fossil(['info', '-R', file]).stdout;
      expect(info).toContain('project-name: Test Project');
      expect(info).toMatch(new RegExp(`project-code: ${projectCode}`));
      const artifact = fossil(['artifact', uuid, '-R', file]).stdout;
      expect(artifact).toContain('C initial\\sempty\\scheck-in\nD 2024-05-06T07:08:09.123\n');
      expect(verifyHash(utf8(artifact), uuid)).toBe(true);
      // A rebuild derives the timeline from the stored check-in.
      fossil(['rebuild', file]);
      expect(fossil(['timeline', '-R', file]).stdout).toContain('initial empty check-in');
    });

    it('stores the admin password in clear text, users added later as shared secrets', async () => {
      const db = await adapter.open();
      const repo = Repository.create(db, { adminUser: 'alice', adminPassword: 'sesame' });
      expect(repo.users.get('alice')).toMatchObject({ uid: 1, pw: 'sesame', cap: 's', info: '', mtime: null });
      expect(repo.users.checkPassword('alice', 'sesame')).toBe(true);
      const uid = repo.users.add('bob', { password: 'bobpw', caps: 'gio', info: 'bob@x' });
      const bob = repo.users.get('bob')!;
      expect(bob).toMatchObject({ uid, cap: 'gio', info: 'bob@x' });
      expect(bob.pw).toBe(sharedSecret(repo.projectCode, 'bob', 'bobpw'));
      expect(bob.mtime).toBeGreaterThan(1_600_000_000);
      expect(repo.users.checkPassword('bob', 'bobpw')).toBe(true);
      expect(repo.users.checkPassword('bob', 'nope')).toBe(false);
      expect(repo.users.checkPassword('nobody', '')).toBe(false);
      repo.users.setCaps('bob', 'gioy');
      expect(repo.users.get('bob')!.cap).toBe('gioy');
      expect(() => repo.users.add('bob')).toThrow(/already exists/);
      expect(() => repo.users.setCaps('carol', 'x')).toThrow(/no such user/);
      expect(repo.users.list().map((u) => u.login)).toEqual(['alice', 'anonymous', 'nobody', 'developer', 'reader', 'bob']);
      db.close();
    });

    it('gives the admin a random 10-character password by default', async () => {
      const db = await adapter.open();
      const repo = Repository.create(db, {});
      const root = repo.users.get('root')!;
      expect(root.pw).toMatch(/^[2-9a-km-zA-HJ-NP-Z]{10}$/);
      expect(new Set(root.pw).size).toBe(10);
      expect(repo.config.projectCode).toMatch(/^[0-9a-f]{40}$/);
      expect(repo.config.serverCode).toMatch(/^[0-9a-f]{40}$/);
      expect(repo.config.projectCode).not.toBe(repo.config.serverCode);
      db.close();
    });

    it('hands the initial check-in to the crosslinker', async () => {
      const db = await adapter.open();
      const seen: [number, string][] = [];
      const repo = Repository.create(db, {
        adminUser: 'alice',
        crosslinker: () => ({ crosslink: (rid, content) => void seen.push([rid, text(content)]) }),
      });
      expect(seen).toHaveLength(1);
      expect(seen[0]![0]).toBe(1);
      expect(seen[0]![1]).toMatch(/^C initial\\sempty\\scheck-in\n/);
      expect(repo.hasCrosslinker).toBe(true);
      db.close();
    });

    it('can skip the initial check-in', async () => {
      const db = await adapter.open();
      const repo = Repository.create(db, { date: null });
      expect(db.value('SELECT count(*) FROM blob')).toBe(0);
      expect(repo.config.get('aux-schema')).toBe('2015-01-24');
      db.close();
    });

    it('refuses to create a repository over existing tables', async () => {
      const db = await adapter.open();
      db.exec('CREATE TABLE x(y)');
      expect(() => Repository.create(db)).toThrow(/already has tables/);
      db.close();
    });

    it('opens what it created and rejects what fossil would reject', async () => {
      const db = await adapter.open();
      Repository.create(db, { adminUser: 'alice' });
      const repo = Repository.open(db);
      expect(repo.content.get(1).length).toBe(repo.content.size(1));
      db.run("UPDATE config SET value='2011-01-01' WHERE name='aux-schema'");
      expect(() => Repository.open(db)).toThrow(/fossil rebuild/);
      db.run("UPDATE config SET value='2015-01-24' WHERE name='aux-schema'");
      db.exec('DROP TABLE plink');
      expect(() => Repository.open(db)).toThrow(/missing table plink/);
      db.close();

      const empty = await adapter.open();
      expect(() => Repository.open(empty)).toThrow(RepositoryFormatError);
      empty.close();
    });
  });
});
