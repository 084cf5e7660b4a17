// Must show 2: stock fossil clones, pulls, pushes and syncs against `edgesync serve`, with
// compressed, uncompressed (--no-http-compression) and plain-text (--httptrace) requests;
// `fossil test-integrity` passes on both sides, and what the server received is crosslinked
// exactly as `fossil rebuild` would do it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';
import { fossilAsync, startEdgesyncServer, type RunningServer } from '../helpers/servers.ts';
import { artifactSet, expectIntegrity, serverRepo } from '../helpers/sync-fixtures.ts';
import { differingTables, dumpDerivedTables } from '../helpers/derived-tables.ts';

const hasFossil = haveTool('fossil');
const tmp = tempDir();
let server: RunningServer | undefined;
afterAll(async () => {
  await server?.stop();
  tmp.cleanup();
});

/** A fossil check-out of clone at dir. */
function checkout(clone: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  fossil(['open', clone, '--nosync'], { cwd: dir });
}

function commitFile(dir: string, name: string, text: string, comment: string): void {
  // Build on the newest check-in the clone knows, so the commit never forks.
  fossil(['update', '--nosync'], { cwd: dir });
  writeFileSync(join(dir, name), text);
  fossil(['add', name], { cwd: dir });
  fossil(['commit', '--nosync', '--no-warnings', '-m', comment], { cwd: dir });
}

/** The server's derived tables equal those `fossil rebuild` computes from its artifacts. */
function expectCrosslinkedLikeRebuild(path: string): void {
  const copy = `${path}.rebuilt`;
  copyFileSync(path, copy);
  fossil(['rebuild', copy]);
  // unclustered/unsent are bookkeeping that rebuild resets; the rest must agree.
  const omit = ['unclustered', 'unsent'];
  const a = dumpDerivedTables(path, { omit });
  const b = dumpDerivedTables(copy, { omit });
  expect(differingTables(a, b)).toEqual([]);
  expect(a).toEqual(b);
}

describe.skipIf(!hasFossil)('fossil clients against edgesync serve', () => {
  const d = () => tmp.dir;
  let srv: string;
  let url: string;

  beforeAll(async () => {
    srv = serverRepo(d(), 'served.fossil');
    server = await startEdgesyncServer(srv);
    url = `http://bob:bobpw@127.0.0.1:${server.port}/`;
  });

  it('fossil clone', async () => {
    const c = join(d(), 'c1.fossil');
    const r = await fossilAsync(['clone', url, c]);
    expect(r.stdout).toMatch(/Clone done/);
    expectIntegrity(c);
    // Everything public arrives; the private branch does not.
    const privateCount = Number(fossil(['sql', '-R', srv, 'SELECT count(*) FROM private']).stdout.trim());
    expect(privateCount).toBeGreaterThan(0);
    expect(artifactSet(c).length).toBe(artifactSet(srv).length - privateCount);
  });

  it('fossil push of a new check-in, then a second clone pulls it', async () => {
    const c1 = join(d(), 'c1.fossil');
    const wd = join(d(), 'wd1');
    checkout(c1, wd);
    commitFile(wd, 'pushed.txt', 'pushed by fossil\n'.repeat(50), 'pushed check-in');
    const r = await fossilAsync(['push', url, '-R', c1]);
    expect(r.stdout).toMatch(/Push done/);
    expect(fossil(['timeline', '-n', '1', '-t', 'ci', '-R', srv]).stdout).toMatch(/pushed check-in/);

    const c2 = join(d(), 'c2.fossil');
    await fossilAsync(['clone', url, c2]);
    const wd2 = join(d(), 'wd2');
    checkout(c2, wd2);
    commitFile(wd2, 'second.txt', 'from the second clone\n', 'second clone check-in');
    await fossilAsync(['push', url, '-R', c2]);
    const pulled = await fossilAsync(['pull', url, '-R', c1]);
    expect(pulled.stdout).toMatch(/Pull done/);
    expect(fossil(['timeline', '-n', '1', '-t', 'ci', '-R', c1]).stdout).toMatch(/second clone check-in/);
  });

  it('fossil sync --no-http-compression', async () => {
    const wd = join(d(), 'wd1');
    commitFile(wd, 'uncompressed.txt', 'sent as plain text\n', 'uncompressed sync');
    const r = await fossilAsync(['sync', url, '-R', join(d(), 'c1.fossil'), '--no-http-compression']);
    expect(r.stdout).toMatch(/Sync done/);
    expect(fossil(['timeline', '-n', '1', '-t', 'ci', '-R', srv]).stdout).toMatch(/uncompressed sync/);
  });

  it('fossil sync --httptrace (application/x-fossil-debug)', async () => {
    const wd = join(d(), 'wd2');
    commitFile(wd, 'traced.txt', 'sent as debug text\n', 'traced sync');
    const r = await fossilAsync(['sync', url, '-R', join(d(), 'c2.fossil'), '--httptrace'], { cwd: wd });
    expect(r.stdout).toMatch(/Sync done/);
    expect(fossil(['timeline', '-n', '1', '-t', 'ci', '-R', srv]).stdout).toMatch(/traced sync/);
    await fossilAsync(['pull', url, '-R', join(d(), 'c1.fossil')]);
  });

  it('both sides pass test-integrity, and the server crosslinked like fossil rebuild', () => {
    expectIntegrity(srv);
    expectIntegrity(join(d(), 'c1.fossil'));
    expectIntegrity(join(d(), 'c2.fossil'));
    expect(artifactSet(join(d(), 'c1.fossil'))).toEqual(artifactSet(join(d(), 'c2.fossil')));
    expectCrosslinkedLikeRebuild(srv);
  });
});
