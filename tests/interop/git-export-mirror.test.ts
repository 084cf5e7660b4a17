// The Git mirror kept live: `edgesync serve --git-mirror` follows check-ins pushed to it by stock
// fossil over HTTP (a `fossil commit` with autosync to its /xfer), with `git` fetching nothing:
// the new commit simply appears in the bare mirror. `git mirror` on its own, twice, changes
// nothing the second time; and with no `git` on PATH, both say so and stop.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { edgesync } from '../helpers/cli.ts';
import { commitsByCheckin, git, refs } from '../helpers/git-export-checks.ts';
import { fossilRepoWithCheckin } from '../helpers/fossil-repo.ts';
import { startHubCli } from '../helpers/hub-cli.ts';
import { fossilAsync, startEdgesyncServer, type RunningServer } from '../helpers/servers.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';

const ready = haveTool('fossil') && haveTool('git');
const tmp = tempDir('edgesync-git-mirror-');
let server: RunningServer | undefined;
afterAll(async () => {
  await server?.stop();
  tmp.cleanup();
});

const at = (name: string) => join(tmp.dir, name);

/** Wait until fn holds (no time limit of its own: the test's timeout is the limit). */
async function until(fn: () => boolean): Promise<void> {
  while (!fn()) await new Promise((r) => setTimeout(r, 200));
}

function tipMessage(gitDir: string): string {
  try {
    return git(gitDir, ['log', '-1', '--format=%B', 'refs/heads/master']);
  } catch {
    return ''; // not made yet
  }
}

