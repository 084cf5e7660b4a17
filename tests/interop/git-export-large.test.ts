/**
 * `edgesync git mirror` of the large real-history repository (the benchmark one) against
 * `git fsck`, fossil's checkouts of a sample of 300 check-ins, and `fossil git export` of the same
 * file (every check-in's commit the same hash, by both mirrors' marks; every ref the same). It
 * takes a long while, so it only runs when BENCH_REPO names the repository:
 * BENCH_REPO=/path/to/repo.fossil npx vitest run tests/interop/git-export-large.test.ts
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { edgesyncAsync } from '../helpers/cli.ts';
import { commitsByCheckin, FossilCheckout, git, gitTree, refs, treeDifferences } from '../helpers/git-export-checks.ts';
import { fossilAsync } from '../helpers/servers.ts';
import { haveTool, sqlite, tempDir } from '../helpers/tools.ts';

const source = process.env.BENCH_REPO;
const SAMPLE = 300;

/** check-in hash → commit, every check-in the mirror wrote (its marks and git's, side by side). */
function commitsByMarks(gitDir: string): Map<string, string> {
  const commitOfMark = new Map<string, string>();
  for (const line of readFileSync(join(gitDir, 'edgesync.git-marks'), 'utf8').split('\n')) {
    const [mark, hash] = line.split(' ');
    if (mark && hash) commitOfMark.set(mark, hash);
  }
  const out = new Map<string, string>();
  for (const line of readFileSync(join(gitDir, 'edgesync.marks'), 'utf8').split('\n')) {
    const [kind, mark, uuid] = line.split(' ');
    if (kind === 'c' && mark && uuid) out.set(uuid, commitOfMark.get(mark) ?? `no commit for ${mark}`);
  }
  return out;
}

describe.runIf(source !== undefined && haveTool('fossil') && haveTool('git'))('git export of a large repository', () => {
  const tmp = tempDir('edgesync-git-export-large-');
  afterAll(() => tmp.cleanup());

  it('is what fossil git export makes, passes git fsck, and 300 check-ins\' trees are fossil\'s checkouts', { timeout: 4 * 60 * 60_000 }, async () => {
    const repo = join(tmp.dir, 'repo.fossil');
    copyFileSync(source!, repo);
    const ours = join(tmp.dir, 'ours.git');
    const r = await edgesyncAsync(['git', 'mirror', '-R', repo, ours]);
    expect(r.status, r.stderr).toBe(0);
    git(ours, ['fsck', '--strict', '--no-dangling', '--no-progress']);

    const checkins = sqlite(repo, "SELECT blob.uuid FROM event JOIN blob ON rid=objid WHERE type='ci' AND objid NOT IN (SELECT rid FROM private) ORDER BY mtime, objid", { readonly: true })
      .split('\n').filter(Boolean);
    // Every check-in is a commit. The refs' history holds fewer: a fork's leaf that is neither a
    // branch's newest check-in nor tagged is on no ref (in fossil's mirror neither).
    const ourCommits = commitsByMarks(ours);
    expect(ourCommits.size).toBe(checkins.length);
    expect(checkins.filter((c) => !ourCommits.has(c)).slice(0, 10)).toEqual([]);
    const types = git(ours, ['cat-file', '--batch-check=%(objecttype)'], `${[...ourCommits.values()].join('\n')}\n`).split('\n').filter(Boolean);
    expect(types.length).toBe(checkins.length);
    expect(types.filter((t) => t !== 'commit').slice(0, 10)).toEqual([]);
    const commits = commitsByCheckin(ours);
    expect([...commits].filter(([k, c]) => ourCommits.get(k) !== c.hash).map(([k]) => k).slice(0, 10)).toEqual([]);
    const branches = sqlite(repo, "SELECT DISTINCT value FROM tagxref WHERE tagid=(SELECT tagid FROM tag WHERE tagname='branch') AND tagtype>0 AND rid NOT IN (SELECT rid FROM private)", { readonly: true })
      .split('\n').filter(Boolean);
    const heads = [...refs(ours).keys()].filter((n) => n.startsWith('refs/heads/'));
    expect(heads.length).toBe(new Set(branches.map((b) => (b === 'trunk' ? 'master' : b))).size);

    // fossil's export, into a repository made first (so fossil skips its final repack).
    const mirror = join(tmp.dir, 'fossil-mirror');
    execFileSync('git', ['init', '-q', mirror]);
    await fossilAsync(['git', 'export', mirror, '-R', repo, '--quiet']);
    // fossil's marks: check-in hash → commit (isfile 0), every check-in it wrote.
    const theirCommits = new Map(
      sqlite(join(mirror, '.mirror_state', 'db'), 'SELECT uuid, githash FROM mmark WHERE NOT isfile', { readonly: true })
        .split('\n').filter(Boolean).map((l) => l.split('|') as [string, string]),
    );
    expect(theirCommits.size).toBe(checkins.length);
    const differing = checkins.filter((k) => theirCommits.get(k) !== ourCommits.get(k));
    expect(differing.slice(0, 10), `${differing.length} check-ins give other commits than fossil's`).toEqual([]);
    const theirs = commitsByCheckin(join(mirror, '.git'));
    expect(theirs.size).toBe(commits.size);
    expect(refs(ours)).toEqual(refs(join(mirror, '.git')));

    const co = new FossilCheckout(repo, join(tmp.dir, 'co'));
    const step = Math.max(1, Math.floor(checkins.length / SAMPLE));
    const sample = checkins.filter((_, i) => i % step === 0).slice(0, SAMPLE);
    for (const checkin of sample) {
      expect(treeDifferences(gitTree(ours, ourCommits.get(checkin)!), co.tree(checkin)), `check-in ${checkin}`).toEqual([]);
    }
  });
});
