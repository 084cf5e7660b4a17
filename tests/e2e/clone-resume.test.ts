// A browser clone that is interrupted resumes where it stopped: real Chromium cloning from
// `edgesync hub` over NATS WebSocket straight into OPFS, interrupted once by a reload of the page,
// once by closing the tab that ran it (another tab of the browser takes it over) and once by the
// hub going away, and the real fossil binary checking the finished file. The
// served repository answers in small rounds (max-download), so the clone takes many of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { haveChromium, launchChromium, watchErrors } from '../helpers/browser.ts';
import { startHubCli, type RunningHub } from '../helpers/hub-cli.ts';
import { restartHubCli } from '../helpers/hub-restart.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';
import { artifactSet } from '../helpers/sync-fixtures.ts';
import { editText, randomText, rng } from '../helpers/edits.ts';
import { openNodeDb } from '../../src/db/better-sqlite3.ts';
import { Repository } from '../../src/repo/repository.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { createCheckin } from '../../src/repo/authoring/checkin.ts';
import { tipCheckin } from '../../src/repo/queries/resolve.ts';

const WEB = join(import.meta.dirname, '../../dist/web');
const ready = haveChromium() && haveTool('fossil') && haveTool('nats-server');
const enc = (s: string) => new TextEncoder().encode(s);

/** A repository of `checkins` check-ins over a few files, answering clones about one artifact a round. */
function makeRepo(path: string, checkins: number): number {
  const repo = Repository.create(openNodeDb(path, { create: true }), { adminUser: 'alice', crosslinker: crosslinkerFactory });
  const r = rng(5);
  const texts = Array.from({ length: 4 }, () => randomText(r, 40));
  let parent = tipCheckin(repo.db)!;
  for (let c = 0; c < checkins; c++) {
    const i = c % texts.length;
    texts[i] = editText(r, texts[i]!, 2);
    const files = texts.map((t, k) => ({ name: `src/file-${k}.txt`, content: enc(t) }));
    parent = createCheckin(repo, { parent, comment: `change ${c}`, user: 'alice', files, date: new Date(Date.UTC(2026, 0, 1, 0, c)) }).rid;
  }
  repo.config.set('max-download', 200);
  const n = repo.db.value<number>('SELECT count(*) FROM blob')!;
  repo.db.close();
  return n;
}

/** How many artifacts of the running clone the page says are kept in storage (0 before any). */
async function keptSoFar(page: Page): Promise<number> {
  const kept = await page.getByTestId('clone-saved').getAttribute('data-saved', { timeout: 1000 }).catch(() => null);
  return Number(kept ?? 0);
}

/** Wait until the clone has resumed and finished, and the repository is listed as a finished clone. */
async function waitResumed(page: Page, name: string, logs: string[]): Promise<void> {
  await expect.poll(() => logs.some((l) => /\bresumed\b/.test(l)), { timeout: 180_000 }).toBe(true);
  await page.goto(new URL('#/', page.url()).toString());
  const card = page.getByTestId('repo-list').locator('li', { hasText: name });
  await card.waitFor({ timeout: 60_000 });
  // The list catches up with the end of the clone a moment after the worker logs it.
  await expect.poll(async () => `${await card.textContent()} ${await card.getByTestId('repo-clone-progress').count()}`, { timeout: 60_000 }).toMatch(/\d+ check-ins(?!.*unfinished).* 0$/);
}

async function download(page: Page, name: string, to: string): Promise<void> {
  await page.goto(new URL(`#/repo/${name}`, page.url()).toString());
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download').click()]);
  await d.saveAs(to);
}

