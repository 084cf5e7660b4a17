// Shared helpers for the benchmark scripts: timing child processes (wall time and peak RSS),
// copying repositories, and printing ratio tables against upstream fossil.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(ROOT, 'dist/cli/main.js');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

export function requireBuilt() {
  if (!existsSync(CLI)) {
    console.error(`${CLI} is missing: run npm run build:cli (or npm test) first`);
    process.exit(2);
  }
}

export function scratchDir() {
  return mkdtempSync(join(tmpdir(), 'edgesync-bench-'));
}

export function copy(src, dir, name) {
  const dest = join(dir, name);
  copyFileSync(src, dest);
  return dest;
}

/** Run a command, returning wall seconds and peak RSS in MB (when /usr/bin/time is there). */
export function measure(cmd, args, opts = {}) {
  const env = { ...process.env, HOME: opts.home ?? process.env.HOME, USER: process.env.USER || 'bench', ...opts.env };
  const full = TIME ? [TIME, ['-f', '__RSS_KB=%M', cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], { cwd: opts.cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const m = /__RSS_KB=(\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0 && !opts.allowFail) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${(r.stderr ?? '').slice(-2000)}${(r.stdout ?? '').slice(-2000)}`);
  }
  return { seconds, rssMB: m ? Number(m[1]) / 1024 : NaN, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Print rows of {task, fossil: {seconds, rssMB}, ours: {seconds, rssMB}} with ratios ours/fossil. */
export function printTable(title, rows) {
  console.log(`\n${title}`);
  console.log('task'.padEnd(34) + 'fossil s'.padStart(10) + 'edgesync s'.padStart(12) + 'ratio'.padStart(8) + 'fossil MB'.padStart(11) + 'edgesync MB'.padStart(13) + 'ratio'.padStart(8));
  for (const r of rows) {
    const f = (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '-');
    console.log(
      r.task.padEnd(34) + f(r.fossil.seconds).padStart(10) + f(r.ours.seconds).padStart(12) + f(r.ours.seconds / r.fossil.seconds).padStart(8) +
      f(r.fossil.rssMB, 0).padStart(11) + f(r.ours.rssMB, 0).padStart(13) + f(r.ours.rssMB / r.fossil.rssMB).padStart(8),
    );
  }
}

/** pid and its descendants, from /proc. */
export function processTree(pid) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...(children.get(all[i]) ?? []));
  return all;
}
