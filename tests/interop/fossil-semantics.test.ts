// Where edgesync and fossil 2.21 used to differ, the same operations in twin repositories (copies
// of one file), one by fossil and one by edgesync, with the results compared: manifests, private
// sets, wiki markup, tags, what fossil's update/open/clone say. (Ticket order is checked in
// ticket-history-order.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { edgesync } from '../helpers/cli.ts';
import { startEdgesyncServer, startFossilServer } from '../helpers/servers.ts';
import { artifactSet, expectIntegrity } from '../helpers/sync-fixtures.ts';
import { fossil, haveTool, sqlite, tempDir } from '../helpers/tools.ts';

const hasFossil = haveTool('fossil');
const tmp = tempDir('edgesync-semantics-');
afterAll(() => tmp.cleanup());
const d = (p: string) => join(tmp.dir, p);

/** A fresh repository with one check-in of a.txt, and its twin. */
function twins(name: string): [string, string] {
  const a = d(`${name}-fossil.fossil`);
  fossil(['init', a]);
  const co = d(`${name}-init`);
  mkdirSync(co);
  fossil(['open', a, '--nosync'], { cwd: co });
  writeFileSync(join(co, 'a.txt'), 'a\n');
  fossil(['add', 'a.txt'], { cwd: co });
  fossil(['commit', '--nosync', '--no-warnings', '--allow-older', '-m', 'first', '--date-override', '2030-01-01 10:00:00'], { cwd: co });
  fossil(['close', '--force'], { cwd: co });
  const b = d(`${name}-ours.fossil`);
  copyFileSync(a, b);
  return [a, b];
}

/** fossil commit in a checkout of repo (opened at `at`, default the tip). */
function fossilCommit(repo: string, dir: string, files: Record<string, string>, args: string[], at?: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  fossil(['open', repo, ...(at ? [at] : []), '--nosync', '--force'], { cwd: dir });
  for (const [n, t] of Object.entries(files)) {
    writeFileSync(join(dir, n), t);
    fossil(['add', n], { cwd: dir });
  }
  const out = fossil(['commit', '--nosync', '--no-warnings', '--allow-older', ...args], { cwd: dir }).stdout;
  fossil(['close', '--force'], { cwd: dir });
  return /New_Version: ([0-9a-f]+)/.exec(out)![1]!;
}

function ourCommit(repo: string, dir: string, files: Record<string, string>, args: string[]): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  for (const [n, t] of Object.entries(files)) writeFileSync(join(dir, n), t);
  return JSON.parse(edgesync(['commit', '-R', repo, '--dir', dir, '--json', ...args, ...Object.keys(files)]).stdout).uuid as string;
}

const privateSet = (repo: string) => sqlite(repo, 'SELECT uuid FROM blob JOIN private USING(rid) ORDER BY uuid').split('\n').filter(Boolean);

