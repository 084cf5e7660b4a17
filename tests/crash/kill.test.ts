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
  it(`clone, pull and commit killed at random moments (${SEEDS} seeds each)`, { timeout: 900_000 }, async () => {
    const serverPath = join(tmp.dir, 'server.fossil');
    const server = createRepoFile(serverPath, { crosslinker: crosslinkerFactory, adminUser: 'alice', date: new Date('2025-02-01T00:00:00Z') });
    server.users.add(BOB.user, { password: BOB.password, caps: 'gio' });
    for (let i = 0; i < 40; i++) commit(server, { [`dir/f${i % 25}.txt`]: `version ${i}\n`.repeat(200 + i) }, `check-in ${i}`);
    server.db.close();
    const s = await startInProcessServer(serverPath);
    const url = `http://bob:bobpw@127.0.0.1:${s.port}/`;
    const outcomes: string[] = [];
    /** How long an operation takes when left alone, so that kills land inside it on any machine. */
    const timed = async (args: string[]) => {
      const t0 = Date.now();
      expect(await runAndKill(args, 600_000)).toBe('finished');
      return Date.now() - t0;
    };
    /** A moment between 30% and 95% of the way through an operation that takes ms. */
    const within = (rng: Prng, ms: number) => Math.floor(ms * (0.3 + (0.65 * rng.int(1000)) / 1000));
    try {
      const probe = join(tmp.dir, 'probe.fossil');
      const probeWork = join(tmp.dir, 'probe-work');
      mkdirSync(probeWork, { recursive: true });
      for (let i = 0; i < 30; i++) writeFileSync(join(probeWork, `w${i}.txt`), `probe file ${i}\n`.repeat(300));
      const cloneMs = await timed(['clone', url, probe]);
      const commitMs = await timed(['commit', '-R', probe, '-m', 'probe', '--dir', probeWork]);
      const syncMs = await timed(['sync', '-R', probe]);
      for (let seed = 1; seed <= SEEDS; seed++) {
        const rng = new Prng(seed * 104729);
        const path = join(tmp.dir, `clone-${seed}.fossil`);
        outcomes.push(`clone:${await runAndKill(['clone', url, path], within(rng, cloneMs))}`);
        expect(await runCli(existsSync(path) ? ['pull', '-R', path] : ['clone', url, path])).toBe('ok');
        expect(edgesync(['verify', '-R', path]).status).toBe(0);
        expectIntegrity(path);
        expect(artifactSet(path)).toEqual(artifactSet(serverPath));

        const work = join(tmp.dir, `work-${seed}`);
        mkdirSync(work, { recursive: true });
        for (let i = 0; i < 30; i++) writeFileSync(join(work, `w${i}.txt`), `seed ${seed} file ${i}\n`.repeat(300));
        outcomes.push(`commit:${await runAndKill(['commit', '-R', path, '-m', `work ${seed}`, '--dir', work], within(rng, commitMs))}`);
        expect(edgesync(['verify', '-R', path]).status).toBe(0);
        expectIntegrity(path);

        outcomes.push(`sync:${await runAndKill(['sync', '-R', path], within(rng, syncMs))}`);
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