describe.skipIf(!ready)('a browser clone interrupted', () => {
  let browser: Browser;
  let hub: RunningHub;
  const tmp = tempDir('edgesync-resume-');
  let source: string;
  let artifacts: number;
  let made: string[];

  beforeAll(async () => {
    if (!existsSync(join(WEB, 'index.html'))) throw new Error(`${WEB} is missing: build the web app first (npm test does)`);
    source = join(tmp.dir, 'history.fossil');
    artifacts = makeRepo(source, 3000);
    made = artifactSet(source);
    hub = await startHubCli(join(tmp.dir, 'hub'), [source]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    tmp.cleanup();
  });

  /** Open the share link in a fresh browser profile; clone logs ("clone: …") are collected. */
  async function startClone(): Promise<{ ctx: BrowserContext; page: Page; logs: string[] }> {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    if (process.env.EDGESYNC_DEBUG) watchErrors(page);
    const logs: string[] = [];
    page.on('console', (m) => /\bclone: /.test(m.text()) && logs.push(m.text()));
    await page.goto(hub.shares.history!);
    // Interrupted once some of it is committed (a clone commits every couple of seconds), and
    // well before it ends.
    await expect.poll(() => keptSoFar(page), { timeout: 120_000, interval: 50 }).toBeGreaterThanOrEqual(40);
    expect(await keptSoFar(page)).toBeLessThan(artifacts - 100);
    return { ctx, page, logs };
  }

  function expectResumed(logs: string[]): void {
    const resumed = logs.find((l) => /\bresumed\b/.test(l));
    expect(resumed, logs.join('\n')).toBeDefined();
    const got = Number(/clone: (\d+) artifacts/.exec(resumed!)![1]);
    // The resumption fetched only what was missing.
    expect(got).toBeGreaterThan(0);
    expect(got).toBeLessThan(artifacts - 30);
  }

  /**
   * Whole, and the same artifacts as the source: every artifact made for it, and nothing it does
   * not hold (serving it can add cluster artifacts, as fossil's server does, which a clone may or
   * may not have fetched yet).
   */
  function expectSameFile(file: string): void {
    expect(fossil(['test-integrity', '-R', file]).stdout).toMatch(/ 0 errors/);
    const mine = artifactSet(file);
    expect(made.filter((u) => !mine.includes(u))).toEqual([]);
    const now = new Set(artifactSet(source));
    expect(mine.filter((u) => !now.has(u))).toEqual([]);
  }

  it('a reload in the middle: the clone goes on where it stopped, and the file is whole', async () => {
    const { ctx, page, logs } = await startClone();
    await page.reload();
    await waitResumed(page, 'history', logs);
    expectResumed(logs);
    const file = join(tmp.dir, 'reloaded.fossil');
    await download(page, 'history', file);
    expectSameFile(file);
    await ctx.close();
  }, 300_000);

  it('the tab running it closed while another tab is open: that tab takes the clone over, and the file is whole', async () => {
    const { ctx, page } = await startClone();
    // A second tab of the same browser; the first tab's worker holds the repositories and clones.
    const other = await ctx.newPage();
    if (process.env.EDGESYNC_DEBUG) watchErrors(other);
    const logs: string[] = [];
    other.on('console', (m) => /\bclone: /.test(m.text()) && logs.push(m.text()));
    await other.goto(new URL('#/', hub.webUrl).href);
    await other.getByTestId('repo-list').waitFor();
    expect(await other.evaluate(() => (globalThis as unknown as { edgesync: { leading(): Promise<boolean> } }).edgesync.leading())).toBe(false);
    await page.close();
    // Its worker takes the lead, opens the storage, and the interrupted clone goes on there.
    await waitResumed(other, 'history', logs);
    expectResumed(logs);
    expect(await other.evaluate(() => (globalThis as unknown as { edgesync: { leading(): Promise<boolean> } }).edgesync.leading())).toBe(true);
    const file = join(tmp.dir, 'taken-over.fossil');
    await download(other, 'history', file);
    expectSameFile(file);
    await ctx.close();
  }, 300_000);

  it('the hub lost in the middle: the clone goes on when it is back, and the file is whole', async () => {
    const { ctx, page, logs } = await startClone();
    await hub.stop();
    // The clone gives up on the hub (its transport retries for a while first) and says so.
    await page.getByRole('alert').waitFor({ timeout: 90_000 });
    hub = await restartHubCli(hub, join(tmp.dir, 'hub'), [source]);
    await waitResumed(page, 'history', logs);
    expectResumed(logs);
    const file = join(tmp.dir, 'reconnected.fossil');
    await download(page, 'history', file);
    expectSameFile(file);
    await ctx.close();
  }, 300_000);
});
