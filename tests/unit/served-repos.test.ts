// A directory of repositories served as fossil's --repolist serves one: which files are taken
// (only once they hold still, never with a writer's journal beside them, never another kind of
// file), which are dropped (gone, or replaced by another file), and the served set that `serve`
// and `hub` build on it: hooks run for those there and those that come, and undone when they go.
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoDirChanges, repoNameOf, type RepoFileState } from '../../src/cli/repo-dir.ts';
import { ServedRepos } from '../../src/cli/served-repos.ts';
import { createRepository } from '../../src/cli/repo-access.ts';
import { tempDir } from '../helpers/tools.ts';

const tmp = tempDir('edgesync-served-');
afterAll(() => tmp.cleanup());

const file = (name: string, over: Partial<RepoFileState> = {}): RepoFileState => ({
  name, path: `/d/${name}.fossil`, size: 4096, mtimeMs: 1000, ino: 7, busy: false, ...over,
});

describe('repoDirChanges', () => {
  it('takes a file only on its second look with the same size, time and inode', () => {
    const served = new Map<string, number>();
    expect(repoDirChanges([], [file('a')], served).added).toEqual([]);
    expect(repoDirChanges([file('a')], [file('a')], served).added.map((f) => f.name)).toEqual(['a']);
    expect(repoDirChanges([file('a', { size: 2048 })], [file('a')], served).added).toEqual([]);
    expect(repoDirChanges([file('a', { mtimeMs: 999 })], [file('a')], served).added).toEqual([]);
  });

  it('waits while a writer journal lies beside it, and never takes an empty file', () => {
    const served = new Map<string, number>();
    expect(repoDirChanges([file('a', { busy: true })], [file('a', { busy: true })], served).added).toEqual([]);
    expect(repoDirChanges([file('a', { size: 0 })], [file('a', { size: 0 })], served).added).toEqual([]);
  });

  it('drops what is gone, and takes a replaced file again once it holds still', () => {
    const served = new Map([['a', 7], ['b', 8]]);
    const gone = repoDirChanges([file('a'), file('b', { ino: 8 })], [file('a')], served);
    expect(gone).toEqual({ added: [], removed: ['b'] });
    const replaced = repoDirChanges([file('a', { ino: 9 })], [file('a', { ino: 9 })], new Map([['a', 7]]));
    expect(replaced.removed).toEqual(['a']);
    expect(replaced.added.map((f) => f.ino)).toEqual([9]);
  });

  it('names repositories as routes: NAME.fossil only, no hidden files', () => {
    expect(repoNameOf('proj.fossil')).toBe('proj');
    expect(repoNameOf('my.proj.fossil')).toBe('my.proj');
    expect(repoNameOf('.hidden.fossil')).toBeUndefined();
    expect(repoNameOf('proj.fossil-journal')).toBeUndefined();
    expect(repoNameOf('notes.txt')).toBeUndefined();
  });
});

/** Wait until check() holds (no time limit: the suite's own timeout is the bound). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

describe('ServedRepos over a directory', () => {
  it('serves the files there and those that come, drops those that go, and leaves other files alone', async () => {
    const dir = join(tmp.dir, 'repos');
    const spare = join(tmp.dir, 'spare');
    mkdirSync(dir);
    mkdirSync(spare);
    createRepository(join(dir, 'one.fossil'), { adminUser: 'u' }).db.close();
    const two = createRepository(join(spare, 'two.fossil'), { adminUser: 'u' });
    const twoCode = two.projectCode;
    two.db.close();
    writeFileSync(join(dir, 'notes.txt'), 'not a repository\n');

    const log: string[] = [];
    const events: string[] = [];
    const served = new ServedRepos((l) => log.push(l));
    await served.addDir(dir, 40);
    expect(served.list().map((r) => r.name)).toEqual(['one']);
    await served.serveWith(async (r) => {
      events.push(`start ${r.name}`);
      return async () => void events.push(`stop ${r.name}`);
    });
    expect(events).toEqual(['start one']);

    // Copied in under another name, then renamed into place (as a careful operator does).
    copyFileSync(join(spare, 'two.fossil'), join(dir, 'two.tmp'));
    renameSync(join(dir, 'two.tmp'), join(dir, 'two.fossil'));
    await until(() => served.get('two') !== undefined);
    expect(served.get('two')!.repo.projectCode).toBe(twoCode);
    expect(events).toEqual(['start one', 'start two']);

    // Something that is not a repository is reported once and not served.
    writeFileSync(join(dir, 'junk.fossil'), 'not sqlite at all, just text that is long enough\n'.repeat(100));
    await until(() => log.some((l) => l.includes('junk.fossil')));
    expect(served.get('junk')).toBeUndefined();

    rmSync(join(dir, 'one.fossil'));
    await until(() => served.get('one') === undefined);
    expect(events).toEqual(['start one', 'start two', 'stop one']);

    await served.close();
    expect(events).toEqual(['start one', 'start two', 'stop one', 'stop two']);
    expect(log.filter((l) => l.includes('junk.fossil'))).toHaveLength(1);
  });

  it('files named on the command line clash by name and are never dropped by a directory', async () => {
    const dir = join(tmp.dir, 'clash');
    mkdirSync(dir);
    const named = join(tmp.dir, 'same.fossil');
    createRepository(named, { adminUser: 'u' }).db.close();
    createRepository(join(dir, 'same.fossil'), { adminUser: 'u' }).db.close();
    const log: string[] = [];
    const served = new ServedRepos((l) => log.push(l));
    served.addFile(named);
    await served.addDir(dir, 40);
    expect(served.get('same')!.path).toBe(named);
    expect(log.some((l) => l.includes('already served as same'))).toBe(true);
    rmSync(join(dir, 'same.fossil'));
    await new Promise((r) => setTimeout(r, 200));
    expect(served.get('same')!.path).toBe(named);
    expect(() => served.addFile(join(tmp.dir, 'missing.fossil'))).toThrow(/repository not found/);
    await served.close();
  });
});
