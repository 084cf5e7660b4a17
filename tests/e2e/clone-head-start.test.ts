// A share link opens the repository before its clone is done: real Chromium cloning from
// `edgesync hub` over NATS WebSocket, the served repository answering in small rounds
// (max-download), so the clone takes hundreds of them. The clone's head start brings the newest
// check-ins and the tip's files first: the page opens the repository, and its timeline, the
// tip's file list and the README show. At that moment the clone is held: the hub's nats-server
// is stopped (SIGSTOP), so nothing more can arrive while the test looks, and the clone must still
// be running. Then it is let go, the clone finishes, and the real fossil binary checks the file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { haveChromium, launchChromium, watchErrors } from '../helpers/browser.ts';
import { startHubCli, type RunningHub } from '../helpers/hub-cli.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';
import { artifactSet } from '../helpers/sync-fixtures.ts';
import { editText, randomText, rng } from '../helpers/edits.ts';
import { openNodeDb } from '../../src/db/better-sqlite3.ts';
import { Repository } from '../../src/repo/repository.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { createCheckin } from '../../src/repo/authoring/checkin.ts';
import { tipCheckin } from '../../src/repo/queries/resolve.ts';
import { HEAD_START_CHECKINS } from '../../src/sync/head-start.ts';

const WEB = join(import.meta.dirname, '../../dist/web');
const ready = haveChromium() && haveTool('fossil') && haveTool('nats-server');
const enc = (s: string) => new TextEncoder().encode(s);
const README = '# History\n\nA repository with a long history, for the head start.\n';

/** A repository of `checkins` check-ins (a README and a few files), answering clones in rounds of ~1 kB. */
function makeRepo(path: string, checkins: number): void {
  // Its first check-in before the others, so the newest is the last one made.
  const repo = Repository.create(openNodeDb(path, { create: true }), { adminUser: 'alice', crosslinker: crosslinkerFactory, date: new Date(Date.UTC(2025, 11, 31)) });
  const r = rng(9);
  const texts = Array.from({ length: 4 }, () => randomText(r, 40));
  let parent = tipCheckin(repo.db)!;
  for (let c = 0; c < checkins; c++) {
    const i = c % texts.length;
    texts[i] = editText(r, texts[i]!, 2);
    const files = [{ name: 'README.md', content: enc(README) }, ...texts.map((t, k) => ({ name: `src/file-${k}.txt`, content: enc(t) }))];
    parent = createCheckin(repo, { parent, comment: `change ${c}`, user: 'alice', files, date: new Date(Date.UTC(2026, 0, 1, 0, c)) }).rid;
  }
  repo.config.set('max-download', 1000);
  repo.db.close();
}

