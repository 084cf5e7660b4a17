// `edgesync git import` against `git fast-export --all | fossil import --git`: a history built
// with the real git, imported both ways, must give the same check-ins (trees, comments, users,
// parents), the same branches and tags; fossil finds ours sound and its rebuild changes nothing.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgesync } from '../helpers/cli.ts';
import { differingTables, dumpDerivedTables } from '../helpers/derived-tables.ts';
import { checkinsOf, fossilArtifact, fossilImport, fossilJson, GitRepo } from '../helpers/git-history.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';

const hasTools = haveTool('fossil') && haveTool('git');
const tmp = tempDir('edgesync-gitimp-');
afterAll(() => tmp.cleanup());

/** Bytes no text encoding survives: every byte value, NULs included. */
const BINARY = Uint8Array.from({ length: 600 }, (_, i) => (i * 37 + (i >> 3)) & 255);

/** A tag artifact as a file's content: both importers must keep it from becoming a tag. */
const TAG_BODY = 'D 2020-01-01T00:00:00\nT +sym-sneaky 0000000000000000000000000000000000000000\nU eve\n';
const ARTIFACT_LIKE = `${TAG_BODY}Z ${createHash('md5').update(TAG_BODY).digest('hex')}\n`;

function buildHistory(dir: string): GitRepo {
  const g = GitRepo.init(dir);
  g.write('README.md', '# project\n');
  g.write('run.sh', '#!/bin/sh\necho hi\n', 0o755);
  g.symlink('latest', 'README.md');
  g.write('data/blob.bin', BINARY);
  g.write('doomed.txt', 'deleted later\n');
  g.write('dir with space/file name.txt', 'spaces\n');
  g.write('ünïcode.txt', 'utf-8 name\n');
  g.write('looks-like-a-tag.txt', ARTIFACT_LIKE);
  g.commit('Initial import\n\nA body that spans\nseveral lines.', { author: ['Bob Writer', 'bob@example.com'], committer: ['Carol Committer', 'carol@example.com'] });

  g.git('checkout', '-q', '-b', 'feature');
  g.write('src/lib.c', 'int f(void) { return 1; }\n');
  g.git('mv', 'README.md', 'README.txt');
  g.commit('Feature: add lib, rename README');
  g.write('run.sh', '#!/bin/sh\necho feature\n', 0o644);
  g.commit('Feature: run.sh is no longer executable');

  g.git('checkout', '-q', 'master');
  g.write('CHANGES', 'one\n');
  g.commit('master: changes file');
  g.git('tag', 'light-1');
  g.gitAs({}, 'merge', '-q', '--no-ff', '-m', 'Merge feature\n\nwith a second paragraph', 'feature');
  g.gitAs({ committer: ['Tagger T', 'tagger@example.com'] }, 'tag', '-a', 'v1.0', '-m', 'Release 1.0\n\nNotes here.');
  g.git('rm', '-q', 'doomed.txt');
  g.write('data/blob.bin', BINARY.slice(100));
  g.commit('Delete doomed.txt, shorten the blob');

  g.git('checkout', '-q', '-b', 'side/topic', 'light-1');
  g.symlink('latest', 'CHANGES');
  g.commit('side topic: repoint the link');
  g.gitAs({}, 'tag', '-a', 'topic-done', '-m', 'topic tagged');
  g.git('checkout', '-q', 'master');
  return g;
}

function fileNames(dir: string): string[] {
  return readdirSync(dir).sort();
}

