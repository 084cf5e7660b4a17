// Killed syncs change all or nothing: `edgesync pull`, `push` and `sync` as child processes,
// each SIGKILLed at a seeded random moment inside it, many times. Every file left passes
// `edgesync verify` and `fossil test-integrity`, and every check-in in its timeline has its
// content (no event or file link whose artifact is missing); the next run finishes. With
// KILL_SEEDS=40 (bench/kills.mjs) each command is killed 40 times; CI kills each a few times.
import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRepoFile } from '../../src/repo/node-files.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { CLI, edgesync, edgesyncAsync } from '../helpers/cli.ts';
import { startInProcessServer } from '../helpers/inprocess-server.ts';
import { artifactSet, expectIntegrity, openWithCrosslinker } from '../helpers/sync-fixtures.ts';
import { haveTool, sqlite, tempDir } from '../helpers/tools.ts';
import { BOB, commit } from '../hostile/fixture.ts';
import { Prng } from '../sim/prng.ts';

const SEEDS = Number(process.env.KILL_SEEDS ?? 3);
const hasFossil = haveTool('fossil');
const tmp = tempDir('edgesync-kill-sync-');
afterAll(() => tmp.cleanup());

function runAndKill(args: string[], ms: number): Promise<'killed' | 'finished'> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL' ? 'killed' : 'finished');
    });
  });
}

/** Timeline entries whose content is missing: a check-in that is a phantom, or a file version it links that is. */
function missingContent(path: string): string {
  return sqlite(path, `
    SELECT 'check-in ' || b.uuid FROM event e JOIN blob b ON b.rid=e.objid WHERE e.type='ci' AND b.size<0
    UNION ALL
    SELECT 'file ' || f.uuid || ' of ' || c.uuid FROM mlink m JOIN blob f ON f.rid=m.fid JOIN blob c ON c.rid=m.mid WHERE m.fid>0 AND f.size<0`).trim();
}

function expectSound(path: string, what: string): void {
  const v = edgesync(['verify', '-R', path], { allowFail: true });
  expect(v.status, `${what}: ${v.stderr}${v.stdout}`).toBe(0);
  expectIntegrity(path);
  expect(missingContent(path), what).toBe('');
}

describe.runIf(hasFossil || process.env.CI === 'true')('killed pull, push and sync', () => {
  it(`each killed at random moments (${SEEDS} times each); nothing half-done is left`, { timeout: 1_800_000 }, async () => {
    // A server whose history the clients lack, in many small replies, and a client whose own
    // work the server lacks, in many small requests.
    const serverPath = join(tmp.dir, 'server.fossil');
    const server = createRepoFile(serverPath, { crosslinker: crosslinkerFactory, adminUser: 'alice', date: new Date('2025-02-01T00:00:00Z') });
    server.users.add(BOB.user, { password: BOB.password, caps: 'gio' });
    commit(server, { 'start.txt': 'start\n' }, 'start');
    server.db.close();
    const s = await startInProcessServer(serverPath, { maxDownload: 20_000 });
    const url = `http://bob:bobpw@127.0.0.1:${s.port}/`;
    const base = join(tmp.dir, 'base.fossil');
    try {
      expect((await edgesyncAsync(['clone', url, base])).status).toBe(0);
      // The server moves on; the base client writes its own history.
      await s.stop();
      const grown = openWithCrosslinker(serverPath);
      for (let i = 0; i < 30; i++) commit(grown, { [`s/f${i % 12}.txt`]: `server ${i}\n`.repeat(400 + 7 * i) }, `server ${i}`);
      grown.db.close();
      const mine = openWithCrosslinker(base);
      for (let i = 0; i < 30; i++) commit(mine, { [`c/f${i % 12}.txt`]: `client ${i}\n`.repeat(400 + 7 * i) }, `client ${i}`);
      // Requests small too, so a push takes many rounds.
      mine.config.set('max-upload', 20_000);
      mine.db.close();
    } catch (e) {
      await s.stop();
      throw e;
    }
    const serverCopy = join(tmp.dir, 'server-start.fossil');
    copyFileSync(serverPath, serverCopy);
    const outcomes: string[] = [];
    for (const op of ['pull', 'push', 'sync'] as const) {
      // How long the operation takes when left alone, so kills land inside it on any machine.
      copyFileSync(serverCopy, serverPath);
      let srv = await startInProcessServer(serverPath, { maxDownload: 20_000 });
      const probe = join(tmp.dir, `probe-${op}.fossil`);
      copyFileSync(base, probe);
      const t0 = Date.now();
      expect((await edgesyncAsync([op, srv.url.replace('//', '//bob:bobpw@'), '-R', probe])).status).toBe(0);
      const ms = Date.now() - t0;
      await srv.stop();
      for (let seed = 1; seed <= SEEDS; seed++) {
        const rng = new Prng(seed * 7877 + op.length);
        const path = join(tmp.dir, `${op}-${seed}.fossil`);
        let at = Math.floor(ms * (0.2 + (0.7 * rng.int(1000)) / 1000));
        let target = '';
        let outcome: 'killed' | 'finished' = 'finished';
        // On a machine whose load drops, the operation may finish before the kill: start over
        // from the same state and kill sooner (a few times), so kills land inside it.
        for (let attempt = 0; attempt < 4 && outcome === 'finished'; attempt++) {
          if (attempt > 0) {
            await srv.stop();
            at = Math.floor(at / 2);
          }
          copyFileSync(serverCopy, serverPath);
          srv = await startInProcessServer(serverPath, { maxDownload: 20_000 });
          target = srv.url.replace('//', '//bob:bobpw@');
          copyFileSync(base, path);
          outcome = await runAndKill([op, target, '-R', path], at);
        }
        outcomes.push(`${op}:${outcome}`);
        expectSound(path, `${op} killed after ${at} ms (seed ${seed})`);
        // The next one finishes, and the result is whole.
        expect((await edgesyncAsync([op, target, '-R', path])).status).toBe(0);
        expectSound(path, `${op} run again (seed ${seed})`);
        await srv.stop();
        const [mineNow, theirs] = [artifactSet(path), artifactSet(serverPath)];
        if (op !== 'push') expect(theirs.filter((u) => !mineNow.includes(u)), 'what the pull left out').toEqual([]);
        if (op !== 'pull') expect(mineNow.filter((u) => !theirs.includes(u)), 'what the push left out').toEqual([]);
        expectSound(serverPath, `the server after ${op} (seed ${seed})`);
      }
    }
    console.log(`kills: ${outcomes.filter((o) => o.endsWith('killed')).length} of ${outcomes.length} landed mid-operation`);
    expect(outcomes.filter((o) => o.endsWith('killed')).length, outcomes.join(' ')).toBeGreaterThanOrEqual(SEEDS);
  });
});
