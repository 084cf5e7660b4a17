// Keeping the user's data, in real headless Chromium with the real fossil binary: the browser is
// asked to keep the site's storage at the first import (never by a page load, and not again once
// granted) and home says what it answered; Delete of a repository with a check-in no hub has yet
// warns with the count and keeps it when dismissed; importing a newer copy of a repository that is
// already here syncs the two (fossil test-integrity passes on the download), the same or an older
// copy adds nothing and says so. Screenshots go to .tmp/screenshots/keep-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { countPersistCalls, haveChromium, launchChromium, persistCalls, watchErrors } from '../helpers/browser.ts';
import { serveStatic } from '../helpers/static-server.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';

const WEB = join(import.meta.dirname, '../../dist/web');
const SHOTS = join(import.meta.dirname, '../../.tmp/screenshots');
const ready = haveChromium() && haveTool('fossil');

function fossilCheckins(repo: string): string[] {
  const out = fossil(['timeline', '-R', repo, '-t', 'ci', '-n', '0', '-F', '%H']).stdout;
  return out.split('\n').map((l) => l.trim()).filter((l) => /^[0-9a-f]{40,64}$/.test(l));
}

async function pageCheckins(page: Page): Promise<string[]> {
  return page.locator('[data-testid=timeline] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-uuid') ?? ''));
}