describe.skipIf(!hasTools)('edgesync git import', () => {
  const g = buildHistory(join(tmp.dir, 'git'));
  const ours = join(tmp.dir, 'ours.fossil');
  const theirs = join(tmp.dir, 'theirs.fossil');
  beforeAll(() => {
    edgesync(['git', 'import', g.dir, ours]);
  });

  it('makes the check-ins, trees, branches and tags fossil import --git makes', () => {
    fossilImport(g, theirs);
    const a = checkinsOf(ours);
    const b = checkinsOf(theirs);
    expect(a.length).toBe(Number(g.git('rev-list', '--all', '--count').trim()));
    // Everything fossil reads back is the same: comments, users, times, parents, tags, trees.
    expect(a).toEqual(b);
    // The same artifacts, hash for hash (check-ins, tags, files).
    const uuids = (f: string) => fossilJson<{ uuid: string }>(f, 'SELECT uuid FROM blob ORDER BY uuid').map((r) => r.uuid);
    expect(uuids(ours)).toEqual(uuids(theirs));
    // And every derived table (timeline, plinks, mlinks, tags, leaves) equals what fossil's import leaves.
    expect(differingTables(dumpDerivedTables(ours), dumpDerivedTables(theirs))).toEqual([]);
    const branchesAndTags = (f: string) => fossilJson<{ n: string }>(f, "SELECT tagname AS n FROM tag WHERE tagname GLOB 'sym-*' ORDER BY 1").map((r) => r.n);
    expect(branchesAndTags(ours)).toEqual(branchesAndTags(theirs));
    expect(branchesAndTags(ours)).toEqual(expect.arrayContaining(['sym-trunk', 'sym-master', 'sym-feature', 'sym-side/topic', 'sym-v1.0', 'sym-topic-done']));

    const initial = a.find((c) => c.comment.startsWith('Initial import'))!;
    expect(initial.comment).toBe('Initial import\n\nA body that spans\nseveral lines.');
    expect(initial.user).toBe('carol@example.com');
    expect(initial.parents).toEqual([]);
    const merge = a.find((c) => c.comment.startsWith('Merge feature'))!;
    expect(merge.parents).toHaveLength(2);
  });

  it('stores what git has: contents, exec bits, symlinks, renames and deletions', () => {
    for (const ref of ['master', 'feature', 'side/topic']) {
      const tipComment = g.git('log', '-1', '--format=%B', ref).replace(/\n+$/, '');
      const checkin = checkinsOf(ours).find((c) => c.comment === tipComment)!;
      expect(checkin, ref).toBeDefined();
      const gitFiles = g.git('ls-tree', '-r', '-z', ref).split('\0').filter(Boolean).map((line) => {
        const [meta, name] = line.split('\t') as [string, string];
        const [mode, , sha] = meta.split(' ') as [string, string, string];
        return { name, mode, sha };
      });
      expect(checkin.files.map((f) => f.name)).toEqual(gitFiles.map((f) => f.name).sort());
      for (const f of gitFiles) {
        const mine = checkin.files.find((x) => x.name === f.name)!;
        expect(mine.perm, f.name).toBe(f.mode === '100755' ? 'x' : f.mode === '120000' ? 'l' : null);
        const gitBytes = execFileSync('git', ['-C', g.dir, 'cat-file', 'blob', f.sha]);
        const fossilBytes = fossilArtifact(ours, mine.uuid);
        if (f.name === 'looks-like-a-tag.txt') {
          // Both importers add a line so that the file is not read as a tag artifact.
          expect(fossilBytes.subarray(0, gitBytes.length).equals(gitBytes)).toBe(true);
          expect(fossilBytes.toString()).toContain('# Remove this line');
        } else {
          expect(fossilBytes.equals(gitBytes), f.name).toBe(true);
        }
      }
    }
    const master = checkinsOf(ours).find((c) => c.comment.startsWith('Delete doomed'))!;
    expect(master.files.map((f) => f.name)).not.toContain('doomed.txt');
    expect(master.files.map((f) => f.name)).toEqual(expect.arrayContaining(['README.txt', 'src/lib.c']));
    expect(fossilJson(ours, "SELECT 1 FROM tag WHERE tagname='sym-sneaky'")).toEqual([]);
  });

  it('reads the same stream from stdin', () => {
    const viaStdin = join(tmp.dir, 'stdin.fossil');
    edgesync(['git', 'import', '-', viaStdin], { input: g.fastExport() });
    expect(checkinsOf(viaStdin)).toEqual(checkinsOf(ours));
  });

  it('follows renames and copies the same way when git reports them (fast-export -M -C)', () => {
    const stream = g.fastExport('-M', '-C');
    expect(stream.toString('latin1')).toMatch(/^R README\.md README\.txt$/m);
    const mine = join(tmp.dir, 'renames.fossil');
    const fossils = join(tmp.dir, 'renames-fossil.fossil');
    edgesync(['git', 'import', '-', mine], { input: stream });
    const r = fossil(['import', '--git', fossils], { input: stream });
    expect(r.status).toBe(0);
    expect(checkinsOf(mine)).toEqual(checkinsOf(fossils));
    expect(checkinsOf(mine)).toEqual(checkinsOf(ours));
  });

  it('renames as fossil does: --rename-master, --rename-branch, --rename-tag, --rename-trunk', () => {
    const opts = ['--rename-master', 'trunk', '--rename-branch', 'git-%', '--rename-tag', 'v-%-tag', '--rename-trunk', 'main'];
    const mine = join(tmp.dir, 'renamed.fossil');
    const fossils = join(tmp.dir, 'renamed-fossil.fossil');
    edgesync(['git', 'import', ...opts, g.dir, mine]);
    expect(fossil(['import', '--git', ...opts, fossils], { input: g.fastExport() }).status).toBe(0);
    const mineCheckins = checkinsOf(mine);
    expect(mineCheckins).toEqual(checkinsOf(fossils));
    const tags = new Set(mineCheckins.flatMap((c) => c.tags.map((t) => t.split('=')[0])));
    expect([...tags]).toEqual(expect.arrayContaining(['sym-main', 'sym-git-trunk', 'sym-git-feature', 'sym-v-v1.0-tag']));
    const setting = (f: string) => fossilJson<{ v: string }>(f, "SELECT value AS v FROM config WHERE name='main-branch'");
    expect(setting(mine)).toEqual(setting(fossils));
  });

  it('passes fossil test-integrity, and fossil rebuild changes no derived table', () => {
    const r = fossil(['test-integrity', '-R', ours]);
    expect(r.stdout).toMatch(/ 0 errors/);
    expect(r.stdout).toMatch(/integrity-check: ok/);
    const before = dumpDerivedTables(ours);
    const copy = join(tmp.dir, 'rebuilt.fossil');
    copyFileSync(ours, copy);
    fossil(['rebuild', copy]);
    const after = dumpDerivedTables(copy);
    expect(differingTables(before, after)).toEqual([]);
    expect(after).toEqual(before);
  });

  it('imports incrementally: only the new commits are added, and the result equals a full import', () => {
    const h = GitRepo.init(join(tmp.dir, 'git-inc'));
    h.write('a.txt', 'a\n');
    h.commit('first');
    h.git('checkout', '-q', '-b', 'dev');
    h.write('b.txt', 'b\n', 0o755);
    h.commit('dev work');
    h.git('checkout', '-q', 'master');
    h.write('a.txt', 'a2\n');
    h.commit('master work');
    const inc = join(tmp.dir, 'inc.fossil');
    const fossilInc = join(tmp.dir, 'fossil-inc.fossil');
    edgesync(['git', 'import', h.dir, inc]);
    fossilImport(h, fossilInc);
    const ridsBefore = fossilJson<{ rid: number; uuid: string }>(inc, 'SELECT rid, uuid FROM blob ORDER BY rid');
    const checkinsBefore = checkinsOf(inc).map((c) => c.uuid);
    expect(checkinsBefore).toHaveLength(3);

    h.gitAs({}, 'merge', '-q', '--no-ff', '-m', 'merge dev', 'dev');
    h.git('tag', '-a', 'rel', '-m', 'released');
    h.git('checkout', '-q', '-b', 'later', 'dev');
    h.write('c.txt', 'c\n');
    h.commit('later work');
    h.git('checkout', '-q', 'master');

    const r = edgesync(['git', 'import', '--incremental', h.dir, inc, '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ commits: 5, checkins: 5 });
    fossilImport(h, fossilInc, true);

    // What was there keeps its rows; exactly the two new commits became check-ins.
    const ridsAfter = fossilJson<{ rid: number; uuid: string }>(inc, 'SELECT rid, uuid FROM blob ORDER BY rid');
    expect(ridsAfter.slice(0, ridsBefore.length)).toEqual(ridsBefore);
    const checkinsAfter = checkinsOf(inc);
    expect(checkinsAfter.filter((c) => !checkinsBefore.includes(c.uuid)).map((c) => c.comment).sort()).toEqual(['later work', 'merge dev']);
    // The same as fossil's incremental import, and as a full import of the whole history.
    expect(checkinsAfter).toEqual(checkinsOf(fossilInc));
    expect(differingTables(dumpDerivedTables(inc), dumpDerivedTables(fossilInc))).toEqual([]);
    const full = join(tmp.dir, 'full.fossil');
    edgesync(['git', 'import', h.dir, full]);
    expect(checkinsOf(full)).toEqual(checkinsAfter);
    const uuids = (f: string) => fossilJson<{ uuid: string }>(f, 'SELECT uuid FROM blob ORDER BY uuid').map((x) => x.uuid);
    expect(uuids(inc)).toEqual(uuids(full));
    expect(differingTables(dumpDerivedTables(inc), dumpDerivedTables(full))).toEqual([]);
    expect(fossil(['test-integrity', '-R', inc]).stdout).toMatch(/ 0 errors/);

    // Importing the same history again adds nothing.
    const again = edgesync(['git', 'import', '-i', h.dir, inc, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ newArtifacts: 0, checkins: 5 });
    expect(fossilJson(inc, 'SELECT rid, uuid FROM blob ORDER BY rid')).toEqual(ridsAfter);
  });

  describe('bad input', () => {
    const stream = g.fastExport();
    const withDone = g.fastExport('--use-done-feature');

    function expectRefused(input: Uint8Array | string, pattern: RegExp): void {
      const dir = join(tmp.dir, `bad-${Math.random().toString(36).slice(2)}`);
      execFileSync('mkdir', ['-p', dir]);
      const file = join(dir, 'bad.fossil');
      const r = edgesync(['git', 'import', '-', file], { input, allowFail: true });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).toContain('[bad-input]');
      // Nothing is left behind: no file, no temporary file.
      expect(existsSync(file)).toBe(false);
      expect(fileNames(dir)).toEqual([]);
    }

    it('refuses a stream cut inside a data block', () => {
      const at = stream.indexOf('data ', stream.length / 2) + 12;
      expectRefused(stream.subarray(0, at), /ends inside a data block/);
    });

    it('refuses a stream cut inside a line', () => {
      const at = stream.indexOf('\ncommit ', stream.length / 3) + 5;
      expectRefused(stream.subarray(0, at), /ends inside line/);
    });

    it('refuses a stream announcing `done` that ends before it', () => {
      const at = withDone.lastIndexOf('\ncommit ') + 1;
      expectRefused(withDone.subarray(0, at), /ends before its `done`/);
    });

    it('refuses garbage', () => {
      expectRefused('this is not\na fast-export stream\n', /bad fast-export line 1: \[this is not\]/);
      expectRefused(BINARY, /bad fast-export line|ends inside line/);
    });

    it('refuses a commit without a committer', () => {
      expectRefused('commit refs/heads/master\nmark :1\ndata 2\nhi\n\n', /has no committer/);
    });

    it('leaves an existing repository as it was when an incremental import fails', () => {
      const file = join(tmp.dir, 'keep.fossil');
      copyFileSync(ours, file);
      const before = fossilJson(file, 'SELECT rid, uuid FROM blob ORDER BY rid');
      const extra = Buffer.concat([stream, Buffer.from('commit refs/heads/new\nmark :9999\ncommitter X <x@y> 1700000000 +0000\ndata 50\nnew c')]);
      const r = edgesync(['git', 'import', '-i', '-', file], { input: extra, allowFail: true });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/ends inside a data block.*\[bad-input\]/);
      expect(fossilJson(file, 'SELECT rid, uuid FROM blob ORDER BY rid')).toEqual(before);
      expect(fossil(['test-integrity', '-R', file]).stdout).toMatch(/ 0 errors/);
      expect(fileNames(tmp.dir).filter((n) => n.startsWith('keep.fossil'))).toEqual(['keep.fossil']);
    });

    it('says so when GITDIR is not a git repository, and makes no file', () => {
      const file = join(tmp.dir, 'nogit.fossil');
      const r = edgesync(['git', 'import', tmp.dir + '/no-such-dir', file], { allowFail: true });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/git fast-export .* failed/);
      expect(existsSync(file)).toBe(false);
    });
  });
});
