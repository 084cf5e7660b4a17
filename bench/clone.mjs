#!/usr/bin/env node
/**
 * Clone benchmark against upstream fossil, all measured in one run on one machine:
 *
 *   1. fossil clone   <- fossil server      (the baseline)
 *   2. edgesync clone <- fossil server      (our client)
 *   3. fossil clone   <- edgesync serve     (our server)
 *
 * Wall time and peak memory, each with its ratio to the baseline (<= 1.0 means we match or
 * beat fossil). Client memory is the clone process's peak RSS (/usr/bin/time); server memory is
 * the peak RSS of the server's process tree, sampled (fossil server forks per request).
 *
 * Usage: node bench/clone.mjs REPO.fossil [--runs N] [--together N] [--keep] [--no-check]
 * With --runs N each of the three clones is done N times, interleaved, and the best time and
 * memory of each are kept (the machine may be busy with other work).
 * With --together N, N stock `fossil clone`s then run at once against fossil server and against
 * edgesync serve: the wall time until all are done and the server's peak memory, with ratios.
 * Each of those clones must hold as many artifacts as the source.
 * Afterwards every clone must pass `fossil test-integrity` and hold exactly the source's
 * artifacts, and the large-repository test (tests/interop/rebuild-large.test.ts: our clone's
 * derived tables against `fossil rebuild` of it) runs on REPO; --no-check skips all that.
 * Needs the built CLI (npm run build:cli), fossil and /usr/bin/time on PATH.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processTree } from './lib.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/cli/main.js');
const args = process.argv.slice(2);
/** The number after a flag, or undefined. */
const numberAfter = (flag) => {
  const at = args.indexOf(flag);
  return at >= 0 ? Math.max(1, Number(args[at + 1]) || 1) : undefined;
};
const runs = numberAfter('--runs') ?? 1;
const together = numberAfter('--together');
const valueAt = new Set(['--runs', '--together'].map((f) => args.indexOf(f) + 1).filter((i) => i > 0));
const source = args.find((a, i) => !a.startsWith('--') && !valueAt.has(i));
const keep = args.includes('--keep');
const check = !args.includes('--no-check');
if (!source || !existsSync(source)) {
  console.error('usage: node bench/clone.mjs REPO.fossil [--runs N] [--together N] [--keep] [--no-check]');
  process.exit(2);
}
if (!existsSync(cli)) {
  console.error(`${cli} is missing: run npm run build:cli first`);
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'edgesync-bench-'));
const env = { ...process.env, HOME: work, USER: 'bench', FOSSIL_USER: 'bench', TZ: 'UTC' };

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function waitForPort(port) {
  const until = Date.now() + 20_000;
  return new Promise((res, rej) => {
    const attempt = () => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => (sock.destroy(), res()));
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > until) rej(new Error(`nothing listening on ${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** Resident memory (KiB) of pid and its descendants, from /proc. */
function treeRssKb(pid) {
  let total = 0;
  for (const p of processTree(pid)) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) total += Number(m[1]);
    } catch {
      // gone
    }
  }
  return total;
}

/** A server process whose tree's memory is sampled until it is stopped. */
async function startServer(cmd, argv, port) {
  const child = spawn(cmd, argv, { env, stdio: 'ignore' });
  await waitForPort(port);
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, treeRssKb(child.pid))), 25);
  return {
    peakKb: () => peak,
    stop: () =>
      new Promise((res) => {
        clearInterval(timer);
        child.once('exit', () => res());
        process.kill(child.pid, 'SIGTERM');
      }),
  };
}

/** Run a client under /usr/bin/time; resolves to wall seconds and peak RSS. */
function timed(cmd, argv) {
  const out = join(work, `time-${Date.now()}.txt`);
  return new Promise((res, rej) => {
    const child = spawn('/usr/bin/time', ['-f', '%e %M', '-o', out, cmd, ...argv], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      if (code !== 0) return rej(new Error(`${cmd} ${argv.join(' ')} failed (${code}):\n${err.slice(-2000)}`));
      const [wall, kb] = readFileSync(out, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
      res({ wall, kb });
    });
  });
}

function count(file) {
  return spawnSync('sqlite3', [file, 'SELECT count(*) FROM blob WHERE size>=0'], { encoding: 'utf8' }).stdout.trim();
}

function artifactSet(file) {
  return spawnSync('sqlite3', [file, 'SELECT uuid FROM blob WHERE size>=0 ORDER BY uuid'], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout;
}

/** fossil's own check, and the same artifacts as the source: or the run fails. */
function checkClone(file, sourceArtifacts) {
  const r = spawnSync('fossil', ['test-integrity', '-R', file], { env, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0 || !/ 0 errors/.test(r.stdout) || !/integrity-check: ok/.test(r.stdout)) {
    throw new Error(`fossil test-integrity fails on ${file}:\n${r.stdout.slice(-500)}${r.stderr}`);
  }
  if (artifactSet(file) !== sourceArtifacts) throw new Error(`${file} does not hold the same artifacts as the source`);
}

/**
 * n stock fossil clones at once against a server started by start(port): the wall time until
 * the last is done, and the server tree's peak memory. Each clone has its own HOME (fossil's
 * global settings file is not for concurrent writers) and must hold `artifacts` artifacts.
 */
async function clonesTogether(n, start, artifacts) {
  const port = await freePort();
  const srv = await start(port);
  const t0 = performance.now();
  try {
    await Promise.all(
      Array.from({ length: n }, (_, i) => {
        const home = join(work, `together-home-${i}`);
        rmSync(home, { recursive: true, force: true });
        mkdirSync(home);
        const file = join(work, `together-${i}.fossil`);
        rmSync(file, { force: true });
        return new Promise((res, rej) => {
          const child = spawn('fossil', ['clone', `http://127.0.0.1:${port}/`, file], { env: { ...env, HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] });
          let err = '';
          child.stderr.on('data', (d) => (err += d));
          child.on('exit', (code) => (code === 0 ? res() : rej(new Error(`fossil clone ${i + 1} of ${n} failed (${code}):\n${err.slice(-1000)}`))));
        });
      }),
    );
  } finally {
    await srv.stop();
  }
  const wall = (performance.now() - t0) / 1000;
  for (let i = 0; i < n; i++) {
    const file = join(work, `together-${i}.fossil`);
    if (count(file) !== artifacts) throw new Error(`clone ${i + 1} of ${n} holds ${count(file)} artifacts, the source ${artifacts}`);
    rmSync(file, { force: true });
  }
  return { wall, kb: srv.peakKb() };
}

