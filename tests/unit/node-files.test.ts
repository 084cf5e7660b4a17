import { copyFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRepoFile, openRepoFile } from '../../src/repo/node-files.ts';
import { RepositoryFormatError } from '../../src/repo/repository.ts';
import { fossil, haveTool, sqlite, tempDir } from '../helpers/tools.ts';

const hasFossil = haveTool('fossil') && haveTool('sqlite3');
const tmp = tempDir('edgesync-files-');
afterAll(() => tmp.cleanup());

describe('repository files on disk', () => {
  it.runIf(hasFossil)('creates a file fossil opens, in rollback-journal mode with nothing beside it', () => {
    const path = join(tmp.dir, 'new.fossil');
    const repo = createRepoFile(path, { adminUser: 'alice', projectName: 'On Disk' });
    const projectCode = repo.projectCode;
    repo.db.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(existsSync(`${path}-journal`)).toBe(false);
    const size = statSync(path).size;
    expect(size).toBeGreaterThanOrEqual(16834);
    expect(size % 512).toBe(0);
    expect(sqlite(path, 'PRAGMA journal_mode').trim()).toBe('delete');
    expect(fossil(['test-integrity', '-R', path]).stdout).toContain('0 errors');
    expect(fossil(['info', '-R', path]).stdout).toContain(`project-code: ${projectCode}`);

    const again = openRepoFile(path);
    expect(again.config.projectName).toBe('On Disk');
    again.db.close();
    expect(() => createRepoFile(path)).toThrow(/already exists/);
  });

  it.runIf(hasFossil)('opens a repository fossil made', () => {
    const path = join(tmp.dir, 'by-fossil.fossil');
    fossil(['init', '-A', 'alice', path]);
    const repo = openRepoFile(path, { readonly: true });
    expect(repo.users.get('alice')!.cap).toBe('s');
    expect(repo.content.get(1).length).toBe(repo.content.size(1));
    repo.db.close();
  });

  it('a file a killed writer left with a hot journal opens to read, rolled back to before the write', () => {
    const path = join(tmp.dir, 'killed.fossil');
    const repo = createRepoFile(path, { adminUser: 'alice', projectName: 'Before' });
    // A writer whose changes spilled into the file before it died: copy file and journal then.
    repo.db.exec('PRAGMA cache_size=1');
    repo.db.exec('BEGIN IMMEDIATE');
    repo.config.set('project-name', 'During');
    repo.db.exec('CREATE TABLE filler(x)');
    for (let i = 0; i < 200; i++) repo.db.run('INSERT INTO filler VALUES(?)', 'x'.repeat(2000));
    const copy = join(tmp.dir, 'killed-copy.fossil');
    copyFileSync(path, copy);
    copyFileSync(`${path}-journal`, `${copy}-journal`);
    repo.db.exec('ROLLBACK');
    repo.db.close();
    expect(statSync(`${copy}-journal`).size).toBeGreaterThan(0);

    const read = openRepoFile(copy, { readonly: true });
    expect(read.config.projectName).toBe('Before');
    expect(read.db.value("SELECT count(*) FROM sqlite_schema WHERE name='filler'")).toBe(0);
    read.db.close();
    expect(existsSync(`${copy}-journal`)).toBe(false);
  });

  it('rejects files fossil would not open', () => {
    expect(() => openRepoFile(join(tmp.dir, 'missing.fossil'))).toThrow(/does not exist/);
    const small = join(tmp.dir, 'small.fossil');
    writeFileSync(small, 'not a database');
    expect(() => openRepoFile(small)).toThrow(RepositoryFormatError);
    const junk = join(tmp.dir, 'junk.fossil');
    writeFileSync(junk, new Uint8Array(32768).fill(7));
    expect(() => openRepoFile(junk)).toThrow(/not a valid repository/);
  });
});
