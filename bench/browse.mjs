// Reading a large repository in the browser: headless Chromium opens the built web app, the
// repository is imported into OPFS through the worker API (globalThis.edgesync.repos.importFile), then
// we time, from the moment the URL changes:
//   - first paint of the timeline (first rows on screen, after the next frame), cold and warm;
//   - opening a check-in with ~100 changed files: its file list painted, and the diffs on screen.
//   - every page's first paint as a new user sees it: the app reloaded, the repository page, then
//     the page (timeline, check-in, files at tip, branches, tags, leaves, stats, file history, search, ...).
// Goal: first paint of the timeline and of the check-in under 200 ms; of every page under 300 ms.
// Usage: node bench/browse.mjs [REPO=/work/bench-data/fossil-history.fossil] [RUNS=5]
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import Database from 'better-sqlite3';
import { chromium } from 'playwright-core';
import { ROOT, median } from './lib.mjs';

const WEB = join(ROOT, 'dist/web');
if (!existsSync(join(WEB, 'index.html'))) {
  console.error('dist/web is missing: run npm run build:web first');
  process.exit(2);
}
const src = process.argv[2] ?? '/work/bench-data/fossil-history.fossil';
const runs = Number(process.argv[3] ?? 5);
const GOAL = 300;
if (!existsSync(src)) {
  console.error(`no repository at ${src}`);
  process.exit(2);
}

// The check-ins to open (a different one each run, so none is read from a warm cache): those whose
// changes against their primary parent number closest to 100.
const db = new Database(src, { readonly: true });
const targets = db.prepare(`SELECT b.uuid AS uuid, count(*) AS n FROM mlink m JOIN blob b ON b.rid=m.mid
  WHERE m.isaux=0 GROUP BY m.mid ORDER BY abs(count(*)-100), m.mid DESC LIMIT ?`).all(runs);
