// Creating a repository file that stops half-way (an error here; SIGKILL in kill.test.ts) must
// leave no file at the path: an empty or half-made file would not open, and a retried clone or
// init would refuse to overwrite it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRepoFile, MIN_REPOSITORY_FILE_SIZE, openRepoFile } from '../../src/repo/node-files.ts';
import { tempDir } from '../helpers/tools.ts';

const tmp = tempDir('edgesync-create-');
afterAll(() => tmp.cleanup());

describe('creating a repository file', () => {
  it('a creation that fails half-way (after the schema, inside the first transaction) leaves nothing behind', () => {
    const path = join(tmp.dir, 'failed.fossil');
    expect(() => createRepoFile(path, { date: 'not a date' })).toThrow(/unrecognized date/);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(tmp.dir)).toEqual([]);
    // And the same path can then be created and opened.
    createRepoFile(path, { date: null }).db.close();
    expect(statSync(path).size).toBeGreaterThanOrEqual(MIN_REPOSITORY_FILE_SIZE);
    const repo = openRepoFile(path);
    expect(repo.projectCode).toMatch(/^[0-9a-f]{40}$/);
    repo.db.close();
    expect(readdirSync(tmp.dir)).toEqual(['failed.fossil']);
  });

  it('refuses to overwrite an existing file', () => {
    const path = join(tmp.dir, 'twice.fossil');
    createRepoFile(path, { date: null }).db.close();
    expect(() => createRepoFile(path)).toThrow(/already exists/);
  });
});
