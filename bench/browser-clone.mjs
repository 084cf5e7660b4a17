// The browser clone of a large real-history repository: headless Chromium opens the web app
// served by `edgesync hub`, and its worker clones the repository over NATS WebSocket into OPFS
// (transfer, hash checks and rebuild: everything until the repository is ready). Against
// `fossil clone http://…` from `fossil server` on the same file, in the same run. Prints the
// ratio (goal <= 1.5) and the peak memory of the page's renderer process, which runs the worker.
// Usage: node bench/browser-clone.mjs [REPO=/work/bench-data/fossil-history.fossil]
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CLI, ROOT, copy, measure, requireBuilt, scratchDir } from './lib.mjs';
import { freePort, timeFossilClone } from './nats-lib.mjs';

requireBuilt();
if (!existsSync(join(ROOT, 'dist/web/index.html'))) {
  console.error('dist/web is missing: run npm run build:web (or npm test) first');
  process.exit(2);
}
const src = process.argv[2] ?? '/work/bench-data/fossil-history.fossil';
if (!existsSync(src)) {
  console.error(`no repository at ${src}`);
  process.exit(2);
}

/** Chromium renderer processes now running, with their peak resident memory in MB. */
function renderers() {
  const out = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer')) continue;
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      out.push({ pid: Number(pid), peakMB: m ? Number(m[1]) / 1024 : NaN });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function startHub(dir, repo) {
  const [port, wsPort, webPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(CLI, ['hub', '--dir', join(dir, 'hub'), '--port', String(port), '--ws-port', String(wsPort), '--web-port', String(webPort), '--serve', repo], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const until = Date.now() + 60_000;
  while (!/^hub ready/m.test(out)) {
    if (child.exitCode !== null || Date.now() > until) throw new Error(`edgesync hub did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    process.kill(child.pid, 'SIGTERM');
  });
  // The read link carries the hub's read credentials.
  const read = new URLSearchParams(/read \S+: \S+#\/clone\?(\S+)/.exec(out)[1]);
  return { web: /Web app:\s+(\S+)/.exec(out)[1], ws: `ws://127.0.0.1:${wsPort}`, auth: { user: read.get('user'), password: read.get('password') }, stop };
}

const dir = scratchDir();
const env = { HOME: dir, USER: 'bench', FOSSIL_USER: 'bench' };
const stops = [];
try {
  const served = copy(src, dir, 'served.fossil');
  const info = measure('fossil', ['info', '-R', served], { home: dir }).stdout;
  const code = /project-code:\s+([0-9a-f]+)/.exec(info)[1];

  const fossilRun = await timeFossilClone(served, dir, env);

  const hub = await startHub(dir, served);
  stops.push(hub.stop);
  // A persistent profile, as a user's browser has: in a fresh context (incognito) Chromium keeps
  // OPFS in memory behind its browser process, and every read and write of the file is a round
  // trip to it, several times slower than the disk.
  const before = new Set(renderers().map((r) => r.pid));
  const browser = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  stops.push(() => browser.close());
  const page = browser.pages()[0] ?? (await browser.newPage());
  const logs = [];
  page.on('console', (m) => /\bclone: /.test(m.text()) && logs.push(m.text()));
  await page.goto(hub.web);
  await page.waitForFunction(() => globalThis.edgesync !== undefined);
  await page.evaluate(() => globalThis.edgesync.init());
  const t0 = process.hrtime.bigint();
  const summary = await page.evaluate(({ hub, code, auth }) => globalThis.edgesync.repos.clone({ hub, projectCode: code, name: 'bench', auth, role: 'reader' }), { hub: hub.ws, code, auth: hub.auth });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const mine = renderers().filter((r) => !before.has(r.pid));
  const peakMB = Math.max(...mine.map((r) => r.peakMB));
  const checkins = summary.checkins;
  const fossilCheckins = Number(/check-ins:\s+(\d+)/.exec(info)?.[1] ?? NaN);

  const f = (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '-');
  console.log(`\nBrowser clone of ${src} (${(readFileSync(src).length / 1e6).toFixed(0)} MB, ${checkins} check-ins in the clone, fossil info says ${fossilCheckins})`);
  console.log(`  fossil clone over HTTP:               ${f(fossilRun.seconds)} s, peak ${f(fossilRun.rssMB, 0)} MB`);
  console.log(`  browser clone over NATS WebSocket:    ${f(seconds)} s, renderer (page + worker) peak ${f(peakMB, 0)} MB`);
  console.log(`  ratio browser / fossil:               ${f(seconds / fossilRun.seconds)} (goal <= 1.5)`);
  for (const l of logs) console.log(`  worker: ${l}`);
  console.log(`  OPFS file: ${(summary.bytes / 1e6).toFixed(0)} MB`);
} finally {
  for (const s of stops.reverse()) await s().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
