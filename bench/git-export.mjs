#!/usr/bin/env node
/**
 * Git export benchmark against upstream fossil, both measured in one run on one machine:
 *
 *   1. into a fresh Git repository: `edgesync git mirror -R REPO DIR` (our stream piped into
 *      `git fast-import`) against `fossil git export DIR -R REPO` (fossil's stream into the same
 *      `git fast-import`). DIR is made by `git init` first for fossil, so that fossil skips the
 *      `git repack -adf` it runs after making a mirror itself (we do not repack either).
 *   2. the stream alone, to /dev/null: `edgesync git export -R REPO` against fossil's own stream
 *      writer, `fossil export --git REPO` (the older command; same blobs, fewer refs).
 *
 * Wall time, CPU time (user + system, git included: on a busy machine the fairer figure) and
 * peak memory, each with its ratio to fossil (<= 1.0 means we match or beat it). Memory is the
 * peak RSS of the command's whole process tree (it runs git), sampled every 100 ms from /proc,
 * and the largest single process's peak (/usr/bin/time). The load is printed before and after.
 *
 * Usage: node bench/git-export.mjs [REPO.fossil] [--stream-only]   (default $BENCH_REPO, else
 * /tmp/bench/fossil-history.fossil). Needs the built CLI (npm run build:cli), fossil, git and
 * /usr/bin/time.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { CLI, copy, printTable, processTree, requireBuilt, scratchDir } from './lib.mjs';
import { spawnSync } from 'node:child_process';

const streamOnly = process.argv.includes('--stream-only');
const source = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? process.env.BENCH_REPO ?? '/tmp/bench/fossil-history.fossil';
if (!existsSync(source)) {
  console.error(`usage: node bench/git-export.mjs [REPO.fossil]  (${source} is not there)`);
  process.exit(2);
}
requireBuilt();

const work = scratchDir();
const env = { ...process.env, HOME: work, USER: 'bench', FOSSIL_USER: 'bench', TZ: 'UTC' };

function status(pid, field) {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Run cmd, sampling its process tree's memory: wall seconds, tree peak MB, own peak MB. */
function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '__TIME=%U %S %M', cmd, ...args], { cwd: opts.cwd, env, stdio: ['ignore', opts.stdout ?? 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d.toString()).length > 4000 && (err = err.slice(-4000)));
    let treePeak = 0;
    const sample = () => {
      const pids = processTree(child.pid);
      treePeak = Math.max(treePeak, pids.reduce((s, p) => s + status(p, 'VmRSS'), 0));
    };
    const timer = setInterval(sample, 100);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${err}`));
      const [user, sys, maxKb] = (/__TIME=(\S+) (\S+) (\d+)/.exec(err) ?? []).slice(1).map(Number);
      resolve({ seconds, cpu: user + sys, rssMB: treePeak / 1024, ownMB: maxKb / 1024 });
    });
  });
}

function commits(gitDir) {
  return spawnSync('git', ['--git-dir', gitDir, 'rev-list', '--all', '--count'], { encoding: 'utf8' }).stdout.trim();
}

const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');
console.log(`repository: ${source}`);
console.log(`load average before: ${load()} (${(await import('node:os')).cpus().length} cores)`);
const repo = copy(source, work, 'repo.fossil');
try {
  const rows = [];
  const line = (task, fossil, ours) => {
    rows.push({ task, fossil, ours });
    const f = (n) => n.toFixed(1);
    // Printed as each finishes: a run on a large repository takes a while.
    console.log(`${task}: wall ${f(ours.seconds)} s vs ${f(fossil.seconds)} s, CPU ${f(ours.cpu)} s vs ${f(fossil.cpu)} s (ratio ${(ours.cpu / fossil.cpu).toFixed(2)}), tree peak ${ours.rssMB.toFixed(0)} MB vs ${fossil.rssMB.toFixed(0)} MB, largest process ${ours.ownMB.toFixed(0)} MB vs ${fossil.ownMB.toFixed(0)} MB (ours vs fossil)`);
  };
  if (!streamOnly) {
    const oursDir = join(work, 'ours.git');
    const ours = await run(process.execPath, [CLI, 'git', 'mirror', '-R', repo, oursDir]);
    const fossilDir = join(work, 'fossil-mirror');
    spawnSync('git', ['init', '-q', fossilDir]);
    const theirs = await run('fossil', ['git', 'export', fossilDir, '-R', repo, '--quiet']);
    console.log(`commits: ours ${commits(oursDir)}, fossil ${commits(join(fossilDir, '.git'))}`);
    rmSync(oursDir, { recursive: true, force: true });
    rmSync(fossilDir, { recursive: true, force: true });
    line('into a fresh Git repository', theirs, ours);
  }

  const devnull = () => ({ stdout: 'ignore' });
  const oursStream = await run(process.execPath, [CLI, 'git', 'export', '-R', repo], devnull());
  const fossilStream = await run('fossil', ['export', '--git', repo], devnull());

  line('stream only, to /dev/null', fossilStream, oursStream);
  printTable('git export (wall time; memory: peak of the whole process tree, git included)', rows);
  console.log(`load average after: ${load()}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
