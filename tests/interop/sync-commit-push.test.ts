// Must show 3: a check-in made with `edgesync commit` is pushed to `fossil server` with
// `edgesync push`, and a fresh `fossil clone` checks it out without a checksum warning; a check-in
// made by fossil is pulled with `edgesync pull`. All through the command line, URL and login
// remembered from the clone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { edgesync } from '../helpers/cli.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';
import { fossilAsync, startFossilServer, type RunningServer } from '../helpers/servers.ts';
import { expectIntegrity, serverRepo } from '../helpers/sync-fixtures.ts';
import { differingTables, dumpDerivedTables } from '../helpers/derived-tables.ts';

const hasFossil = haveTool('fossil');
const tmp = tempDir();
let server: RunningServer | undefined;
afterAll(async () => {
  await server?.stop();
  tmp.cleanup();
});

describe.skipIf(!hasFossil)('edgesync commit + push to fossil server; fossil commit + edgesync pull', () => {
  const d = () => tmp.dir;
  let ours: string;
  let uuid: string;

  beforeAll(async () => {
    server = await startFossilServer(serverRepo(d(), 'srv.fossil'));
    ours = join(d(), 'ours.fossil');
    edgesync(['clone', `http://bob:bobpw@127.0.0.1:${server.port}/`, ours]);
  });

  it('edgesync commit, then edgesync push', () => {
    const work = join(d(), 'work');
    mkdirSync(join(work, 'docs'), { recursive: true });
    writeFileSync(join(work, 'docs', 'from-edgesync.md'), '# Written by edgesync\n\nwith a second paragraph\n');
    writeFileSync(join(work, 'data.bin'), Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) & 255)));
    const c = JSON.parse(edgesync(['commit', '-R', ours, '--dir', work, '-m', 'check-in made by edgesync', '--user', 'bob', '--json', 'docs/from-edgesync.md', 'data.bin']).stdout);
    uuid = c.uuid;
    const r = edgesync(['push', '-R', ours, '-v']);
    expect(r.stdout).toMatch(/push done: \d+ rounds?, [1-9]\d* artifacts? sent/);
    expect(fossil(['timeline', '-n', '1', '-t', 'ci', '-R', join(d(), 'srv.fossil')]).stdout).toMatch(/check-in made by edgesync/);
    expectIntegrity(join(d(), 'srv.fossil'));
  });

  it('a fresh fossil clone checks the check-in out without a checksum warning', async () => {
    const clone = join(d(), 'fresh.fossil');
    await fossilAsync(['clone', `http://bob:bobpw@127.0.0.1:${server!.port}/`, clone]);
    const wd = join(d(), 'fresh-wd');
    mkdirSync(wd);
    const opened = fossil(['open', '--nosync', clone, uuid], { cwd: wd });
    expect(opened.stdout + opened.stderr).not.toMatch(/checksum|does not agree|WARNING/i);
    expect(readFileSync(join(wd, 'docs', 'from-edgesync.md'), 'utf8')).toBe('# Written by edgesync\n\nwith a second paragraph\n');
    // The server's own view of the check-in agrees with what it received.
    expect(fossil(['artifact', uuid, '-R', clone]).stdout).toMatch(/^C check-in\\smade\\sby\\sedgesync$/m);
  });

  it('a check-in made by fossil is pulled with edgesync pull', async () => {
    const wd = join(d(), 'fresh-wd');
    writeFileSync(join(wd, 'from-fossil.txt'), 'made with fossil commit\n');
    fossil(['add', 'from-fossil.txt'], { cwd: wd });
    fossil(['commit', '--nosync', '--no-warnings', '-m', 'check-in made by fossil'], { cwd: wd });
    await fossilAsync(['push', `http://bob:bobpw@127.0.0.1:${server!.port}/`, '-R', join(d(), 'fresh.fossil')]);

    const r = edgesync(['pull', '-R', ours]);
    expect(r.stdout).toMatch(/pull done: \d+ rounds?, 0 artifacts sent, [1-9]\d* received/);
    expect(edgesync(['timeline', '-R', ours, '-n', '1']).stdout).toMatch(/check-in made by fossil/);
    expectIntegrity(ours);
    // What the pull crosslinked equals what fossil rebuild derives from the same artifacts.
    const copy = join(d(), 'ours-rebuilt.fossil');
    copyFileSync(ours, copy);
    fossil(['rebuild', copy]);
    const omit = ['unclustered', 'unsent'];
    expect(differingTables(dumpDerivedTables(ours, { omit }), dumpDerivedTables(copy, { omit }))).toEqual([]);
  });

  it('edgesync sync keeps a private check-in local', () => {
    const work = join(d(), 'private-work');
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, 'secret.txt'), 'for my eyes only\n');
    const c = JSON.parse(edgesync(['commit', '-R', ours, '--dir', work, '-m', 'private check-in', '--user', 'bob', '--private', '--json', 'secret.txt']).stdout);
    const srv = join(d(), 'srv.fossil');
    const before = fossil(['sql', '-R', srv, 'SELECT count(*) FROM blob']).stdout;
    const r = edgesync(['sync', '-R', ours]);
    expect(r.stdout).toMatch(/sync done/);
    expect(fossil(['sql', '-R', srv, `SELECT count(*) FROM blob WHERE uuid='${c.uuid}'`]).stdout.trim()).toBe('0');
    expect(fossil(['sql', '-R', srv, 'SELECT count(*) FROM blob']).stdout).toBe(before);
    expectIntegrity(ours);
  });
});
