// The browser's working copy (src/repo/authoring/draft.ts) on both Db adapters: edits, new
// files (binary too), deletions and renames become one check-in that fossil checks out cleanly;
// the draft pins its base on the first change, so a branch that moved makes a visible fork.
import { expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { forEachAdapter } from '../helpers/dbs.ts';
import { fossil, haveTool, sqlite, tempDir } from '../helpers/tools.ts';
import { Repository } from '../../src/repo/repository.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { createCheckin } from '../../src/repo/authoring/checkin.ts';
import { Draft } from '../../src/repo/authoring/draft.ts';
import { AuthoringError } from '../../src/repo/authoring/names.ts';
import { branchTip, tipCheckin } from '../../src/repo/queries/resolve.ts';
import { leaves } from '../../src/repo/queries/branches.ts';
import { filesOfCheckin } from '../../src/repo/checkin-files.ts';
import { forksOf } from '../../src/peer/author.ts';
import { addToOutbox } from '../../src/mesh/outbox.ts';

const hasFossil = haveTool('fossil');
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
const BINARY = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256);

forEachAdapter((adapter) => {
  async function seeded() {
    const repo = Repository.create(await adapter.open(), { adminUser: 'alice', crosslinker: crosslinkerFactory });
    const c1 = createCheckin(repo, { parent: tipCheckin(repo.db)!, comment: 'seed', user: 'alice', files: [
      { name: 'README.md', content: enc('# hello\n') },
      { name: 'src/a.c', content: enc('int a;\n') },
      { name: 'src/b.c', content: enc('int b;\n'), perm: 'x' },
      { name: 'old.txt', content: enc('old\n') },
    ] });
    return { repo, c1 };
  }

  it('edits, adds (binary), deletes and renames; fossil opens the commit with no changes', async () => {
    const { repo, c1 } = await seeded();
    const d = new Draft(repo);
    expect(d.view().base?.rid).toBe(c1.rid);
    d.write('README.md', enc('# hello\nedited in the browser\n'));
    d.write('img/logo.bin', BINARY);
    d.remove('old.txt');
    d.rename('src/b.c', 'src/bee.c');
    d.write('src/bee.c', enc('int bee;\n'));
    d.write('src/a.c', enc('int a;\n')); // same content: no change
    const v = d.view();
    expect(v.changes).toBe(4);
    expect(Object.fromEntries(v.files.map((f) => [f.name, f.status]))).toEqual({
      'README.md': 'edited', 'img/logo.bin': 'added', 'src/a.c': 'unchanged', 'src/bee.c': 'renamed',
    });
    expect(v.files.find((f) => f.name === 'src/bee.c')).toMatchObject({ oldName: 'src/b.c', perm: 'x', size: 9 });
    expect(v.deleted).toEqual(['old.txt']);
    expect(d.read('img/logo.bin')).toEqual(BINARY);

    const c = d.commit({ comment: 'from the browser', user: 'bob' });
    expect(c.branch).toBe('trunk');
    expect(d.view()).toMatchObject({ changes: 0, base: { uuid: c.uuid } });
    const files = filesOfCheckin(repo, c.rid);
    expect(files.map((f) => [f.name, f.perm ?? ''])).toEqual([['README.md', ''], ['img/logo.bin', ''], ['src/a.c', ''], ['src/bee.c', 'x']]);
    expect(() => d.commit({ comment: 'again', user: 'bob' })).toThrow(AuthoringError);

    if (!hasFossil) return;
    // A pending change stays in the file; fossil ignores its table (checks, open and rebuild pass).
    d.write('pending.txt', enc('not committed\n'));
    const tmp = tempDir('edgesync-draft-');
    try {
      const file = join(tmp.dir, 'r.fossil');
      adapter.save(repo.db, file);
      expect(sqlite(file, 'SELECT name FROM edgesync_draft').trim()).toBe('pending.txt');
      const work = join(tmp.dir, 'work');
      mkdirSync(work);
      const out = fossil(['open', file, c.uuid, '--workdir', work], { cwd: work });
      expect(out.stdout + out.stderr).not.toMatch(/checksum|mismatch|warning/i);
      expect(fossil(['changes'], { cwd: work }).stdout.trim()).toBe('');
      expect(existsSync(join(work, 'pending.txt'))).toBe(false);
      expect(readFileSync(join(work, 'img/logo.bin'))).toEqual(Buffer.from(BINARY));
      expect(readFileSync(join(work, 'src/bee.c'), 'utf8')).toBe('int bee;\n');
      expect(fossil(['test-integrity', '-R', file]).stdout).toMatch(/0 errors/);
      // The manifest records the rename (F card with the old name), as fossil's mv does.
      expect(fossil(['artifact', c.uuid, '-R', file]).stdout).toMatch(/^F src\/bee\.c [0-9a-f]{40,64} x src\/b\.c$/m);
      expect(fossil(['finfo', 'src/bee.c'], { cwd: work }).stdout).toMatch(/from the browser/);
      fossil(['close'], { cwd: work });
      fossil(['rebuild', '-R', file]);
      expect(fossil(['test-integrity', '-R', file]).stdout).toMatch(/0 errors/);
    } finally {
      tmp.cleanup();
    }
  });

  it('survives reopening; reverts and discards; a new branch', async () => {
    const { repo } = await seeded();
    new Draft(repo).write('notes.txt', enc('kept\n'));
    const again = new Draft(repo);
    expect(dec(again.read('notes.txt'))).toBe('kept\n');
    again.remove('README.md');
    again.revert('README.md');
    expect(again.view().files.find((f) => f.name === 'README.md')?.status).toBe('unchanged');
    const c = again.commit({ comment: 'on a branch', user: 'bob', branch: 'feature' });
    expect(c.branch).toBe('feature');
    expect(branchTip(repo.db, 'feature')).toBe(c.rid);
    expect(again.view().branch).toBe('feature');
    again.write('x.txt', enc('x'));
    again.discard();
    expect(again.view().changes).toBe(0);
    expect(() => again.rename('missing', 'b')).toThrow(AuthoringError);
    expect(() => again.write('../escape', enc('x'))).toThrow(AuthoringError);
  });

  it('follows the branch while unchanged; pinned by a change, a moved branch forks and both leaves stay', async () => {
    const { repo, c1 } = await seeded();
    const d = new Draft(repo);
    const same = (rid: number) => filesOfCheckin(repo, rid).map((f) => ({ name: f.name, uuid: f.uuid!, perm: f.perm }));
    const other = createCheckin(repo, { parent: c1.rid, comment: 'meanwhile', user: 'carol', files: [...same(c1.rid), { name: 'm.txt', content: enc('m\n') }] });
    expect(d.view().base?.rid).toBe(other.rid); // nothing changed yet: follows the tip
    d.write('mine.txt', enc('mine\n'));
    const theirs = createCheckin(repo, { parent: other.rid, comment: 'theirs', user: 'carol', files: [...same(other.rid), { name: 'carol.txt', content: enc('carol\n') }] });
    const v = d.view();
    expect(v.base?.rid).toBe(other.rid);
    expect(v.branchMovedTo).toBe(theirs.uuid);
    const mine = d.commit({ comment: 'mine', user: 'bob' });
    const trunkLeaves = leaves(repo.db).filter((l) => l.branch === 'trunk').map((l) => l.uuid).sort();
    expect(trunkLeaves).toEqual([mine.uuid, theirs.uuid].sort());
    // The banner is for forks this browser's own writes are part of (those in its outbox).
    expect(forksOf(repo)).toEqual([]);
    addToOutbox(repo, [mine.uuid]);
    expect(forksOf(repo)).toEqual([{ branch: 'trunk', leaves: expect.arrayContaining([expect.objectContaining({ uuid: mine.uuid, user: 'bob', mine: true }), expect.objectContaining({ uuid: theirs.uuid, user: 'carol', mine: false })]) }]);
    expect(() => d.start({ branch: 'nope' })).toThrow(AuthoringError);
    // Starting from an older check-in pins it, even with no change yet.
    d.start({ checkin: c1.rid });
    expect(d.view()).toMatchObject({ base: { rid: c1.rid }, branch: 'trunk', branchMovedTo: expect.any(String) });
    d.start({ branch: 'trunk' });
    expect(d.view().base?.rid).toBe(branchTip(repo.db, 'trunk'));
    d.write('y.txt', enc('y'));
    expect(() => d.start({ branch: 'trunk' })).toThrow(/pending changes/);
  });
});
