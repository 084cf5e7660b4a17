// Failures a new user meets in the browser, each said in plain words, in real Chromium against a
// real `edgesync hub` (nats-server): a share link whose hub is down (an error with Retry, and
// Retry works once the hub is up; the clone form too), Cancel during a clone (nothing half made
// stays listed), a link to a project the hub does not serve, a second share link opened in the
// same tab, and the sync panel with its hub stopped (never "Up to date" beside a lost hub).
// How long the page took to say the hub is down is written to .tmp/screenshots for reading; the
// bound the test checks is the app's own connect timeout, not the machine's speed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Browser, Page } from 'playwright-core';
import { haveChromium, launchChromium, watchErrors } from '../helpers/browser.ts';
import { copyFixture } from '../helpers/fossil-fixture.ts';
import { startHubCli, type RunningHub } from '../helpers/hub-cli.ts';
import { restartHubCli } from '../helpers/hub-restart.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';
import { parseShareLink, shareLink, type ShareTarget } from '../../src/peer/share-link.ts';
import { CLONE_CONNECT_TIMEOUT_MS, CLONE_FIRST_CONTACT_MS } from '../../src/peer/clone-jobs.ts';
import { CLONE_ERROR_SENTENCES } from '../../src/ui/error-text.ts';

const SHOTS = join(import.meta.dirname, '../../.tmp/screenshots');
const ready = haveChromium() && haveTool('fossil') && haveTool('nats-server');

interface Listed {
  name: string;
  unfinished: boolean;
}

/** The repositories the worker lists (through its API, as tests and the bench drive it). */
function listed(page: Page): Promise<Listed[]> {
  return page.evaluate(async () => {
    const api = (globalThis as { edgesync?: { repos: { list(): Promise<{ name: string; unfinished: boolean }[]> } } }).edgesync;
    if (!api) return [];
    return (await api.repos.list()).map((r) => ({ name: r.name, unfinished: r.unfinished }));
  });
}

function alertText(page: Page): Promise<string> {
  return page.locator('[role=alert]').first().textContent({ timeout: 1000 }).then((t) => t ?? '', () => '');
}

/** A link to `projectCode` on the hub of `base` (its reader's credentials), opened from the web app at `appUrl`. */
function linkTo(appUrl: string, base: ShareTarget, projectCode: string, name: string): string {
  return shareLink(appUrl, { ...base, projectCode, name });
}

/** Open a link in the same tab: the address changes, the page is not loaded again. */
async function openInSameTab(page: Page, link: string): Promise<void> {
  const before = await page.evaluate(() => performance.timeOrigin);
  await page.evaluate((href) => {
    location.href = href;
  }, link);
  expect(await page.evaluate(() => performance.timeOrigin)).toBe(before);
}

