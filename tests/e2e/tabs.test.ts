// Several tabs of the web app on the same repositories at once, in real headless Chromium with
// `edgesync hub` (nats-server) and the real fossil binary: three tabs of one browser profile, one
// worker holding the repositories and the others sending their calls to it; writes from two tabs
// at once; the holding tab closed, and every tab left works on without a reload, with every write
// kept (each tab lists every check-in; the file downloaded from a remaining tab passes fossil
// test-integrity and has them all; the hub gets them too). Screenshots go to .tmp/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { haveChromium, launchChromium, watchErrors } from '../helpers/browser.ts';
import { copyFixture } from '../helpers/fossil-fixture.ts';
import { startHubCli, type RunningHub } from '../helpers/hub-cli.ts';
import { fossil, haveTool, sqlite, tempDir } from '../helpers/tools.ts';
import type { WorkerApi } from '../../src/peer/worker-api.ts';

const WEB = join(import.meta.dirname, '../../dist/web');
const SHOTS = join(import.meta.dirname, '../../.tmp/screenshots');
const ready = haveChromium() && haveTool('fossil') && haveTool('nats-server');

/** Check-in hashes as `fossil timeline` lists them, newest first, but for private ones (never synced). */
function fossilCheckins(repo: string): string[] {
  const out = fossil(['timeline', '-R', repo, '-t', 'ci', '-n', '0', '-F', '%H']).stdout;
  const priv = new Set(sqlite(repo, 'SELECT uuid FROM blob WHERE rid IN (SELECT rid FROM private)').split('\n').filter(Boolean));
  return out.split('\n').map((l) => l.trim()).filter((l) => /^[0-9a-f]{40,64}$/.test(l) && !priv.has(l));
}

/** The tab's worker API, as tests and the bench drive it (globalThis.edgesync). */
type Api = WorkerApi;

function leading(page: Page): Promise<boolean> {
  return page.evaluate(() => (globalThis as unknown as { edgesync: Api }).edgesync.leading());
}

function commit(page: Page, comment: string): Promise<string> {
  return page.evaluate(
    (c) => (globalThis as unknown as { edgesync: Api }).edgesync.repos.commit('demo', [{ name: `notes/${c.replace(/\W+/g, '-')}.txt`, text: `${c}\n` }], c, 'someone'),
    comment,
  );
}

/** Check-ins as the tab's worker API lists them. */
function apiCheckins(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await (globalThis as unknown as { edgesync: Api }).edgesync.repos.checkins('demo', 1000)).map((c) => c.uuid));
}

/** Check-ins as the tab's timeline shows them. */
function shownCheckins(page: Page): Promise<string[]> {
  return page.locator('[data-testid=timeline] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-uuid') ?? ''));
}

