// `edgesync git export` on the fossil fixture (branches, merges, a cherry-pick, renames, deletions,
// exec bits, tags set and cancelled, amended comments and users, a private branch), plus a
// symlink, awkward file names and a user with an e-mail address: real `git fast-import` takes the
// stream, `git fsck` passes, every commit's tree is fossil's own checkout of its check-in, and the
// result is the very repository `fossil git export` makes (same commit hashes, so the same trees,
// messages, authors, dates and parents). Then an incremental export with marks.
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgesync } from '../helpers/cli.ts';
import { copyFixture } from '../helpers/fossil-fixture.ts';
import {
  commitsByCheckin, feedStream, FossilCheckout, git, gitTree, importStream, refs, treeDifferences,
} from '../helpers/git-export-checks.ts';
import { fossil, haveTool, sqlite, tempDir } from '../helpers/tools.ts';

const ready = haveTool('fossil') && haveTool('git');
const tmp = tempDir('edgesync-git-export-');
afterAll(() => tmp.cleanup());

const at = (name: string) => join(tmp.dir, name);

function commitCount(stream: Buffer): number {
  return stream.toString('latin1').split('\n').filter((l) => l.startsWith('commit ')).length;
}

/** The public check-ins of a repository, asked of SQLite directly. */
function publicCheckins(repo: string): string[] {
  return sqlite(repo, "SELECT uuid FROM event JOIN blob ON rid=objid WHERE type='ci' AND objid NOT IN (SELECT rid FROM private) ORDER BY uuid", { readonly: true })
    .split('\n').filter(Boolean);
}

/** `fossil git export` into a new mirror (a non-bare repository, as fossil makes it): its .git. */
function fossilGitExport(repo: string, mirror: string): string {
  fossil(['git', 'export', mirror, '-R', repo, '--quiet']);
  return join(mirror, '.git');
}