describe.skipIf(!ready)('keeping the data in the browser', () => {
  const tmp = tempDir('edgesync-keep-');
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let errors: string[];
  /** A repository made by fossil, and a working directory that commits into it. */
  let made: string;
  let work: string;

  function commitWithFossil(file: string, text: string, comment: string): string {
    writeFileSync(join(work, file), text);
    fossil(['addremove'], { cwd: work });
    fossil(['commit', '-m', comment, '--no-warnings'], { cwd: work });
    return fossilCheckins(made)[0]!;
  }

  async function home(): Promise<void> {
    await page.evaluate(() => (location.hash = '#/'));
    await page.getByTestId('storage').waitFor();
  }

  async function importFile(path: string): Promise<void> {
    await page.getByTestId('import-input').setInputFiles(path);
  }

  beforeAll(async () => {
    if (!existsSync(join(WEB, 'index.html'))) throw new Error(`${WEB} is missing: build the web app first (npm run build:web)`);
    mkdirSync(SHOTS, { recursive: true });
    made = join(tmp.dir, 'made.fossil');
    work = join(tmp.dir, 'work');
    mkdirSync(work);
    fossil(['init', made]);
    fossil(['open', made, '--workdir', work], { cwd: work });
    commitWithFossil('a.txt', 'first\n', 'first check-in by fossil');
    server = await serveStatic(WEB);
    browser = await launchChromium();
    ctx = await browser.newContext({ viewport: { width: 1200, height: 860 } });
    await countPersistCalls(ctx);
    page = await ctx.newPage();
    errors = watchErrors(page);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    tmp.cleanup();
  });

  it('asks to persist at the first import, not on page load, and home shows what the browser answered', async () => {
    await page.goto(server.url);
    await page.getByTestId('storage').waitFor();
    expect(await persistCalls(page)).toBe(0);

    await importFile(made);
    await page.getByTestId('repo-title').waitFor();
    expect(await page.getByTestId('repo-title').textContent()).toBe('made');
    await expect.poll(() => persistCalls(page)).toBe(1);

    await home();
    const persisted = await page.evaluate(() => navigator.storage.persisted());
    const note = page.getByTestId('persistence');
    await expect.poll(() => note.getAttribute('data-persisted')).toBe(String(persisted));
    const text = (await note.textContent()) ?? '';
    expect(text).toContain(persisted ? 'the browser agreed' : 'the browser declined');
    if (persisted) expect(text).toMatch(/Storage is persistent: the browser keeps these repositories/);
    else expect(text).toMatch(/Storage is not persistent: when space runs short the browser may delete these repositories/);
    await page.getByTestId('storage').screenshot({ path: join(SHOTS, 'keep-storage.png') });

    // A new page load asks nothing by itself; its first write asks only while not yet granted.
    await page.reload();
    await page.getByTestId('storage').waitFor();
    await expect.poll(() => note.getAttribute('data-persisted')).toBe(String(persisted));
    expect(await persistCalls(page)).toBe(0);
    await page.fill('input[name=name]', 'notes');
    await page.fill('input[name=user]', 'ann');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByTestId('repo-title').waitFor();
    expect(await page.getByTestId('repo-title').textContent()).toBe('notes');
    await expect.poll(() => persistCalls(page)).toBe(persisted ? 0 : 1);
    expect(errors).toEqual([]);
  });

  it('Delete of a repository with an unsynced check-in warns with the count and keeps it when dismissed', async () => {
    // "notes" lives only here: a note written in it has reached no hub.
    const file = page.locator('input[name=file]');
    await expect.poll(async () => {
      if (await file.isVisible()) return true;
      await page.locator('details', { hasText: 'Write a note' }).locator('summary').click();
      return file.isVisible();
    }).toBe(true);
    await page.fill('textarea[name=text]', 'only in this browser\n');
    await page.fill('input[name=comment]', 'an unsynced note');
    await page.getByRole('button', { name: 'Commit' }).click();
    await expect.poll(() => pageCheckins(page).then((l) => l.length)).toBe(2);

    let nativeDialogs = 0;
    page.on('dialog', () => nativeDialogs++);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const warning = page.getByTestId('delete-warning');
    await warning.waitFor();
    expect(await page.getByTestId('unsynced-count').textContent()).toBe('1 check-in');
    expect(await warning.textContent()).toContain('not on any hub or peer yet');
    await warning.screenshot({ path: join(SHOTS, 'keep-delete-warning.png') });
    await page.getByTestId('delete-keep').click();
    await warning.waitFor({ state: 'detached' });
    // Escape keeps it too.
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await warning.waitFor();
    await page.keyboard.press('Escape');
    await warning.waitFor({ state: 'detached' });
    expect(nativeDialogs).toBe(0);

    await home();
    await expect.poll(() => page.getByTestId('repo-list').textContent()).toContain('notes');
    await page.reload();
    await expect.poll(() => page.getByTestId('repo-list').textContent()).toContain('notes');
    await page.evaluate(() => (location.hash = '#/repo/notes'));
    await expect.poll(() => pageCheckins(page).then((l) => l.length)).toBe(2);

    // Confirmed, it is gone.
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByTestId('delete-anyway').click();
    await page.getByTestId('storage').waitFor();
    await expect.poll(() => page.getByTestId('repo-list').textContent()).not.toContain('notes');
    expect(nativeDialogs).toBe(0);
    expect(errors).toEqual([]);
  });

  it('Delete of a repository with nothing unsynced asks as before', async () => {
    await page.evaluate(() => (location.hash = '#/repo/made'));
    await page.getByTestId('repo-title').waitFor();
    const asked: string[] = [];
    const onDialog = (d: import('playwright-core').Dialog) => {
      asked.push(d.message());
      void d.dismiss();
    };
    page.on('dialog', onDialog);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => asked.length).toBe(1);
    page.off('dialog', onDialog);
    expect(asked[0]).toContain('Delete “made” from this browser?');
    expect(await page.getByTestId('delete-warning').count()).toBe(0);
    expect(await page.getByTestId('repo-title').textContent()).toBe('made');
  });

  it('importing a newer copy of a repository already here syncs it in; the same or an older copy adds nothing', async () => {
    const older = join(tmp.dir, 'older.fossil');
    copyFileSync(made, older);
    const second = commitWithFossil('b.txt', 'second, made later by fossil\n', 'second check-in by fossil');

    await home();
    await importFile(made);
    const offer = page.getByTestId('merge-offer');
    await offer.waitFor();
    expect(await offer.textContent()).toContain('“made” is already here');
    await offer.screenshot({ path: join(SHOTS, 'keep-merge-offer.png') });
    await page.getByTestId('merge-confirm').click();
    const report = page.getByTestId('merge-report');
    await report.waitFor();
    expect(await report.textContent()).toMatch(/^Added to “made”: 1 check-in \(2 artifacts in all\)\./);
    await expect.poll(() => offer.count()).toBe(0);

    await report.getByRole('link').click();
    await page.getByTestId('repo-title').waitFor();
    await expect.poll(() => pageCheckins(page)).toEqual(fossilCheckins(made));
    expect(await page.locator(`[data-testid=timeline] li[data-uuid="${second}"]`).textContent()).toContain('second check-in by fossil');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download').click()]);
    const file = join(tmp.dir, 'downloaded.fossil');
    await download.saveAs(file);
    expect(fossil(['test-integrity', '-R', file]).stdout).toMatch(/ 0 errors/);
    expect(fossilCheckins(file)).toEqual(fossilCheckins(made));

    // The same copy again, then the older one: nothing new, and it says so.
    for (const copy of [made, older]) {
      await home();
      await importFile(copy);
      await offer.waitFor();
      await page.getByTestId('merge-confirm').click();
      await expect.poll(() => report.textContent()).toMatch(/^“made” already has everything in this file: nothing new was added\./);
    }
    await page.getByTestId('merge-report').screenshot({ path: join(SHOTS, 'keep-merge-nothing-new.png') });
    expect(await page.getByTestId('repo-list').locator('li').count()).toBe(1);
    expect(errors).toEqual([]);
  });
});
