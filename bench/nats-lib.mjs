// NATS helpers for the benchmark scripts: a nats-server on a free loopback port with a
// generated config, and `edgesync serve --nats` / `fossil server` children, all stopped by pid.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { CLI, measure } from './lib.mjs';

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function waitForPort(port, child, ms = 15000) {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`exited with ${child.exitCode}`));
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve()));
      s.once('error', () => {
        s.destroy();
        if (Date.now() > until) reject(new Error(`nothing on port ${port}`));
        else setTimeout(attempt, 30);
      });
    };
    attempt();
  });
}

function stopper(child) {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      process.kill(child.pid, 'SIGTERM');
    });
}

/**
 * nats-server on a free port. With `members` (e.g. [{ name: 'a', role: 'server', projects: '*' }])
 * it has the users and subject permissions `edgesync hub` writes (the built dist/ modules), so
 * leaves vouch for each other as on a hub; `urlAs(name)` logs in as one (`hub` is added, all-powerful).
 */
export async function startNats(dir, { maxPayload, members } = {}) {
  const port = await freePort();
  const conf = join(dir, 'nats.conf');
  let auth = '';
  let made = [];
  if (members) {
    const { makeMember } = await import('../dist/nats/hub-members.js');
    const { authorizationText } = await import('../dist/nats/hub-config.js');
    made = [{ name: 'hub', role: 'hub', projects: '*' }, ...members].map((m) => makeMember(m));
    auth = `${authorizationText(made)}\n`;
  }
  writeFileSync(conf, `listen: "127.0.0.1:${port}"\n${maxPayload ? `max_payload: ${maxPayload}\n` : ''}${auth}`);
  const child = spawn('nats-server', ['-c', conf], { stdio: 'ignore' });
  await waitForPort(port, child);
  const member = (name) => made.find((m) => m.name === name);
  const urlAs = (name) => `nats://${name}:${encodeURIComponent(member(name).password)}@127.0.0.1:${port}`;
  return { url: `nats://127.0.0.1:${port}`, port, pid: child.pid, stop: stopper(child), member, urlAs };
}

/** `edgesync serve --nats`, ready when it prints its peer id. */
export function startLeaf(repo, natsUrl, extra = []) {
  const child = spawn(CLI, ['serve', '-R', repo, '--nats', natsUrl, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /as peer (\S+)/.exec(out);
      if (m) resolve({ peerId: m[1], pid: child.pid, stop: stopper(child), output: () => out });
    });
    child.stderr.on('data', (d) => (out += d));
    child.once('exit', (c) => reject(new Error(`serve exited ${c}\n${out}`)));
  });
}

export async function startFossilServer(repo, env) {
  const port = await freePort();
  const child = spawn('fossil', ['server', '--localhost', '--port', String(port), repo], { stdio: 'ignore', env });
  await waitForPort(port, child);
  return { url: `http://127.0.0.1:${port}/`, pid: child.pid, stop: stopper(child) };
}

/**
 * The reference every clone benchmark compares with: `fossil clone` over HTTP from
 * `fossil server` on the same file (wall time and peak memory, as `measure` gives them).
 */
export async function timeFossilClone(served, dir, env) {
  const server = await startFossilServer(served, { ...process.env, ...env });
  try {
    const clone = join(dir, 'fossil-clone.fossil');
    const run = measure('fossil', ['clone', server.url, clone], { home: dir, env });
    rmSync(clone, { force: true });
    return run;
  } finally {
    await server.stop();
  }
}

/** Peak resident memory of a running process, in MB (Linux). */
export function peakRssMB(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Run a command without blocking the event loop; resolves with its output. */
export function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('exit', (code) => (code === 0 ? resolve({ stdout, stderr }) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${stderr}`))));
  });
}

export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
