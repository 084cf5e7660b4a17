// The repository core runs in a real browser: the web app's worker creates a repository with
// SQLite-WASM, commits through the comlink API, and the UI shows the timeline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { haveChromium, launchChromium } from '../helpers/browser.ts';
import { serveStatic } from '../helpers/static-server.ts';

const WEB = join(import.meta.dirname, '../../dist/web');
const hasChromium = haveChromium();

describe.skipIf(!hasChromium)('web app in Chromium', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serveStatic>>;

  beforeAll(async () => {
    if (!existsSync(join(WEB, 'index.html'))) throw new Error(`${WEB} is missing: build the web app first (npm run build:web, or npm test)`);
    server = await serveStatic(WEB);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('creates a repository in the worker, commits a file and shows the timeline', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(server.url);
    const code = await page.getByTestId('project-code').textContent({ timeout: 30_000 });
    expect(code).toMatch(/^[0-9a-f]{40}$/);
    await expect.poll(() => page.getByTestId('timeline').locator('li').count()).toBe(1);
    await page.fill('input[name=file]', 'notes/hello.txt');
    await page.fill('textarea[name=content]', 'written in Chromium\n');
    await page.fill('input[name=comment]', 'browser check-in');
    await page.click('button[type=submit]');
    await expect.poll(() => page.getByTestId('timeline').locator('li').count()).toBe(2);
    expect(await page.getByTestId('timeline').locator('li').first().textContent()).toContain('browser check-in');
    expect(await page.getByTestId('stats').textContent()).toMatch(/^2 check-ins/);
    // A bad file name is refused with a readable error and nothing is committed.
    await page.fill('input[name=file]', '../outside.txt');
    await page.click('button[type=submit]');
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/bad file name/);
    expect(await page.getByTestId('timeline').locator('li').count()).toBe(2);
    expect(errors).toEqual([]);
    await page.close();
  });
});
