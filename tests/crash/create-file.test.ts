// Creating a repository file that stops half-way (an error here; SIGKILL in kill.test.ts) must
// leave no file at the path: an empty or half-made file would not open, and a retried clone or
// init would refuse to overwrite it.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
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

  it('removes what a killed creation of the same file left (its temporary file and journal)', () => {
    const path = join(tmp.dir, 'killed.fossil');
    // A process that has exited: its pid is free.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const live = process.ppid;
    for (const f of [`killed.fossil.${dead}.new`, `killed.fossil.${dead}.new-journal`, `killed.fossil.${live}.new`]) writeFileSync(join(tmp.dir, f), 'x');
    createRepoFile(path, { date: null }).db.close();
    const left = readdirSync(tmp.dir).filter((n) => n.startsWith('killed.fossil'));
    // A creation still running elsewhere keeps its file.
    expect(left.sort()).toEqual(['killed.fossil', `killed.fossil.${live}.new`]);
  });

  it('refuses to overwrite an existing file', () => {
    const path = join(tmp.dir, 'twice.fossil');
    createRepoFile(path, { date: null }).db.close();
    expect(() => createRepoFile(path)).toThrow(/already exists/);
  });
});