describe.skipIf(!ready)('clone failures and status, said plainly', () => {
  const tmp = tempDir('edgesync-fail-');
  let browser: Browser;
  let hub: RunningHub;
  let reader: ShareTarget;
  let secondCode: string;
  /** Listens for a project's sync requests as the hub's own user and never answers: a clone that stalls. */
  let staller: NatsConnection;
  const stalledCode = 'e'.repeat(40);
  let stalledRequests = 0;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const demo = copyFixture(join(tmp.dir, 'demo.fossil'));
    const second = join(tmp.dir, 'second.fossil');
    fossil(['init', second]);
    secondCode = /project-code:\s+([0-9a-f]+)/.exec(fossil(['info', '-R', second]).stdout)![1]!;
    hub = await startHubCli(join(tmp.dir, 'hub'), [demo, second]);
    reader = parseShareLink(hub.shares.demo!)!;
    staller = await connect({ servers: hub.natsUrl, user: 'hub', pass: hub.member('hub').password });
    staller.subscribe(`fossil.${stalledCode}.sync`, {
      callback: () => {
        stalledRequests++;
      },
    });
    await staller.flush();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await staller?.close().catch(() => undefined);
    await browser?.close();
    await hub?.stop();
    tmp.cleanup();
  });

  it('the app says within its own connect timeout (at most 10 s) that a hub cannot be reached', () => {
    expect(CLONE_CONNECT_TIMEOUT_MS).toBeLessThanOrEqual(10_000);
    expect(CLONE_FIRST_CONTACT_MS).toBeLessThanOrEqual(10_000);
  });

  it('(a) a link to a hub that is down: a plain error with Retry, nothing kept; Retry once the hub is up clones it', async () => {
    // A hub that ran once (its members and links exist) and is stopped: nothing listens on its ports.
    const third = join(tmp.dir, 'third.fossil');
    fossil(['init', third]);
    const downDir = join(tmp.dir, 'down-hub');
    let down = await startHubCli(downDir, [third]);
    const link = shareLink(hub.webUrl, parseShareLink(down.shares.third!)!);
    await down.stop();
    try {
      const page = await (await browser.newContext()).newPage();
      const errors = watchErrors(page);
      await page.goto(link);
      const alert = page.locator('[role=alert]');
      await alert.waitFor();
      expect(await alert.textContent()).toBe(CLONE_ERROR_SENTENCES.unreachable!(''));
      // Kept for reading, not judged: from the page's start to the error, by the page's own clock.
      writeFileSync(join(SHOTS, 'unreachable-hub-ms.txt'), `${Math.round(await page.evaluate(() => performance.now()))}\n`);
      await page.screenshot({ path: join(SHOTS, 'clone-unreachable.png') });
      expect(await page.getByRole('button', { name: 'Retry' }).isVisible()).toBe(true);
      expect((await listed(page)).map((r) => r.name)).not.toContain('third');

      // The clone form says the same for a project code on that hub, with Retry.
      const home = await (await browser.newContext()).newPage();
      await home.goto(hub.webUrl);
      await home.fill('input[name=source]', parseShareLink(link)!.projectCode);
      await home.fill('input[name=hub]', parseShareLink(link)!.hub);
      await home.locator('form[aria-labelledby=clone-h]').getByRole('button', { name: 'Clone' }).click();
      await home.getByTestId('home-clone-error').waitFor();
      expect(await alertText(home)).toBe(CLONE_ERROR_SENTENCES.unreachable!(''));
      expect(await home.getByTestId('home-clone-error').getByRole('button', { name: 'Retry' }).isVisible()).toBe(true);

      down = await restartHubCli(down, downDir, [third]);
      await page.getByRole('button', { name: 'Retry' }).click();
      await page.getByTestId('repo-title').waitFor();
      expect(await page.getByTestId('repo-title').textContent()).toBe('third');
      expect(await listed(page)).toContainEqual({ name: 'third', unfinished: false });
      expect(errors).toEqual([]);
    } finally {
      await down.stop();
    }
  });

  it('(a) Cancel during a clone stops it and leaves no half repository listed', async () => {
    const page = await (await browser.newContext()).newPage();
    const errors = watchErrors(page);
    const before = stalledRequests;
    await page.goto(linkTo(hub.webUrl, reader, stalledCode, 'stalled'));
    // The clone is under way: the hub reached, its first request sent, its repository made here.
    await expect.poll(() => stalledRequests).toBeGreaterThan(before);
    await expect.poll(() => listed(page)).toContainEqual({ name: 'stalled', unfinished: true });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => alertText(page)).toBe(CLONE_ERROR_SENTENCES.cancelled!(''));
    expect(await page.getByRole('button', { name: 'Retry' }).isVisible()).toBe(true);
    await expect.poll(async () => (await listed(page)).map((r) => r.name)).not.toContain('stalled');
    // Home lists nothing of it either.
    await page.goto(new URL('#/', hub.webUrl).href);
    await page.locator('h2#local-h').waitFor();
    expect(await page.locator('.repo-name').allTextContents()).not.toContain('stalled');
    expect(errors).toEqual([]);
  });

  it('(b) a link to a project the hub does not serve: a plain error saying so', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(linkTo(hub.webUrl, reader, 'f'.repeat(40), 'nowhere'));
    await expect.poll(() => alertText(page)).toBe(CLONE_ERROR_SENTENCES['no-peer']!(''));
    expect(await page.getByRole('button', { name: 'Retry' }).isVisible()).toBe(true);
    expect((await listed(page)).map((r) => r.name)).not.toContain('nowhere');
    await page.screenshot({ path: join(SHOTS, 'clone-no-such-project.png') });
  });

  it('(c) a second link in the same tab opens the second repository, also while the first clone still runs', async () => {
    const page = await (await browser.newContext()).newPage();
    const errors = watchErrors(page);
    await page.goto(hub.shares.demo!);
    await expect.poll(() => page.getByTestId('repo-title').textContent({ timeout: 1000 }).catch(() => '')).toBe('demo');
    await openInSameTab(page, linkTo(hub.webUrl, reader, secondCode, 'second'));
    await expect.poll(() => page.getByTestId('repo-title').textContent({ timeout: 1000 }).catch(() => '')).toBe('second');

    // A first link whose clone has not ended, then a second one.
    const other = await (await browser.newContext()).newPage();
    const before = stalledRequests;
    await other.goto(linkTo(hub.webUrl, reader, stalledCode, 'stalled'));
    await expect.poll(() => stalledRequests).toBeGreaterThan(before);
    await openInSameTab(other, linkTo(hub.webUrl, reader, secondCode, 'second'));
    await expect.poll(() => other.getByTestId('repo-title').textContent({ timeout: 1000 }).catch(() => '')).toBe('second');
    // The first clone ending does not take the page back to it.
    await other.evaluate((code) => (globalThis as { edgesync?: { repos: { cancelClone(c: string): Promise<boolean> } } }).edgesync!.repos.cancelClone(code), stalledCode);
    await expect.poll(async () => (await listed(other)).map((r) => r.name)).not.toContain('stalled');
    expect(new URL(other.url()).hash).toBe('#/repo/second');
    expect(await other.getByTestId('repo-title').textContent()).toBe('second');
    expect(errors).toEqual([]);
  });

  it('(d) with the hub stopped the sync panel never says "Up to date" beside the lost hub', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(hub.shares.demo!);
    await page.getByTestId('repo-title').waitFor();
    const panel = page.getByTestId('sync-panel');
    await expect.poll(() => page.getByTestId('connection').first().textContent()).toBe('connected');
    await panel.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => panel.getByTestId('sync-progress').textContent({ timeout: 1000 }).catch(() => '')).toMatch(/Up to date|Synced:/);
    // Every state the panel is drawn in from now on is checked, not only the ones a poll happens to see.
    await page.evaluate(() => {
      const seen: string[] = [];
      (globalThis as { contradictions?: string[] }).contradictions = seen;
      const check = () => {
        const p = document.querySelector('[data-testid=sync-panel]');
        if (!p) return;
        const badge = p.querySelector('[data-testid=connection]')?.textContent ?? '';
        const text = p.textContent ?? '';
        const lost = badge !== 'connected' || /Cannot reach the hub/.test(text);
        if (lost && /Up to date|Synced:/.test(text)) seen.push(text);
      };
      new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await hub.stop();
    await expect.poll(() => page.getByTestId('connection').first().textContent()).not.toBe('connected');
    await expect.poll(() => panel.textContent()).toMatch(/Cannot reach the hub/);
    // Instead: when it last synced (once a sync that was under way when the hub went has given up).
    await expect.poll(() => panel.getByTestId('not-connected').textContent({ timeout: 1000 }).catch(() => ''), { timeout: 180_000 })
      .toMatch(/^Not connected to the hub; last synced (just now|\d+ min ago)\.$/);
    await page.screenshot({ path: join(SHOTS, 'sync-hub-lost.png') });
    expect(await panel.textContent()).not.toMatch(/Up to date|Synced:/);
    expect(await page.evaluate(() => (globalThis as { contradictions?: string[] }).contradictions)).toEqual([]);

    // A link to that hub opened now, while this tab still waits for it to come back: said at once
    // too, not after a clone's requests wait out their timeouts on the lost connection.
    await openInSameTab(page, linkTo(hub.webUrl, reader, secondCode, 'second'));
    await expect.poll(() => alertText(page)).toBe(CLONE_ERROR_SENTENCES.unreachable!(''));
    expect(await page.getByRole('button', { name: 'Retry' }).isVisible()).toBe(true);
    expect((await listed(page)).map((r) => r.name)).not.toContain('second');
    expect(await page.evaluate(() => (globalThis as { contradictions?: string[] }).contradictions)).toEqual([]);
  });
});
