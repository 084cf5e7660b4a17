// The web app's home lists what its hub serves, with one click to clone, and follows a hub that
// serves a directory: real `edgesync hub --repos DIR --public-read` (nats-server, leaves, web
// app), real headless Chromium, real fossil. A repository copied into DIR while the page is open
// shows up when the page is shown again, and its Clone button brings it into the browser with
// its history; one removed from DIR leaves the list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { haveChromium, launchChromium, watchErrors } from '../helpers/browser.ts';
import { startHubCli, type RunningHub } from '../helpers/hub-cli.ts';
import { waitFor } from '../helpers/nats-peers.ts';
import { fossilRepoWithCheckin } from '../helpers/fossil-repo.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';

const WEB = join(import.meta.dirname, '../../dist/web');
const ready = haveChromium() && haveTool('fossil') && haveTool('nats-server');

const makeRepo = (path: string, file: string): string => fossilRepoWithCheckin(path, file).tip;

describe.skipIf(!ready)('home lists what a directory-serving hub serves', () => {
  const tmp = tempDir('edgesync-hubrepos-');
  const d = (p: string) => join(tmp.dir, p);
  let hub: RunningHub;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let betaTip: string;

  beforeAll(async () => {
    if (!existsSync(join(WEB, 'index.html'))) throw new Error(`${WEB} is missing: build the web app first (npm run build:web)`);
    mkdirSync(d('repos'));
    makeRepo(d('repos/alpha.fossil'), 'alpha.txt');
    betaTip = makeRepo(d('beta.fossil'), 'beta.txt');
    hub = await startHubCli(d('hub'), [], ['--repos', d('repos'), '--public-read']);
    browser = await launchChromium();
    page = await browser.newPage();
    errors = watchErrors(page);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    tmp.cleanup();
  });

  const onHub = () => page.locator('section[aria-labelledby=hub-h] li');

  it('shows a repository added to the directory, clones it with one click, and drops one removed', async () => {
    await page.goto(hub.webUrl);
    await expect.poll(() => onHub().allInnerTexts()).toEqual([expect.stringContaining('alpha')]);

    copyFileSync(d('beta.fossil'), d('repos/.beta.part'));
    renameSync(d('repos/.beta.part'), d('repos/beta.fossil'));
    await waitFor(() => /^\s+clone beta: /m.test(hub.output()), 120_000, 'the hub to serve beta');
    // The page looks again when it is shown (a tab brought back to the front).
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await expect.poll(() => onHub().allInnerTexts()).toEqual([expect.stringContaining('alpha'), expect.stringContaining('beta')]);

    await onHub().filter({ hasText: 'beta' }).getByRole('button', { name: 'Clone' }).click();
    await page.locator(`[data-testid=timeline] li[data-uuid="${betaTip}"]`).waitFor();
    expect(page.url()).toContain('beta');

    rmSync(d('repos/alpha.fossil'));
    await waitFor(() => /stopped serving alpha/.test(hub.output()), 120_000, 'the hub to stop serving alpha');
    await page.evaluate(() => (location.hash = '#/'));
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    // beta is here now (not offered again) and alpha is gone from the hub: nothing is left to offer.
    await expect.poll(() => onHub().count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