describe.skipIf(!ready)('many tabs on the same repositories', () => {
  let browser: Browser;
  let hub: RunningHub;
  const tmp = tempDir('edgesync-tabs-');
  let demo: string;
  let ctx: BrowserContext;
  const tabs: Page[] = [];
  const errors: string[][] = [];

  async function openTab(url: string): Promise<Page> {
    const page = await ctx.newPage();
    errors.push(watchErrors(page));
    tabs.push(page);
    await page.goto(url);
    await page.getByTestId('repo-title').waitFor({ timeout: 90_000 });
    return page;
  }

  beforeAll(async () => {
    if (!existsSync(join(WEB, 'index.html'))) throw new Error(`${WEB} is missing: build the web app first (npm run build:web)`);
    mkdirSync(SHOTS, { recursive: true });
    demo = copyFixture(join(tmp.dir, 'demo.fossil'));
    hub = await startHubCli(join(tmp.dir, 'hub'), [demo]);
    browser = await launchChromium();
    ctx = await browser.newContext({ viewport: { width: 1200, height: 860 } });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    tmp.cleanup();
  });

  const written: string[] = [];

  it('three tabs work at once: the first holds the repositories, the others use them through it', async () => {
    // The first tab clones with a write invite; the others open the same repository.
    const first = await openTab(hub.invites.demo!);
    const repoUrl = new URL('#/repo/demo', hub.webUrl).href;
    await openTab(repoUrl);
    await openTab(repoUrl);
    expect(await Promise.all(tabs.map(leading))).toEqual([true, false, false]);
    const before = fossilCheckins(demo);
    for (const t of tabs) await expect.poll(() => shownCheckins(t)).toEqual(before);

    // Two tabs write at the same moment; a third writes a wiki page and a ticket.
    written.push(...(await Promise.all([commit(tabs[0]!, 'written in tab 1'), commit(tabs[1]!, 'written in tab 2')])));
    await tabs[2]!.evaluate(async () => {
      const api = (globalThis as unknown as { edgesync: Api }).edgesync;
      await api.author.writeWiki('demo', { title: 'Tabs', text: '# Written in tab 3\n', mimetype: 'text/x-markdown', user: 'someone' });
      await api.author.writeTicket('demo', { fields: { title: 'Filed in tab 3', status: 'Open', type: 'Code_Defect' }, user: 'someone' });
    });
    expect(new Set(written).size).toBe(2);
    for (const t of tabs) {
      expect(await apiCheckins(t)).toEqual(expect.arrayContaining(written));
      // Each page hears of the check-ins as they are made, wherever they were made.
      await expect.poll(() => shownCheckins(t)).toEqual(expect.arrayContaining(written));
    }
    await first.screenshot({ path: join(SHOTS, 'tabs-first.png') });
  });

  it('closing the tab that holds them: another tab takes over, and every tab left works on without a reload', async () => {
    const first = tabs.shift()!;
    errors.shift();
    await first.close();
    // One of the others holds the repositories now (the lock went to it by itself).
    await expect.poll(async () => (await Promise.all(tabs.map(leading))).filter(Boolean).length).toBe(1);
    // Reads, and a new write, in each tab left.
    for (const [i, t] of tabs.entries()) {
      expect(await apiCheckins(t)).toEqual(expect.arrayContaining(written));
      written.push(await commit(t, `written in tab ${i + 2} after the first closed`));
    }
    expect(new Set(written).size).toBe(4);
    for (const t of tabs) {
      await expect.poll(() => apiCheckins(t)).toEqual(expect.arrayContaining(written));
      await expect.poll(() => shownCheckins(t)).toEqual(expect.arrayContaining(written));
      const wiki = await t.evaluate(() => (globalThis as unknown as { edgesync: Api }).edgesync.author.wikiTitles('demo'));
      expect(wiki).toContain('Tabs');
      const tickets = await t.evaluate(() => (globalThis as unknown as { edgesync: Api }).edgesync.author.tickets('demo'));
      expect(tickets.map((x) => x.title)).toContain('Filed in tab 3');
    }
    await tabs[1]!.screenshot({ path: join(SHOTS, 'tabs-after-close.png') });
    for (const e of errors) expect(e).toEqual([]);
  });

  it('every write is kept: the file downloaded from a tab left passes fossil test-integrity and has them all', async () => {
    const page = tabs[1]!;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download').click()]);
    const file = join(tmp.dir, 'downloaded.fossil');
    await download.saveAs(file);
    expect(fossil(['test-integrity', '-R', file]).stdout).toMatch(/0 errors/);
    expect(fossilCheckins(file)).toEqual(expect.arrayContaining(written));
    expect(fossilCheckins(file)).toEqual(await apiCheckins(page));
    expect(fossil(['wiki', 'list', '-R', file]).stdout.split('\n').map((l) => l.trim())).toContain('Tabs');
    expect(sqlite(file, 'SELECT title FROM ticket')).toContain('Filed in tab 3');
    // The hub's copy has every check-in too: the tab that took over pushes as the first did.
    await expect.poll(() => fossilCheckins(demo), { timeout: 90_000 }).toEqual(expect.arrayContaining(written));
  });
});