const served = join(work, 'served.fossil');
copyFileSync(source, served);
const results = [];
try {
  console.log(`repository: ${source} (${count(served)} artifacts)`);
  const best = (a, b) => (a ? { wall: Math.min(a.wall, b.wall), kb: Math.min(a.kb, b.kb) } : b);
  let base;
  let ours;
  let theirs;
  let fossilServerKb = Infinity;
  let ourServerKb = Infinity;
  for (let run = 1; run <= runs; run++) {
    for (const f of ['fossil-from-fossil', 'edgesync-from-fossil', 'fossil-from-edgesync']) rmSync(join(work, `${f}.fossil`), { force: true });
    // 1 and 2: fossil server.
    const p1 = await freePort();
    const fsrv = await startServer('fossil', ['server', '--localhost', '--port', String(p1), served], p1);
    base = best(base, await timed('fossil', ['clone', `http://127.0.0.1:${p1}/`, join(work, 'fossil-from-fossil.fossil')]));
    fossilServerKb = Math.min(fossilServerKb, fsrv.peakKb());
    ours = best(ours, await timed(cli, ['clone', `http://127.0.0.1:${p1}/`, join(work, 'edgesync-from-fossil.fossil')]));
    await fsrv.stop();
    // 3: edgesync serve.
    const p2 = await freePort();
    const esrv = await startServer(cli, ['serve', '-R', served, '--http', `127.0.0.1:${p2}`], p2);
    theirs = best(theirs, await timed('fossil', ['clone', `http://127.0.0.1:${p2}/`, join(work, 'fossil-from-edgesync.fossil')]));
    ourServerKb = Math.min(ourServerKb, esrv.peakKb());
    await esrv.stop();
    if (runs > 1) console.log(`run ${run}/${runs} done`);
  }

  const counts = ['fossil-from-fossil', 'edgesync-from-fossil', 'fossil-from-edgesync'].map((n) => count(join(work, `${n}.fossil`)));
  if (new Set(counts).size !== 1) throw new Error(`the clones differ in artifact count: ${counts.join(', ')}`);

  const mb = (kb) => (kb / 1024).toFixed(0);
  const ratio = (a, b) => (a / b).toFixed(2);
  results.push(
    ['fossil clone <- fossil server (baseline)', base.wall, base.kb, '1.00', '1.00'],
    ['edgesync clone <- fossil server', ours.wall, ours.kb, ratio(ours.wall, base.wall), ratio(ours.kb, base.kb)],
    ['fossil clone <- edgesync serve (client)', theirs.wall, theirs.kb, ratio(theirs.wall, base.wall), ratio(theirs.kb, base.kb)],
    ['  server side: fossil server', '', fossilServerKb, '', '1.00'],
    ['  server side: edgesync serve', '', ourServerKb, '', ratio(ourServerKb, fossilServerKb)],
  );
  console.log(`\n${'run'.padEnd(42)} ${'wall s'.padStart(8)} ${'peak MB'.padStart(8)} ${'wall x'.padStart(7)} ${'mem x'.padStart(7)}`);
  for (const [name, wall, kb, rw, rm] of results) {
    console.log(`${name.padEnd(42)} ${String(wall === '' ? '' : wall.toFixed(2)).padStart(8)} ${mb(kb).padStart(8)} ${rw.padStart(7)} ${rm.padStart(7)}`);
  }
  const size = (n) => statSync(join(work, `${n}.fossil`)).size;
  console.log(`\nall three clones hold ${counts[0]} artifacts; ratios are against the baseline (<= 1.00: as fast / as small as fossil)`);
  console.log(`file size: fossil's clone ${(size('fossil-from-fossil') / 1048576).toFixed(1)} MB, ours ${(size('edgesync-from-fossil') / 1048576).toFixed(1)} MB (${(size('edgesync-from-fossil') / size('fossil-from-fossil')).toFixed(2)}x)`);
  if (together) {
    const fossilTogether = await clonesTogether(together, (p) => startServer('fossil', ['server', '--localhost', '--port', String(p), served], p), counts[0]);
    const ourTogether = await clonesTogether(together, (p) => startServer(cli, ['serve', '-R', served, '--http', `127.0.0.1:${p}`], p), counts[0]);
    console.log(`\n${together} fossil clones at once ${'wall s'.padStart(22)} ${'server MB'.padStart(10)} ${'wall x'.padStart(7)} ${'mem x'.padStart(7)}`);
    console.log(`${'  <- fossil server'.padEnd(42)} ${fossilTogether.wall.toFixed(2).padStart(8)} ${mb(fossilTogether.kb).padStart(10)} ${'1.00'.padStart(7)} ${'1.00'.padStart(7)}`);
    console.log(`${'  <- edgesync serve'.padEnd(42)} ${ourTogether.wall.toFixed(2).padStart(8)} ${mb(ourTogether.kb).padStart(10)} ${ratio(ourTogether.wall, fossilTogether.wall).padStart(7)} ${ratio(ourTogether.kb, fossilTogether.kb).padStart(7)}`);
    console.log(`each of the ${2 * together} clones holds ${counts[0]} artifacts`);
  }
  if (check) {
    const sourceArtifacts = artifactSet(served);
    for (const n of ['fossil-from-fossil', 'edgesync-from-fossil', 'fossil-from-edgesync']) checkClone(join(work, `${n}.fossil`), sourceArtifacts);
    console.log('fossil test-integrity passes on all three clones, and each holds exactly the source\'s artifacts');
    const t = spawnSync('npx', ['vitest', 'run', 'tests/interop/rebuild-large.test.ts'], { cwd: root, env: { ...process.env, BENCH_REPO: resolve(source) }, encoding: 'utf8', maxBuffer: 1 << 28 });
    if (t.status !== 0) throw new Error(`the large-repository test fails:\n${(t.stdout + t.stderr).slice(-3000)}`);
    console.log('large-repository test (our clone\'s derived tables = fossil rebuild of it): passed');
  }
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
}