describe.skipIf(!hasFossil)('fossil semantics, in twin repositories', () => {
  beforeAll(() => mkdirSync(tmp.dir, { recursive: true }));

  it('1: a private check-in starts branch "private" (coloured), and its descendants stay private', () => {
    const [theirs, ours] = twins('private');
    const when = ['--date-override', '2030-01-02 10:00:00'];
    const f1 = fossilCommit(theirs, d('p-co1'), { 'secret.txt': 'secret\n' }, ['--private', '--user-override', 'alice', '-m', 'private work', ...when]);
    const o1 = ourCommit(ours, d('p-w1'), { 'secret.txt': 'secret\n' }, ['--private', '--user', 'alice', '-m', 'private work', '--date', '2030-01-02 10:00:00']);
    // The same manifest, byte for byte: same branch, colour, cancelled trunk tag, R and Z cards.
    expect(o1).toBe(f1);
    expect(fossil(['artifact', f1, '-R', ours]).stdout).toContain('T *bgcolor * #fec084\nT *branch * private\n');
    // A plain commit on top of the private one is private too, in both.
    const when2 = ['--date-override', '2030-01-03 10:00:00'];
    const f2 = fossilCommit(theirs, d('p-co2'), { 'more.txt': 'more\n' }, ['--user-override', 'alice', '-m', 'more', ...when2], f1);
    const o2 = ourCommit(ours, d('p-w2'), { 'more.txt': 'more\n' }, ['--user', 'alice', '-m', 'more', '--date', '2030-01-03 10:00:00', '--parent', o1]);
    expect(o2).toBe(f2);
    expect(privateSet(ours)).toEqual(privateSet(theirs));
    expect(privateSet(ours)).toContain(o2);
    // fossil checks the private child out with all its content.
    const co = d('p-open');
    mkdirSync(co);
    fossil(['open', ours, o2, '--nosync'], { cwd: co });
    expect(readFileSync(join(co, 'more.txt'), 'utf8')).toBe('more\n');
    fossil(['close', '--force'], { cwd: co });
    expectIntegrity(ours);
  });

  it('2: wiki put without a markup keeps the page\'s (fossil wiki commit does)', () => {
    const [theirs, ours] = twins('wiki');
    writeFileSync(d('one.md'), '# one\n');
    writeFileSync(d('two.md'), '# two\n');
    fossil(['wiki', 'create', 'Notes', d('one.md'), '--mimetype', 'text/x-markdown', '-R', theirs]);
    fossil(['wiki', 'commit', 'Notes', d('two.md'), '-R', theirs]);
    edgesync(['wiki', '-R', ours, 'put', 'Notes', '--mimetype', 'text/x-markdown', '--user', 'alice'], { input: '# one\n' });
    edgesync(['wiki', '-R', ours, 'put', 'Notes', '--user', 'alice'], { input: '# two\n' });
    for (const repo of [theirs, ours]) {
      const json = JSON.parse(edgesync(['wiki', '-R', repo, 'get', 'Notes', '--json']).stdout) as { mimetype: string; text: string };
      expect(json).toMatchObject({ mimetype: 'text/x-markdown', text: '# two\n' });
    }
  });

  it('3: a commit on top of a check-in holding a file name with a TAB works (only new names are judged)', () => {
    const [theirs] = twins('tab');
    const tabbed = fossilCommit(theirs, d('t-co'), { 'odd\tname.txt': 'tabbed\n' }, ['-m', 'a tab in a name']);
    const uuid = ourCommit(theirs, d('t-w'), { 'plain.txt': 'plain\n' }, ['-m', 'unrelated', '--user', 'alice', '--parent', tabbed]);
    const co = d('t-open');
    mkdirSync(co);
    const opened = fossil(['open', theirs, uuid, '--nosync'], { cwd: co });
    expect(opened.stdout + opened.stderr).not.toMatch(/checksum|missing/i);
    expect(readFileSync(join(co, 'odd\tname.txt'), 'utf8')).toBe('tabbed\n');
    expect(fossil(['changes'], { cwd: co }).stdout.trim()).toBe('');
    fossil(['close', '--force'], { cwd: co });
  });

  it('4: under hash policy shun-sha1 a server and a pull drop SHA1 artifacts, as fossil does', async () => {
    // Twin servers that shun SHA1, and a clone of them whose new artifacts are named by SHA1.
    const theirs = d('shun-fossil.fossil');
    fossil(['init', theirs]);
    fossil(['user', 'new', 'bob', 'bob@x', 'bobpw', '-R', theirs]);
    fossil(['user', 'capabilities', 'bob', 'gio', '-R', theirs]);
    const client = d('shun-client.fossil');
    fossil(['clone', `file://${theirs}`, client]);
    fossil(['hash-policy', 'sha1', '-R', client]);
    fossilCommit(client, d('s-co'), { 'old.txt': 'named by sha1\n' }, ['-m', 'sha1 era']);
    const sha1 = artifactSet(client).filter((u) => u.length === 40);
    expect(sha1.length).toBeGreaterThan(0);
    fossil(['hash-policy', 'shun-sha1', '-R', theirs]);
    const ours = d('shun-ours.fossil');
    copyFileSync(theirs, ours);
    const fs = await startFossilServer(theirs);
    const es = await startEdgesyncServer(ours);
    try {
      for (const url of [fs.url, es.url]) fossil(['push', url.replace('//', '//bob:bobpw@'), '-R', client], { allowFail: true });
    } finally {
      await fs.stop();
      await es.stop();
    }
    expect(artifactSet(ours).filter((u) => u.length === 40)).toEqual(artifactSet(theirs).filter((u) => u.length === 40));
    expect(artifactSet(ours).filter((u) => sha1.includes(u))).toEqual([]);
    // A pull into a repository that shuns SHA1 keeps none of them either (fossil pull neither).
    const puller = d('shun-puller.fossil');
    const fpuller = d('shun-fpuller.fossil');
    copyFileSync(theirs, puller);
    copyFileSync(theirs, fpuller);
    const src = await startFossilServer(client);
    try {
      fossil(['pull', src.url, '-R', fpuller]);
      edgesync(['pull', src.url, '-R', puller]);
    } finally {
      await src.stop();
    }
    expect(artifactSet(puller).filter((u) => sha1.includes(u))).toEqual([]);
    expect(artifactSet(puller)).toEqual(artifactSet(fpuller));
  });

  it('5: symlinks follow allow-symlinks; tags with spaces; --delete in tree mode; private counts', () => {
    const [theirs, ours] = twins('misc');
    // A symbolic link is committed as the file it points to (allow-symlinks is off by default).
    const w = d('m-w');
    mkdirSync(w, { recursive: true });
    writeFileSync(join(w, 'a.txt'), 'a\n');
    writeFileSync(join(w, 'target.txt'), 'pointed at\n');
    symlinkSync('target.txt', join(w, 'link.txt'));
    const u = JSON.parse(edgesync(['commit', '-R', ours, '--dir', w, '--json', '-m', 'links', '--user', 'alice']).stdout).uuid as string;
    const m = fossil(['artifact', u, '-R', ours]).stdout;
    expect(m).toMatch(/^F link\.txt [0-9a-f]+\n/m);
    expect(edgesync(['cat', '-R', ours, 'link.txt', '--at', u]).stdout).toBe('pointed at\n');
    // With allow-symlinks on, it is a link (permission l, the target as content), as fossil stores it.
    fossil(['settings', 'allow-symlinks', '1', '-R', ours]);
    const u2 = JSON.parse(edgesync(['commit', '-R', ours, '--dir', w, '--json', '-m', 'links again', '--user', 'alice', '--allow-empty']).stdout).uuid as string;
    expect(fossil(['artifact', u2, '-R', ours]).stdout).toMatch(/^F link\.txt [0-9a-f]+ l\n/m);
    // --delete in tree mode removes the file though it is still in DIR.
    const u3 = JSON.parse(edgesync(['commit', '-R', ours, '--dir', w, '--json', '-m', 'drop target', '--user', 'alice', '--delete', 'target.txt']).stdout).uuid as string;
    expect(fossil(['artifact', u3, '-R', ours]).stdout).not.toMatch(/^F target\.txt /m);
    // A tag name with a space, as fossil takes it.
    fossil(['tag', 'add', 'release one', 'trunk', '-R', theirs]);
    edgesync(['tag', '-R', ours, 'add', 'release one', u3, '--user', 'alice']);
    expect(fossil(['tag', 'ls', '-R', ours]).stdout.split('\n')).toContain('release one');
    expect(fossil(['tag', 'ls', '-R', theirs]).stdout.split('\n')).toContain('release one');
  });

  it('5: sync -v --private counts the private artifacts it sends', async () => {
    const [server, client] = twins('privcount');
    for (const repo of [server]) {
      fossil(['user', 'new', 'carol', 'c@x', 'carolpw', '-R', repo]);
      fossil(['user', 'capabilities', 'carol', 'giox', '-R', repo]);
    }
    ourCommit(client, d('pc-w'), { 'hidden.txt': 'hidden\n' }, ['--private', '--user', 'alice', '-m', 'hidden']);
    const es = await startEdgesyncServer(server);
    try {
      const r = edgesync(['sync', es.url, '-R', client, '--private', '--user', 'carol', '--password', 'carolpw', '--json']);
      const result = JSON.parse(r.stdout) as { artifactsSent: number };
      expect(result.artifactsSent).toBeGreaterThanOrEqual(2);
    } finally {
      await es.stop();
    }
    expect(privateSet(server)).toEqual(privateSet(client));
  });

  it('7: serving several repositories routes by name; an unknown name is a 404', async () => {
    const [a] = twins('route-a');
    const [b] = twins('route-b');
    const es = await startEdgesyncServer(a, [b]);
    try {
      const clone = d('route-clone.fossil');
      fossil(['clone', `${es.url}route-b-fossil`, clone]);
      expect(artifactSet(clone)).toEqual(artifactSet(b));
      const bad = fossil(['clone', `${es.url}nothing`, d('route-bad.fossil')], { allowFail: true });
      expect(bad.status).not.toBe(0);
      const index = await (await fetch(es.url)).text();
      expect(index).toContain('route-a-fossil');
      expect(index).toContain('route-b-fossil');
      expect((await fetch(`${es.url}nothing`)).status).toBe(404);
    } finally {
      await es.stop();
    }
  });

  it('12: the status page tells nothing about a repository that anonymous may not read', async () => {
    const [locked] = twins('locked');
    fossil(['user', 'capabilities', 'nobody', '', '-R', locked]);
    fossil(['user', 'capabilities', 'anonymous', '', '-R', locked]);
    const es = await startEdgesyncServer(locked);
    try {
      const page = await (await fetch(es.url)).text();
      const code = /project-code:\s+([0-9a-f]+)/.exec(fossil(['info', '-R', locked]).stdout)![1]!;
      expect(page).not.toContain(code);
      expect(page).not.toMatch(/check-ins:/);
    } finally {
      await es.stop();
    }
  });
});
