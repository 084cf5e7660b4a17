// The app shell in real Chromium: each page's title and <h1>, Edit links on the reading pages,
// the phone layout (no sideways-scrolling tabs, a compact header; screenshots at 390x844 go to
// .tmp/screenshots/shell-*.png), the theme (system, light, dark, remembered), the keyboard
// shortcuts, Markdown tables, the folder icon, plurals, and axe-core on the main pages in both
// themes. The repository is fossil's own (tests/helpers/fossil-fixture.ts), imported through the
// worker API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { haveChromium, launchChromium } from '../helpers/browser.ts';
import { copyFixture, fossilFixture } from '../helpers/fossil-fixture.ts';
import { serveStatic } from '../helpers/static-server.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';

const WEB = join(import.meta.dirname, '../../dist/web');
const SHOTS = join(import.meta.dirname, '../../.tmp/screenshots');
const ready = haveChromium() && haveTool('fossil');
const REPO = 'fx';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 860 };
const TABLE_MD = '# Table page\n\n| Name | Size |\n| --- | --- |\n| a.c | 10 |\n| b.c | 20 |\n';

/**
 * axe's rules left out, and why: none. Every rule axe runs by default (WCAG 2.0-2.2 A and AA and
 * the best practices, `region` and `heading-order` among them) passes on these pages.
 */
const AXE_EXCLUDED: string[] = [];

