// Must show 3 (crash safety with a real process, better-sqlite3 on files): `edgesync clone`,
// `pull` and `commit` run as child processes and are killed with SIGKILL after a seeded random
// delay. Then the file opens, `edgesync verify` and `fossil test-integrity` pass, and the next
// pull (which also finishes an interrupted clone) completes with everything the server has.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRepoFile } from '../../src/repo/node-files.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { CLI, edgesync, edgesyncAsync } from '../helpers/cli.ts';
import { startInProcessServer } from '../helpers/inprocess-server.ts';
import { artifactSet, expectIntegrity } from '../helpers/sync-fixtures.ts';
import { haveTool, tempDir } from '../helpers/tools.ts';
import { BOB, commit } from '../hostile/fixture.ts';
import { Prng } from '../sim/prng.ts';

const SEEDS = Number(process.env.CRASH_SEEDS ?? 2);
const hasFossil = haveTool('fossil');
const tmp = tempDir('edgesync-kill-');
afterAll(() => tmp.cleanup());

/** Run the CLI to the end without blocking (the server answers from this process). */
async function runCli(args: string[]): Promise<string> {
  const r = await edgesyncAsync(args);
  return r.status === 0 ? 'ok' : `exit ${r.status}: ${r.stderr}`;
}

/** Start the CLI and SIGKILL it after ms (or let it finish first). */
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

describe.runIf(hasFossil || process.env.CI === 'true')('killed edgesync processes', () => {
  it(`clone, pull and commit killed at random moments (${SEEDS} seeds each)`, { timeout: 180_000 }, async () => {
    const serverPath = join(tmp.dir, 'server.fossil');
    const server = createRepoFile(serverPath, { crosslinker: crosslinkerFactory, adminUser: 'alice', date: new Date('2025-02-01T00:00:00Z') });
    server.users.add(BOB.user, { password: BOB.password, caps: 'gio' });
    for (let i = 0; i < 40; i++) commit(server, { [`dir/f${i % 25}.txt`]: `version ${i}\n`.repeat(200 + i) }, `check-in ${i}`);
    server.db.close();
    const s = await startInProcessServer(serverPath);
    const url = `http://bob:bobpw@127.0.0.1:${s.port}/`;
    const outcomes: string[] = [];
    try {
      for (let seed = 1; seed <= SEEDS; seed++) {
        const rng = new Prng(seed * 104729);
        const path = join(tmp.dir, `clone-${seed}.fossil`);
        // Node start-up alone is ~150 ms, so delays reach well into the work.
        outcomes.push(`clone:${await runAndKill(['clone', url, path], 150 + rng.int(900))}`);
        expect(await runCli(existsSync(path) ? ['pull', '-R', path] : ['clone', url, path])).toBe('ok');
        expect(edgesync(['verify', '-R', path]).status).toBe(0);
        expectIntegrity(path);
        expect(artifactSet(path)).toEqual(artifactSet(serverPath));

        const work = join(tmp.dir, `work-${seed}`);
        mkdirSync(work, { recursive: true });
        for (let i = 0; i < 30; i++) writeFileSync(join(work, `w${i}.txt`), `seed ${seed} file ${i}\n`.repeat(300));
        outcomes.push(`commit:${await runAndKill(['commit', '-R', path, '-m', `work ${seed}`, '--dir', work], 150 + rng.int(600))}`);
        expect(edgesync(['verify', '-R', path]).status).toBe(0);
        expectIntegrity(path);

        outcomes.push(`sync:${await runAndKill(['sync', '-R', path], 150 + rng.int(600))}`);
        expect(edgesync(['verify', '-R', path]).status).toBe(0);
        expectIntegrity(path);
        expect(await runCli(['sync', '-R', path])).toBe('ok');
        expectIntegrity(path);
        expect(artifactSet(path)).toEqual(artifactSet(serverPath));
      }
    } finally {
      await s.stop();
    }
    // At least some of the kills must have landed mid-operation.
    expect(outcomes.filter((o) => o.endsWith('killed')).length, outcomes.join(' ')).toBeGreaterThanOrEqual(SEEDS);
  });
});