describe.runIf(ready)('a Git mirror kept up to date', () => {
  it('git mirror makes the bare repository, and a second run finds nothing to do', () => {
    const repo = at('one.fossil');
    const { tip } = fossilRepoWithCheckin(repo, 'a.txt');
    const gitDir = at('one.git');
    const first = edgesync(['git', 'mirror', '-R', repo, gitDir]);
    expect(first.stdout).toMatch(/created, 2 commits/);
    expect(git(gitDir, ['rev-parse', '--is-bare-repository']).trim()).toBe('true');
    expect(git(gitDir, ['symbolic-ref', 'HEAD']).trim()).toBe('refs/heads/master');
    expect(commitsByCheckin(gitDir).has(tip)).toBe(true);
    const before = refs(gitDir);
    expect(edgesync(['git', 'mirror', '-R', repo, gitDir]).stdout).toMatch(/up to date/);
    expect(refs(gitDir)).toEqual(before);
    git(gitDir, ['fsck', '--strict', '--no-dangling']);
  });

  it('a check-in fossil commits with autosync to serve --git-mirror appears in the mirror', { timeout: 120_000 }, async () => {
    const repo = at('served.fossil');
    const { tip } = fossilRepoWithCheckin(repo, 'first.txt');
    // Anyone may push here: the fossil client's autosync then needs no saved password.
    fossil(['user', 'capabilities', 'nobody', 'gio', '-R', repo]);
    const gitDir = at('served.git');
    server = await startEdgesyncServer(repo, ['--git-mirror', gitDir]);
    // The mirror catches up with what the repository held when the server started.
    await until(() => tipMessage(gitDir).includes(tip));

    const clone = at('clone.fossil');
    await fossilAsync(['clone', `http://127.0.0.1:${server.port}/`, clone]);
    const wd = at('wd');
    mkdirSync(wd);
    fossil(['open', clone], { cwd: wd });
    fossil(['settings', 'autosync', 'on'], { cwd: wd });
    writeFileSync(join(wd, 'pushed.txt'), 'pushed by fossil commit\n');
    fossil(['add', 'pushed.txt'], { cwd: wd });
    await fossilAsync(['commit', '--no-warnings', '-m', 'pushed with autosync'], { cwd: wd });
    const pushed = fossil(['timeline', '-t', 'ci', '-n', '1', '-F', '%H'], { cwd: wd }).stdout.split('\n')[0]!.trim();
    await until(() => tipMessage(gitDir).includes(pushed));

    const commits = commitsByCheckin(gitDir);
    expect(commits.get(pushed)!.message).toMatch(/^pushed with autosync\n/);
    expect(commits.get(pushed)!.parents).toEqual([commits.get(tip)!.hash]);
    expect(git(gitDir, ['show', `refs/heads/master:pushed.txt`])).toBe('pushed by fossil commit\n');
    git(gitDir, ['fsck', '--strict', '--no-dangling']);
    // The server says what it did once the update is over (git has the commit a moment before).
    await until(() => /git mirror served: .*served.git: 1 commit, 1 ref updated/.test(server!.output()));
  });

  it('serving several repositories, each has its mirror GITDIR/NAME.git, and a check-in fossil writes into a file reaches its own', { timeout: 120_000 }, async () => {
    const dir = at('many');
    mkdirSync(dir);
    const a = fossilRepoWithCheckin(join(dir, 'alpha.fossil'), 'a.txt');
    const b = fossilRepoWithCheckin(join(dir, 'beta.fossil'), 'b.txt');
    const gitDir = at('mirrors');
    const srv = await startEdgesyncServer(dir, ['--git-mirror', gitDir]);
    try {
      await until(() => tipMessage(join(gitDir, 'alpha.git')).includes(a.tip) && tipMessage(join(gitDir, 'beta.git')).includes(b.tip));
      // Stock fossil commits into beta's file while it is served: no push at all.
      const wd = at('beta-wd');
      mkdirSync(wd);
      fossil(['open', '--nosync', join(dir, 'beta.fossil')], { cwd: wd });
      writeFileSync(join(wd, 'c.txt'), 'written by fossil commit\n');
      fossil(['add', 'c.txt'], { cwd: wd });
      fossil(['commit', '--nosync', '--no-warnings', '-m', 'committed into the served file'], { cwd: wd });
      const c = fossil(['timeline', '-t', 'ci', '-n', '1', '-F', '%H'], { cwd: wd }).stdout.split('\n')[0]!.trim();
      await until(() => tipMessage(join(gitDir, 'beta.git')).includes(c));
      expect(commitsByCheckin(join(gitDir, 'alpha.git')).has(c)).toBe(false);
      expect(commitsByCheckin(join(gitDir, 'beta.git')).size).toBe(3);
    } finally {
      await srv.stop();
    }
  });

  it.runIf(haveTool('nats-server'))('hub --git-mirror: a mirror per served repository, following a check-in written into its file', { timeout: 240_000 }, async () => {
    const dir = at('hub-repos');
    mkdirSync(dir);
    const a = fossilRepoWithCheckin(join(dir, 'one.fossil'), 'one.txt');
    const b = fossilRepoWithCheckin(join(dir, 'two.fossil'), 'two.txt');
    const gitDir = at('hub-mirrors');
    const hub = await startHubCli(at('hub'), [join(dir, 'one.fossil'), join(dir, 'two.fossil')], ['--git-mirror', gitDir]);
    try {
      await until(() => tipMessage(join(gitDir, 'one.git')).includes(a.tip) && tipMessage(join(gitDir, 'two.git')).includes(b.tip));
      const wd = at('hub-wd');
      mkdirSync(wd);
      fossil(['open', '--nosync', join(dir, 'one.fossil')], { cwd: wd });
      writeFileSync(join(wd, 'more.txt'), 'more\n');
      fossil(['add', 'more.txt'], { cwd: wd });
      fossil(['commit', '--nosync', '--no-warnings', '-m', 'while the hub serves it'], { cwd: wd });
      const c = fossil(['timeline', '-t', 'ci', '-n', '1', '-F', '%H'], { cwd: wd }).stdout.split('\n')[0]!.trim();
      await until(() => tipMessage(join(gitDir, 'one.git')).includes(c));
      expect(commitsByCheckin(join(gitDir, 'two.git')).has(c)).toBe(false);
    } finally {
      await hub.stop();
    }
  });

  it('without git, git mirror and serve --git-mirror say that git is missing', () => {
    const repo = at('nogit.fossil');
    fossilRepoWithCheckin(repo, 'x.txt');
    const env = { PATH: at('empty-bin') };
    mkdirSync(env.PATH);
    const r = edgesync(['git', 'mirror', '-R', repo, at('nogit.git')], { env, allowFail: true });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/git is not installed \(or not on PATH\)/);
    const s = edgesync(['serve', '-R', repo, '--http', '127.0.0.1:0', '--git-mirror', at('nogit.git')], { env, allowFail: true });
    expect(s.status).toBe(1);
    expect(s.stderr).toMatch(/git is not installed/);
    // The export itself needs no git.
    expect(edgesync(['git', 'export', '-R', repo], { env }).stdout).toMatch(/^commit refs\/heads\/master$/m);
  });
});
