#!/usr/bin/env node
/**
 * The everyday operations against upstream fossil, in one run on one machine: a sync that finds
 * nothing new, and a pull of one new check-in, both from a `fossil server` over loopback HTTP.
 *
 * Each client works on its own tool's clone of REPO (`fossil clone`, `edgesync clone`). Every
 * round commits one check-in to the served file, then pulls it with both clients (alternating
 * who goes first), checks both now hold it, then syncs again with both (nothing to do). Medians
 * of wall time and peak RSS; ratio = edgesync / fossil. `node -e 0` is printed as the floor a
 * Node command cannot go below.
 *
 * Usage: node bench/small-ops.mjs [REPO.fossil] [--runs N]   (default: the small synthetic repo, 7 runs)
 * Needs the built CLI (npm run build:cli), fossil and /usr/bin/time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, copy, measure, median, printTable, requireBuilt, scratchDir } from './lib.mjs';
import { startFossilServer } from './nats-lib.mjs';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Math.max(1, Number(args[runsAt + 1]) || 1) : 7;
let repo = args.find((a, i) => !a.startsWith('--') && (runsAt < 0 || i !== runsAt + 1));
requireBuilt();
const dir = scratchDir();
const env = { HOME: dir, USER: 'bench', FOSSIL_USER: 'bench', TZ: 'UTC' };

function sh(cmd, argv) {
  const r = spawnSync(cmd, argv, { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited ${r.status}\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

function checkins(file) {
  return Number(sh('sqlite3', [file, "SELECT count(*) FROM event WHERE type='ci'"]).trim());
}

let server;
try {
  if (!repo) {
    repo = join(dir, 'synthetic.fossil');
    const maker = join(ROOT, '..', 'shared', 'bench-data', 'make-synthetic-repo.sh');
    if (!existsSync(maker)) throw new Error(`no REPO given and ${maker} is missing`);
    sh('bash', [maker, repo]);
  }
  const served = copy(repo, dir, 'served.fossil');
  // A login that may read and write, so `sync` is a real push and pull for both clients.
  sh('fossil', ['user', 'new', 'syncer', 'syncer@localhost', 'benchpw', '-R', served]);
  sh('fossil', ['user', 'capabilities', 'syncer', 'ioh', '-R', served]);
  server = await startFossilServer(served, { ...process.env, ...env });
  const url = server.url.replace('http://', 'http://syncer:benchpw@');

  const theirs = join(dir, 'fossil-clone.fossil');
  const ours = join(dir, 'edgesync-clone.fossil');
  measure('fossil', ['clone', url, theirs], { home: dir, env });
  measure(CLI, ['clone', url, ours], { env });
  const files = join(dir, 'files');
  mkdirSync(files);

  const samples = { noopF: [], noopE: [], pullF: [], pullE: [], floor: [] };
  for (let run = 1; run <= runs; run++) {
    const name = `round-${run}.txt`;
    writeFileSync(join(files, name), `round ${run} of the small-operations benchmark\n`);
    sh(CLI, ['commit', '-R', served, '-m', `bench round ${run}`, '--user', 'bench', '--dir', files, name]);
    const want = checkins(served);
    const pulls = [
      () => samples.pullF.push(measure('fossil', ['pull', url, '-R', theirs], { home: dir, env })),
      () => samples.pullE.push(measure(CLI, ['pull', url, '-R', ours], { env })),
    ];
    if (run % 2 === 0) pulls.reverse();
    for (const p of pulls) p();
    for (const [who, file] of [['fossil', theirs], ['edgesync', ours]]) {
      const have = checkins(file);
      if (have !== want) throw new Error(`after the pull ${who}'s clone has ${have} check-ins, the server ${want}`);
    }
    const noops = [
      () => samples.noopF.push(measure('fossil', ['sync', url, '-R', theirs], { home: dir, env })),
      () => samples.noopE.push(measure(CLI, ['sync', url, '-R', ours], { env })),
    ];
    if (run % 2 === 0) noops.reverse();
    for (const n of noops) n();
    samples.floor.push(measure(process.execPath, ['-e', '0']));
  }

  const med = (xs) => ({ seconds: median(xs.map((r) => r.seconds)), rssMB: median(xs.map((r) => r.rssMB)) });
  console.log(`repository: ${repo} (${runs} rounds, medians; node -e 0 takes ${med(samples.floor).seconds.toFixed(3)} s here)`);
  printTable('edgesync vs fossil 2.21 (ratio = edgesync / fossil; below 1.0 is faster or smaller)', [
    { task: 'no-op sync', fossil: med(samples.noopF), ours: med(samples.noopE) },
    { task: 'pull of one new check-in', fossil: med(samples.pullF), ours: med(samples.pullE) },
  ]);
} finally {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
}