/** The pid of the hub's nats-server (its child, started with the config in the hub's directory). */
function natsServerOf(hub: RunningHub): number {
  const conf = join(hub.dir, 'nats-server.conf');
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (cmd.some((a) => a.endsWith('nats-server')) && cmd.includes(conf)) return Number(d);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no nats-server with ${conf}`);
}

const newestFirst = (file: string, n: number) =>
  fossil(['sql', '-R', file, `SELECT uuid FROM event JOIN blob ON rid=objid WHERE type='ci' ORDER BY mtime DESC LIMIT ${n}`]).stdout.split('\n').map((l) => l.replace(/'/g, '').trim()).filter(Boolean);

describe.skipIf(!ready)('a share link to a long history', () => {
  let browser: Browser;
  let hub: RunningHub;
  let held: number | undefined;
  const tmp = tempDir('edgesync-headstart-e2e-');
  let source: string;
  let made: string[];

  beforeAll(async () => {
    if (!existsSync(join(WEB, 'index.html'))) throw new Error(`${WEB} is missing: build the web app first (npm test does)`);
    source = join(tmp.dir, 'history.fossil');
    makeRepo(source, 400);
    made = artifactSet(source);
    hub = await startHubCli(join(tmp.dir, 'hub'), [source]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    if (held !== undefined) process.kill(held, 'SIGCONT');
    await browser?.close();
    await hub?.stop();
    tmp.cleanup();
  });

  async function repoSummary(page: Page) {
    return page.evaluate(async () => {
      const api = (globalThis as unknown as { edgesync: { repos: { list(): Promise<{ name: string; unfinished: boolean; checkins: number }[]> } } }).edgesync;
      return (await api.repos.list()).find((r) => r.name === 'history');
    });
  }

  it('shows the newest check-ins, the tip files and the README while the clone runs, then finishes whole', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(hub.shares.history!);
    // The head start opens the repository while the clone goes on.
    await page.waitForURL(/#\/repo\/history$/, { timeout: 120_000 });
    await page.getByTestId('timeline').locator('li').first().waitFor();
    // Hold the clone: nothing reaches the page until nats-server goes on.
    held = natsServerOf(hub);
    process.kill(held, 'SIGSTOP');

    const newest = newestFirst(source, HEAD_START_CHECKINS);
    expect(newest).toHaveLength(HEAD_START_CHECKINS);
    const shown = page.getByTestId('timeline').locator('li');
    await expect.poll(() => shown.count()).toBe(HEAD_START_CHECKINS);
    expect(await shown.evaluateAll((els) => els.map((e) => e.getAttribute('data-uuid')))).toEqual(newest);
    // The page says the clone is still under way, and it is.
    await expect.poll(() => page.getByTestId('sync-progress').textContent()).toMatch(/^Cloning: \d+ of about \d+ artifacts/);
    const during = await repoSummary(page);
    expect(during?.unfinished).toBe(true);

    // The tip's files, as fossil lists them.
    await page.goto(new URL('#/repo/history/files', page.url()).toString());
    const rows = page.getByTestId('file-list').locator('tr td:first-child');
    await rows.first().waitFor();
    const tipFiles = fossil(['ls', '-R', source, '-r', 'tip']).stdout.split('\n').filter(Boolean);
    const top = tipFiles.filter((f) => !f.includes('/')).concat([...new Set(tipFiles.filter((f) => f.includes('/')).map((f) => `${f.split('/')[0]}/`))]);
    expect((await rows.allTextContents()).map((t) => t.trim()).sort()).toEqual(top.sort());
    await page.goto(new URL('#/repo/history/files/tip/src', page.url()).toString());
    await expect.poll(async () => (await page.getByTestId('file-list').locator('tr td:first-child').allTextContents()).map((t) => t.trim()).sort())
      .toEqual(tipFiles.filter((f) => f.startsWith('src/')).map((f) => f.slice(4)).sort());
    // The README, as the file page shows it.
    await page.goto(new URL('#/repo/history/file/tip/README.md', page.url()).toString());
    await expect.poll(() => page.getByTestId('file-text').textContent()).toBe(README);

    // Still held: the clone has not finished meanwhile.
    expect((await repoSummary(page))?.unfinished).toBe(true);
    process.kill(held, 'SIGCONT');
    held = undefined;

    // It finishes; the file is whole and holds every artifact of the source.
    await expect.poll(async () => (await repoSummary(page))?.unfinished, { timeout: 240_000, interval: 500 }).toBe(false);
    await page.goto(new URL('#/repo/history', page.url()).toString());
    const file = join(tmp.dir, 'cloned.fossil');
    const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download').click()]);
    await d.saveAs(file);
    expect(fossil(['test-integrity', '-R', file]).stdout).toMatch(/ 0 errors/);
    const mine = new Set(artifactSet(file));
    // Every artifact made for it, and nothing the source does not hold (serving it can add cluster
    // artifacts, as fossil's server does, which the clone may or may not have fetched).
    expect(made.filter((u) => !mine.has(u))).toEqual([]);
    const now = new Set(artifactSet(source));
    expect([...mine].filter((u) => !now.has(u))).toEqual([]);
    expect(fossil(['timeline', '-n', '0', '-R', file]).stdout).toBe(fossil(['timeline', '-n', '0', '-R', source]).stdout);
    expect(errors).toEqual([]);
    await ctx.close();
  }, 400_000);

  it('a reload while the clone is held still shows the head, and the clone then resumes to a whole file', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(hub.shares.history!);
    await page.waitForURL(/#\/repo\/history$/, { timeout: 120_000 });
    await page.getByTestId('timeline').locator('li').first().waitFor();
    held = natsServerOf(hub);
    process.kill(held, 'SIGSTOP');
    // The head start was committed at once: after a reload the page reads it from storage.
    await page.reload();
    const shown = page.getByTestId('timeline').locator('li');
    await expect.poll(() => shown.count(), { timeout: 120_000 }).toBe(HEAD_START_CHECKINS);
    expect(await shown.evaluateAll((els) => els.map((e) => e.getAttribute('data-uuid')))).toEqual(newestFirst(source, HEAD_START_CHECKINS));
    expect((await repoSummary(page))?.unfinished).toBe(true);
    process.kill(held, 'SIGCONT');
    held = undefined;
    await expect.poll(async () => (await repoSummary(page))?.unfinished, { timeout: 240_000, interval: 500 }).toBe(false);
    const file = join(tmp.dir, 'reloaded.fossil');
    const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download').click()]);
    await d.saveAs(file);
    expect(fossil(['test-integrity', '-R', file]).stdout).toMatch(/ 0 errors/);
    const mine = new Set(artifactSet(file));
    expect(made.filter((u) => !mine.has(u))).toEqual([]);
    await ctx.close();
  }, 400_000);
});
