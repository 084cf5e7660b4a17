/**
 * `edgesync git mirror` of the large real-history repository (the benchmark one) against
 * `git fsck`, fossil's checkouts of a sample of 300 check-ins, and `fossil git export` of the same
 * file (every commit the same hash, every ref the same). It takes a long while, so it only runs
 * when BENCH_REPO names the repository:
 * BENCH_REPO=/path/to/repo.fossil npx vitest run tests/interop/git-export-large.test.ts
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { edgesyncAsync } from '../helpers/cli.ts';
import { commitsByCheckin, FossilCheckout, git, gitTree, refs, treeDifferences } from '../helpers/git-export-checks.ts';
import { fossilAsync } from '../helpers/servers.ts';
import { haveTool, sqlite, tempDir } from '../helpers/tools.ts';

const source = process.env.BENCH_REPO;
const SAMPLE = 300;

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
    const commits = commitsByCheckin(ours);
    expect(commits.size).toBe(checkins.length);
    const branches = sqlite(repo, "SELECT DISTINCT value FROM tagxref WHERE tagid=(SELECT tagid FROM tag WHERE tagname='branch') AND tagtype>0 AND rid NOT IN (SELECT rid FROM private)", { readonly: true })
      .split('\n').filter(Boolean);
    const heads = [...refs(ours).keys()].filter((n) => n.startsWith('refs/heads/'));
    expect(heads.length).toBe(new Set(branches.map((b) => (b === 'trunk' ? 'master' : b))).size);

    // fossil's export, into a repository made first (so fossil skips its final repack).
    const mirror = join(tmp.dir, 'fossil-mirror');
    execFileSync('git', ['init', '-q', mirror]);
    await fossilAsync(['git', 'export', mirror, '-R', repo, '--quiet']);
    const theirs = commitsByCheckin(join(mirror, '.git'));
    const differing = [...commits].filter(([k, c]) => theirs.get(k)?.hash !== c.hash).map(([k]) => k);
    expect(differing.slice(0, 10), `${differing.length} check-ins give other commits than fossil's`).toEqual([]);
    expect(theirs.size).toBe(commits.size);
    expect(refs(ours)).toEqual(refs(join(mirror, '.git')));

    const co = new FossilCheckout(repo, join(tmp.dir, 'co'));
    const step = Math.max(1, Math.floor(checkins.length / SAMPLE));
    const sample = checkins.filter((_, i) => i % step === 0).slice(0, SAMPLE);
    for (const checkin of sample) {
      expect(treeDifferences(gitTree(ours, commits.get(checkin)!.hash), co.tree(checkin)), `check-in ${checkin}`).toEqual([]);
    }
  });
});
