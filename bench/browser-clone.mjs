// The browser clone of a large real-history repository: headless Chromium opens the read link
// `edgesync hub` prints, and its worker clones the repository over NATS WebSocket into OPFS.
// Prints, from opening the link: the first timeline rows on the repository's page, the tip's file
// list and the README shown (the clone's head start, src/sync/head-start.ts; goal under 3 s),
// then the whole clone (transfer, hash checks and linking: everything until the repository is
// ready) against `fossil clone http://…` from `fossil server` on the same file, in the same run
// (ratio, goal <= 1.5), and the peak memory of the page's renderer process, which runs the worker.
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

/** Chromium renderer processes now running, with their resident memory at its largest. */
function renderers() {
  const out = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      out.push({ pid: Number(pid), peakMB: residentMB(pid) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * A process's resident memory in MB: the larger of now and the kernel's high-water mark. That
 * mark alone is not enough: Chromium resets it now and then (it fell from 510 to 478 MB in the
 * middle of one clone), so the bench samples both.
 */
function residentMB(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    return Math.max(kb('VmHWM'), kb('VmRSS')) / 1024;
  } catch {
    return 0; // gone meanwhile
  }
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
  const link = /read \S+: (\S+#\/clone\?\S+)/.exec(out)[1];
  return { web: /Web app:\s+(\S+)/.exec(out)[1], link, stop };
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
  // The page's renderer (page + workers) at its largest: the largest new renderer, read every
  // 100 ms (new ones are looked for every second).
  let peakMB = 0;
  let mine = [];
  const look = () => (mine = renderers().filter((r) => !before.has(r.pid)).map((r) => r.pid));
  const scanner = setInterval(look, 1000);
  const sampler = setInterval(() => {
    for (const pid of mine) peakMB = Math.max(peakMB, residentMB(pid));
  }, 100);
  stops.push(async () => {
    clearInterval(scanner);
    clearInterval(sampler);
  });
  const browser = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  stops.push(() => browser.close());
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(900_000);
  const logs = [];
  page.on('console', (m) => /\bclone: /.test(m.text()) && logs.push(m.text()));
  // The app once, as a returning user has it cached, so the times below are the clone's.
  await page.goto(hub.web);
  await page.waitForFunction(() => globalThis.edgesync !== undefined);
  const readme = measure('fossil', ['ls', '-R', served, '-r', 'tip'], { home: dir }).stdout.split('\n').filter((f) => /^readme(\.\w+)?$/i.test(f))[0];
  // Opening the link is a page load, as from another tab or a chat message.
  await page.goto('about:blank');
  const t0 = process.hrtime.bigint();
  const t0ms = Date.now();
  const since = () => Number(process.hrtime.bigint() - t0) / 1e9;
  await page.goto(hub.link);
  // The head start opens the repository's page while the clone goes on.
  await page.waitForURL(/#\/repo\/[^/?]+$/);
  const name = decodeURIComponent(/#\/repo\/([^/?]+)/.exec(page.url())[1]);
  // Each time is the page's own clock when it first showed the thing (checked every frame), so
  // the bench's round trips to the browser are not counted.
  const shownAt = async (test) => (Number(await (await page.waitForFunction(test, undefined, { polling: 'raf' })).jsonValue()) - t0ms) / 1000;
  const timelineAt = await shownAt(() => document.querySelector('[data-testid=timeline] li') && Date.now());
  const shownRows = await page.getByTestId('timeline').locator('li').count();
  await page.goto(`${hub.web}#/repo/${name}/files`);
  const filesAt = await shownAt(() => document.querySelector('[data-testid=file-list] tr') && Date.now());
  let readmeAt = NaN;
  if (readme) {
    await page.goto(`${hub.web}#/repo/${name}/file/tip/${readme}`);
    readmeAt = await shownAt(() => (document.querySelector('[data-testid=file-text]')?.textContent ?? '').length > 0 && Date.now());
  }
  const unfinishedThen = (await page.evaluate(() => globalThis.edgesync.repos.list())).find((r) => r.name === name)?.unfinished;
  await page.goto(`${hub.web}#/repo/${name}`);
  // The whole clone: until the repository is no longer an unfinished one.
  let summary;
  for (;;) {
    summary = (await page.evaluate(() => globalThis.edgesync.repos.list())).find((r) => r.name === name);
    if (summary && !summary.unfinished) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const seconds = since();
  for (const r of renderers()) if (!before.has(r.pid)) peakMB = Math.max(peakMB, r.peakMB);
  const checkins = summary.checkins;
  const fossilCheckins = Number(/check-ins:\s+(\d+)/.exec(info)?.[1] ?? NaN);

  const f = (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '-');
  console.log(`\nBrowser clone of ${src} (${(readFileSync(src).length / 1e6).toFixed(0)} MB, ${checkins} check-ins in the clone, fossil info says ${fossilCheckins})`);
  console.log(`  from opening the read link, with the clone's head start (the clone still running then: ${unfinishedThen}):`);
  console.log(`    first timeline rows shown:          ${f(timelineAt)} s (${shownRows} check-ins on the overview; goal < 3 s)`);
  console.log(`    tip's file list shown:              ${f(filesAt)} s`);
  console.log(`    ${(readme ?? 'README').padEnd(12)} shown:                ${f(readmeAt)} s`);
  console.log(`  fossil clone over HTTP:               ${f(fossilRun.seconds)} s, peak ${f(fossilRun.rssMB, 0)} MB`);
  console.log(`  browser clone over NATS WebSocket:    ${f(seconds)} s, renderer (page + worker) peak ${f(peakMB, 0)} MB`);
  console.log(`  ratio browser / fossil:               ${f(seconds / fossilRun.seconds)} (goal <= 1.5)`);
  for (const l of logs) console.log(`  worker: ${l}`);
  console.log(`  OPFS file: ${(summary.bytes / 1e6).toFixed(0)} MB`);
} finally {
  for (const s of stops.reverse()) await s().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