const events = db.prepare('SELECT count(*) AS n FROM event').get().n;
// The file with the longest history (its page lists the newest 50 changes first).
const historyPath = db.prepare('SELECT name FROM filename JOIN mlink USING(fnid) GROUP BY fnid ORDER BY count(*) DESC, name LIMIT 1').pluck().get();
const artifacts = db.prepare('SELECT count(*) AS n FROM blob').get().n;
db.close();

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.json': 'application/json', '.webmanifest': 'application/manifest+json', '.png': 'image/png' };
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
  try {
    if (path === '/bench-repo.fossil') {
      res.writeHead(200, { ...headers, 'Content-Type': 'application/octet-stream', 'Content-Length': statSync(src).size });
      res.end(readFileSync(src));
      return;
    }
    const file = join(WEB, path.endsWith('/') ? `${path}index.html` : path);
    const body = readFileSync(file);
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  if (process.env.TRACE) page.on('console', (m) => m.text().includes('[trace]') && console.log(m.text()));
  await page.goto(url);
  await page.waitForFunction(() => globalThis.edgesync !== undefined);
  const t0 = Date.now();
  const summary = await page.evaluate(async () => {
    await globalThis.edgesync.init();
    const bytes = new Uint8Array(await (await fetch('/bench-repo.fossil')).arrayBuffer());
    const r = await globalThis.edgesync.repos.importFile('bench', bytes);
    return r.repo;
  });
  const importSeconds = (Date.now() - t0) / 1000;
  // The search index: made in the background after an import; a search before that is done
  // makes the rest itself. Made here first, so that no page below is timed while it is made.
  const t1 = Date.now();
  await page.evaluate(() => globalThis.edgesync.browse.search('bench', 'sync', { limit: 1 }));
  const indexSeconds = (Date.now() - t1) / 1000;

  /**
   * Milliseconds from setting the hash until each milestone in turn is on screen: its selector
   * matches at least `min` elements, nothing is loading, and the next frame has been produced.
   */
  const timeTo = (hash, milestones) => page.evaluate(async ({ hash, milestones }) => {
    const start = performance.now();
    const times = [];
    location.hash = hash;
    for (const [selector, min] of milestones) {
      await new Promise((resolve, reject) => {
        const check = () => {
          if (document.querySelectorAll(selector).length >= min && !document.querySelector('[aria-busy=true]')) resolve();
          else if (performance.now() > start + 60_000) reject(new Error(`timeout waiting for ${selector}`));
          else requestAnimationFrame(check);
        };
        check();
      });
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      times.push(performance.now() - start);
    }
    return times;
  }, { hash, milestones });
  const away = async () => {
    await page.evaluate(() => (location.hash = '#/'));
    await page.waitForSelector('text=bench');
  };

  const overview = async () => {
    await page.evaluate(() => (location.hash = '#/repo/bench'));
    await page.waitForSelector('[data-testid=timeline] li');
    await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'));
    await settle();
  };
  // The worker answers in order, so once a cheap call returns every earlier request is done;
  // twice, in case finishing one started another.
  const settle = async () => {
    for (let i = 0; i < 2; i++) {
      await page.waitForTimeout(300);
      await page.evaluate(() => globalThis.edgesync.repos.list());
    }
  };

  // Diffs load for the files on screen: the first five files' diffs (or their notes) painted.
  const FIRST_DIFFS = '.changed-file:nth-child(-n+5) .diff, .changed-file:nth-child(-n+5) .diff-note';
  const timeline = [];
  const timelineCold = [];
  const checkinList = [];
  const checkinDiffs = [];
  for (let i = 0; i < runs; i++) {
    await overview();
    timeline.push((await timeTo('#/repo/bench/timeline', [['[data-testid=timeline-row]', 1]]))[0]);
    await away();
    await settle();
    timelineCold.push((await timeTo('#/repo/bench/timeline', [['[data-testid=timeline-row]', 1]]))[0]);
    await overview();
    const t = targets[i % targets.length];
    const [list, diffs] = await timeTo(`#/repo/bench/checkin/${t.uuid}`, [['.changed-file', t.n], [FIRST_DIFFS, 5]]);
    checkinList.push(list);
    checkinDiffs.push(diffs);
  }
  // Every page as a new user first sees it: the app reloaded (a new worker, SQLite's page cache
  // empty), the repository page shown, then the page opened from there; the median over the runs.
  const fresh = async () => {
    await page.reload();
    await page.waitForFunction(() => globalThis.edgesync !== undefined);
    await overview();
  };
  const pages = [
    ['timeline', () => 'timeline', '[data-testid=timeline-row]'],
    ['check-in', (i) => `checkin/${targets[i % targets.length].uuid}`, '.changed-file'],
    ['files at tip', () => 'files/tip', '[data-testid=file-list] tr'],
    ['branches', () => 'branches', '[data-testid=branch-list] tbody tr'],
    ['tags', () => 'tags', '[data-testid=tag-list] li'],
    ['leaves', () => 'leaves', '[data-testid=leaf-list] li'],
    ['stats', () => 'stats', '[data-testid=stats]'],
    [`file history (${historyPath})`, () => `finfo/${historyPath}`, '[data-testid=file-history] li'],
    ['wiki pages', () => 'wiki', '[data-testid=wiki-list] li, .browse .muted'],
    ['tickets', () => 'tickets', '[data-testid=ticket-list] tbody tr, .browse .muted'],
    ['search (one word: sync)', () => 'search?q=sync', '[data-testid=search-comment-count]'],
    ['search (two words: merge trunk)', () => 'search?q=merge%20trunk', '[data-testid=search-comment-count]'],
  ];
  const firstPaint = new Map(pages.map(([label]) => [label, []]));
  for (let i = 0; i < runs; i++) {
    for (const [label, hash, sel] of pages) {
      await fresh();
      firstPaint.get(label).push((await timeTo(`#/repo/bench/${hash(i)}`, [[sel, 1]]))[0]);
    }
  }
  const f = (ms) => `${ms.toFixed(0)} ms`;
  console.log(`\nBrowsing ${src} (${(statSync(src).size / 1e6).toFixed(0)} MB, ${artifacts} artifacts, ${events} events, ${summary.checkins} check-ins) in Chromium`);
  console.log(`  import into OPFS:                          ${importSeconds.toFixed(1)} s`);
  console.log(`  search index, made at once by a first search: ${indexSeconds.toFixed(1)} s (otherwise made in the background after opening)`);
  console.log(`  timeline, first paint (from the repository page):  first ${f(timeline[0])}, median ${f(median(timeline))}, max ${f(Math.max(...timeline))}  (goal < 200 ms)`);
  console.log(`  timeline, first paint (from the home page, every repository-page request included): first ${f(timelineCold[0])}, median ${f(median(timelineCold))}, max ${f(Math.max(...timelineCold))}`);
  console.log(`  check-ins with ${targets.map((t) => t.n).join(', ')} changed files, a different one each run:`);
  console.log(`    file list painted (from the repository page): first ${f(checkinList[0])}, median ${f(median(checkinList))}, max ${f(Math.max(...checkinList))}  (goal < 200 ms)`);
  console.log(`    first five diffs painted:   first ${f(checkinDiffs[0])}, median ${f(median(checkinDiffs))}, max ${f(Math.max(...checkinDiffs))}`);
  console.log(`  first paint of each page as a new user (app reloaded, repository page, then the page), goal < ${GOAL} ms:`);
  for (const [label, ms] of firstPaint) {
    const m = median(ms);
    console.log(`    ${label.padEnd(34)} median ${f(m).padStart(8)}   first ${f(ms[0]).padStart(8)}   max ${f(Math.max(...ms)).padStart(8)}   ${m < GOAL ? 'meets the goal' : 'OVER the goal'}`);
  }
  console.log(`  runs: ${runs}; each measured from the URL change to the frame that shows it`);
} finally {
  await browser.close();
  server.close();
}