describe.skipIf(!ready)('app shell', () => {
  const tmp = tempDir('edgesync-shell-');
  let names: Record<string, string>;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let firstFile: string;
  const errors: string[] = [];

  async function open(hash: string, wait = 'h1'): Promise<void> {
    await page.evaluate((h) => (location.hash = h), hash.startsWith('#') ? hash : `#/repo/${REPO}/${hash}`);
    await page.locator(wait).first().waitFor();
    await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'));
  }

  beforeAll(async () => {
    if (!existsSync(join(WEB, 'index.html'))) throw new Error(`${WEB} is missing: build the web app first (npm run build:web)`);
    mkdirSync(SHOTS, { recursive: true });
    names = fossilFixture().names;
    const repoFile = copyFixture(join(tmp.dir, 'fx.fossil'));
    const md = join(tmp.dir, 'table.md');
    writeFileSync(md, TABLE_MD);
    fossil(['wiki', 'create', 'Table Page', md, '-M', 'markdown', '-R', repoFile]);
    firstFile = fossil(['ls', '-r', 'trunk', '-R', repoFile]).stdout.split('\n').map((l) => l.trim()).find((l) => l.includes('/'))!;

    server = await serveStatic(WEB);
    browser = await launchChromium();
    // bypassCSP: the app allows only its own scripts; axe-core is put into the page by the test.
    ctx = await browser.newContext({ viewport: DESKTOP, bypassCSP: true });
    page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(() => (globalThis as { edgesync?: unknown }).edgesync !== undefined);
    const bytes = [...readFileSync(repoFile)];
    await page.evaluate(async ({ name, bytes }) => {
      const api = (globalThis as unknown as { edgesync: { init(): Promise<void>; repos: { importFile(n: string, b: Uint8Array): Promise<unknown>; create(n: string, p: string): Promise<unknown> } } }).edgesync;
      await api.init();
      await api.repos.importFile(name, new Uint8Array(bytes));
      await api.repos.create('one', 'one');
    }, { name: REPO, bytes });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    tmp.cleanup();
  });

  /** The pages the shell is checked on: [route, what the title starts with]. */
  const pages = () => [
    ['#/', 'Repositories'],
    [`#/repo/${REPO}`, 'Overview'],
    ['timeline', 'Timeline'],
    [`checkin/${names.c2}`, `Check-in ${names.c2!.slice(0, 10)}`],
    ['files', 'Files of '],
    [`file/trunk/${firstFile}`, firstFile],
    ['wiki', 'Wiki'],
    ['wiki/Table Page', 'Table Page'],
    ['tickets', 'Tickets'],
    [`ticket/${names.ticket}`, ''],
    ['forum', 'Forum'],
    ['chat', 'Chat'],
    ['write', 'Write'],
    ['edit', 'Edit files'],
    ['branches', 'Branches'],
    ['stats', 'Statistics'],
    ['search?q=initial', 'Search'],
    ['vdiff', 'Differences between check-ins'],
    ['technotes', 'Technotes'],
    ['technote-edit', 'New technote'],
    ['forum-write', 'New forum thread'],
    ['reports', 'Ticket reports'],
  ] as const;

  it('every page has one <h1> and a title of its own: "Page · REPO · EdgeSync"', async () => {
    const titles = new Set<string>();
    for (const [hash, start] of pages()) {
      await open(hash);
      if (hash.startsWith('#/repo/') || !hash.startsWith('#')) await page.locator('h1').first().waitFor();
      // The app's own headings: a repository's text (a Markdown "# Title") may have h1s of its own.
      expect(await page.locator('h1:not(.wiki-body h1)').count(), hash).toBe(1);
      const title = await page.title();
      expect(title.startsWith(start), `${hash}: ${title}`).toBe(true);
      expect(title.endsWith(hash === '#/' ? ' · EdgeSync' : ` · ${REPO} · EdgeSync`), `${hash}: ${title}`).toBe(true);
      titles.add(title);
    }
    expect(titles.size).toBe(pages().length);
  });

  it('reading pages link to their edit pages: wiki page, ticket, check-in (its tags)', async () => {
    await open('wiki/Table Page', '[data-testid=edit-link]');
    await page.getByTestId('edit-link').click();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#/repo/${REPO}/wiki-edit/Table%20Page`);
    await expect.poll(() => page.locator('textarea').first().inputValue()).toContain('| a.c | 10 |');

    await open(`ticket/${names.ticket}`, '[data-testid=edit-link]');
    await page.getByTestId('edit-link').click();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#/repo/${REPO}/ticket-edit/${names.ticket}`);
    await page.locator('#tkt-h').waitFor();

    await open(`checkin/${names.c2}`, '[data-testid=edit-link]');
    await page.getByTestId('edit-link').click();
    await expect.poll(() => page.getByTestId('tag-checkin').inputValue()).toBe(names.c2);
  });

  it('on a phone the tabs fit (main pages plus More), the header is compact; on a desktop the tabs are one line', async () => {
    await page.setViewportSize(PHONE);
    try {
      for (const [hash, name] of [['timeline', 'timeline'], ['files', 'files'], [`checkin/${names.c2}`, 'checkin'], ['wiki', 'wiki'], ['tickets', 'tickets'], ['forum', 'forum'], ['chat', 'chat'], ['edit', 'edit'], [`#/repo/${REPO}`, 'overview'], ['#/', 'home']] as const) {
        await open(hash);
        await page.screenshot({ path: join(SHOTS, `shell-${name}-phone.png`) });
        // Nothing on the page scrolls sideways.
        expect(await page.evaluate(() => document.documentElement.scrollWidth), hash).toBeLessThanOrEqual(PHONE.width);
        if (hash === '#/') continue;
        const nav = page.getByTestId('repo-tabs');
        expect(await nav.evaluate((n) => n.scrollWidth <= n.clientWidth), hash).toBe(true);
        for (const label of ['Timeline', 'Files', 'More']) {
          const box = (await nav.locator(':scope > a, :scope > .tab > a, summary').filter({ hasText: new RegExp(`^${label}$`) }).boundingBox())!;
          expect(box, `${hash} ${label}`).toBeTruthy();
          expect(box.x, `${hash} ${label}`).toBeGreaterThanOrEqual(0);
          expect(box.x + box.width, `${hash} ${label}`).toBeLessThanOrEqual(PHONE.width);
        }
        // The page's own heading starts well within the top quarter of the screen (the header took 240 px).
        const h1 = (await page.locator('h1:not(.sr-only)').first().boundingBox())!;
        expect(h1.y, hash).toBeLessThan(200);
      }
      // The pages not in the bar are in More.
      await open('timeline');
      await page.getByTestId('more-menu').locator('summary').click();
      await page.getByTestId('more-menu').getByRole('link', { name: 'Branches' }).click();
      await page.getByRole('heading', { level: 1, name: 'Branches' }).waitFor();
      expect(await page.getByTestId('more-menu').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
      await page.getByTestId('more-menu').locator('summary').click();
      await page.getByTestId('more-menu').getByRole('link', { name: 'Wiki' }).click();
      await page.getByRole('heading', { level: 1, name: 'Wiki' }).waitFor();
    } finally {
      await page.setViewportSize(DESKTOP);
    }
    await open('timeline');
    await page.screenshot({ path: join(SHOTS, 'shell-timeline-desktop.png') });
    const tops = await page.getByTestId('repo-tabs').locator(':scope > a, :scope > .tab > a, summary').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
    expect(tops.length).toBeGreaterThan(5);
    // One line: the tabs' tops differ by a border at most, never by a row.
    expect(Math.max(...tops) - Math.min(...tops)).toBeLessThan(8);
  });

  it('the theme follows the system, and the toggle (or t) picks system, light or dark, remembered', async () => {
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(theme).toBe('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(theme).toBe('light');
    const lightBg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const toggle = page.getByTestId('theme-toggle');
    expect(await toggle.getAttribute('data-choice')).toBe('system');
    await toggle.click(); // light
    expect(await toggle.getAttribute('data-choice')).toBe('light');
    await toggle.click(); // dark, although the system is light
    await expect.poll(theme).toBe('dark');
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).not.toBe(lightBg);
    await page.reload();
    await page.getByTestId('theme-toggle').waitFor();
    await expect.poll(theme).toBe('dark');
    expect(await page.getByTestId('theme-toggle').getAttribute('data-choice')).toBe('dark');
    await page.locator('body').press('t'); // system again
    await expect.poll(() => page.getByTestId('theme-toggle').getAttribute('data-choice')).toBe('system');
    await expect.poll(theme).toBe('light');
  });

  it('shortcuts: / searches, j and k walk the timeline, Enter opens, ? lists them; not while typing', async () => {
    await open(`#/repo/${REPO}`);
    await page.locator('body').press('/');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('search-input');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#/repo/${REPO}/search`);
    // Typing j into the search box types it.
    await page.keyboard.type('j');
    expect(await page.locator('#search-input').inputValue()).toBe('j');
    expect(await page.locator('.kb-current').count()).toBe(0);
    await page.locator('#search-input').fill('');
    await page.locator('#search-input').evaluate((e) => (e as HTMLElement).blur());
    // On the timeline, / is its own search in comments, and j and k walk its rows.
    await open(`#/repo/${REPO}/timeline`);
    await page.locator('body').press('/');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('q');
    expect(await page.evaluate(() => location.hash)).toBe(`#/repo/${REPO}/timeline`);
    await page.locator('#search-input').evaluate((e) => (e as HTMLElement).blur());

    const rows = page.getByTestId('timeline-row');
    await rows.first().waitFor();
    const current = () => page.locator('.kb-current').getAttribute('data-uuid');
    const uuids = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-uuid')));
    await page.keyboard.press('j');
    await expect.poll(current).toBe(uuids[0]);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await expect.poll(current).toBe(uuids[2]);
    await page.keyboard.press('k');
    await expect.poll(current).toBe(uuids[1]);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-uuid'))).toBe(uuids[1]);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => location.hash)).not.toBe(`#/repo/${REPO}/timeline`);
    await page.locator(`[data-uuid="${uuids[1]}"]`).first().waitFor();

    await page.keyboard.press('?');
    const help = page.getByTestId('shortcut-help');
    await help.waitFor();
    for (const k of ['/', 'j', 'k', 'Enter', 't', '?']) expect(await help.locator('kbd', { hasText: new RegExp(`^${k.replace(/[?/]/g, '\\$&')}$`) }).count(), k).toBe(1);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
  });

  it('Markdown tables have borders and padding; folders have an icon without emoji; counts say "1 check-in"', async () => {
    await open('wiki/Table Page', '[data-testid=wiki-body] table');
    const cell = await page.locator('[data-testid=wiki-body] td').first().evaluate((td) => {
      const s = getComputedStyle(td);
      return { border: parseFloat(s.borderTopWidth), padding: parseFloat(s.paddingLeft) };
    });
    expect(cell.border).toBeGreaterThan(0);
    expect(cell.padding).toBeGreaterThan(0);

    await open('files', '[data-testid=file-list] tr.dir');
    const dir = page.locator('[data-testid=file-list] tr.dir a').first();
    expect(await dir.locator('.folder-icon').count()).toBe(1);
    expect(await dir.textContent()).not.toMatch(/\p{Extended_Pictographic}/u);
    expect((await dir.locator('.folder-icon').boundingBox())!.width).toBeGreaterThan(4);

    await open('#/', '.repo-card');
    const card = page.locator('.repo-card', { hasText: 'one' }).filter({ has: page.locator('a[href="#/repo/one"]') });
    await expect.poll(() => card.textContent()).toContain('1 check-in');
    expect(await card.textContent()).not.toContain('1 check-ins');
  });

  it('axe finds no violations on the main pages, in light and in dark', async () => {
    let axePath: string;
    try {
      axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
    } catch (e) {
      throw new Error('axe-core is missing: it is a devDependency, run npm install (npm test does)', { cause: e });
    }
    const axeSource = readFileSync(axePath, 'utf8');
    const found: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [hash] of pages()) {
        await open(hash);
        await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(scheme);
        if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
        if (hash === 'timeline' || hash === `checkin/${names.c2}`) await page.screenshot({ path: join(SHOTS, `shell-${hash.split('/')[0]}-${scheme}-desktop.png`) });
        const violations = await page.evaluate(async (excluded) => {
          const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
          const r = await axe.run(document, { rules: Object.fromEntries(excluded.map((id) => [id, { enabled: false }])), resultTypes: ['violations'] });
          return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
        }, AXE_EXCLUDED);
        for (const v of violations) found.push(`${scheme} ${hash}: ${v}`);
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    expect(found).toEqual([]);
  });

  it('no page errors', () => {
    expect(errors).toEqual([]);
  });
});