describe.runIf(ready)('git export against git and fossil git export', () => {
  let repo: string;
  let wd: string;

  beforeAll(() => {
    repo = copyFixture(at('repo.fossil'));
    wd = at('wd');
    fossil(['user', 'new', 'carol', 'Carol "CC" Carlson <carol@example.com> (tester)', 'pw', '-R', repo]);
    fossil(['user', 'new', 'dave', 'dave at home, no address', 'pw', '-R', repo]);
    fossil(['settings', 'allow-symlinks', 'on', '-R', repo]);
    mkdirSync(wd);
    fossil(['open', '--force', '--nosync', repo, 'trunk'], { cwd: wd });
    symlinkSync('README.md', join(wd, 'link-to-readme'));
    writeFileSync(join(wd, 'we"ird name.txt'), 'a file with a quote and a space in its name\n');
    writeFileSync(join(wd, 'tool.py'), '#!/usr/bin/env python3\n');
    chmodSync(join(wd, 'tool.py'), 0o755);
    fossil(['add', 'link-to-readme', 'we"ird name.txt', 'tool.py'], { cwd: wd });
    fossil(['commit', '--no-warnings', '--nosync', '--user-override', 'carol', '-m', 'A symlink and names to quote', '--date-override', '2024-04-01T08:30:15'], { cwd: wd });
    writeFileSync(join(wd, 'tool.py'), '#!/usr/bin/env python3\nprint(1)\n');
    fossil(['commit', '--no-warnings', '--nosync', '--user-override', 'dave', '-m', 'By a user without an address', '--date-override', '2024-04-02T08:30:15.999'], { cwd: wd });
    fossil(['tag', 'add', 'release/2.0', 'tip'], { cwd: wd });
  });

  it('git fast-import takes the stream, git fsck passes, and commits, branches and tags are the repository\'s', () => {
    const out = edgesync(['git', 'export', '-R', repo]);
    const ours = at('ours.git');
    importStream(ours, out.stdoutBytes);
    git(ours, ['fsck', '--strict', '--no-dangling']);

    const checkins = publicCheckins(repo);
    const commits = commitsByCheckin(ours);
    expect([...commits.keys()].sort()).toEqual(checkins);
    expect(commitCount(out.stdoutBytes)).toBe(checkins.length);

    const branches = sqlite(repo, "SELECT DISTINCT value FROM tagxref WHERE tagid=(SELECT tagid FROM tag WHERE tagname='branch') AND tagtype>0 AND rid NOT IN (SELECT rid FROM private)", { readonly: true })
      .split('\n').filter(Boolean).map((b) => (b === 'trunk' ? 'master' : b)).sort();
    const tags = sqlite(repo, "SELECT DISTINCT substr(tagname,5) FROM tagxref JOIN tag USING(tagid) WHERE tagname GLOB 'sym-*' AND tagtype=1 AND rid IN (SELECT objid FROM event WHERE type='ci')", { readonly: true })
      .split('\n').filter(Boolean).map((t) => t.replace(/["']/g, '_')).sort();
    const names = [...refs(ours).keys()];
    expect(names.filter((r) => r.startsWith('refs/heads/')).map((r) => r.slice(11)).sort()).toEqual(branches);
    expect(names.filter((r) => r.startsWith('refs/tags/')).map((r) => r.slice(10)).sort()).toEqual(tags);
    expect(tags).toContain('release/2.0');
    expect(tags).toContain('reviewed');

    // The user with contact info, and the one without an address in it.
    const carol = [...commits.values()].find((c) => c.message.startsWith('A symlink'))!;
    expect(carol.committer).toMatch(/^carol <carol@example.com> \d+$/);
    const dave = [...commits.values()].find((c) => c.message.startsWith('By a user'))!;
    expect(dave.committer).toMatch(/^dave <dave at home, no address> \d+$/);
    expect(dave.committer.endsWith(String(Date.UTC(2024, 3, 2, 8, 30, 15) / 1000))).toBe(true);
  });

  it('every commit\'s tree is fossil\'s checkout of its check-in: names, modes, contents, symlinks', () => {
    const ours = at('ours.git');
    const co = new FossilCheckout(repo, at('co'));
    const commits = commitsByCheckin(ours);
    let symlinks = 0;
    let executables = 0;
    for (const [checkin, c] of commits) {
      const want = co.tree(checkin);
      const got = gitTree(ours, c.hash);
      expect(treeDifferences(got, want), `check-in ${checkin}`).toEqual([]);
      for (const v of got.values()) {
        if (v.startsWith('120000')) symlinks++;
        if (v.startsWith('100755')) executables++;
      }
    }
    expect(symlinks).toBeGreaterThan(0);
    expect(executables).toBeGreaterThan(0);
  });

  it('is the repository fossil git export makes: the same commits (trees, messages, authors, dates, parents) and refs', () => {
    const theirs = fossilGitExport(repo, at('fossil-mirror'));
    const ours = at('ours.git');
    const a = commitsByCheckin(ours);
    const b = commitsByCheckin(theirs);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [checkin, c] of a) {
      const f = b.get(checkin)!;
      expect({ ...c, hash: '', parents: c.parents.map((p) => p.length) }).toEqual({ ...f, hash: '', parents: f.parents.map((p) => p.length) });
      expect(git(ours, ['rev-parse', `${c.hash}^{tree}`])).toBe(git(theirs, ['rev-parse', `${f.hash}^{tree}`]));
      expect(c.hash, `check-in ${checkin}`).toBe(f.hash);
    }
    expect(refs(ours)).toEqual(refs(theirs));
  });

  it('with marks, a second export writes only the new check-ins, and git ends where fossil git export does', () => {
    const marks = at('edgesync.marks');
    const gitMarks = at('git.marks');
    const inc = at('incremental.git');
    const first = edgesync(['git', 'export', '-R', repo, '--marks', marks]).stdoutBytes;
    importStream(inc, first, gitMarks);
    expect(commitCount(first)).toBe(publicCheckins(repo).length);

    const again = edgesync(['git', 'export', '-R', repo, '--marks', marks]).stdoutBytes;
    expect(commitCount(again)).toBe(0);

    writeFileSync(join(wd, 'tool.py'), '#!/usr/bin/env python3\nprint(2)\n');
    fossil(['commit', '--no-warnings', '--nosync', '-m', 'After the first export', '--date-override', '2024-05-01T00:00:00'], { cwd: wd });
    writeFileSync(join(wd, 'new.txt'), 'new\n');
    fossil(['add', 'new.txt'], { cwd: wd });
    fossil(['commit', '--no-warnings', '--nosync', '-m', 'On a new branch', '--branch', 'later', '--date-override', '2024-05-02T00:00:00'], { cwd: wd });
    fossil(['tag', 'add', 'v3', 'tip'], { cwd: wd });

    const second = edgesync(['git', 'export', '-R', repo, '--marks', marks]).stdoutBytes;
    expect(commitCount(second)).toBe(2);
    // Only the two new files' contents, not any written before.
    expect(second.toString('latin1').split('\n').filter((l) => l === 'blob')).toHaveLength(2);
    feedStream(inc, second, gitMarks);
    git(inc, ['fsck', '--strict', '--no-dangling']);

    const theirs = fossilGitExport(repo, at('fossil-mirror'));
    expect(refs(inc)).toEqual(refs(theirs));
    expect([...commitsByCheckin(inc).keys()].sort()).toEqual(publicCheckins(repo));
    expect(readFileSync(marks, 'utf8')).toMatch(/^r refs\/tags\/v3 :\d+$/m);
  });
});
