// Links with a role: the read link the hub prints carries the credentials of its reader (in the
// URL fragment, never sent to the web server, and dropped from the address bar once stored);
// opened in a fresh browser it clones the repository. The same link without them gets a plain
// error and leaves no repository behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { haveTool, tempDir } from '../helpers/tools.ts';
import { haveChromium, launchChromium } from '../helpers/browser.ts';
import { startHubCli, type RunningHub } from '../helpers/hub-cli.ts';
import { copyFixture } from '../helpers/fossil-fixture.ts';
import { parseShareLink, shareLink } from '../../src/peer/share-link.ts';
import type { Browser } from 'playwright-core';

const ready = haveChromium() && haveTool('fossil') && haveTool('nats-server');

describe.skipIf(!ready)('invites to a hub with NATS auth', () => {
  const tmp = tempDir('edgesync-invite-');
  let hub: RunningHub;
  let browser: Browser;

  beforeAll(async () => {
    const repo = copyFixture(join(tmp.dir, 'team.fossil'));
    hub = await startHubCli(join(tmp.dir, 'hub'), [repo]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    tmp.cleanup();
  });

  it('the printed read link carries the reader credentials, and a fresh browser clones with it', async () => {
    const link = hub.shares.team!;
    const target = parseShareLink(link)!;
    expect(target.auth).toEqual({ user: 'reader', password: hub.member('reader').password });
    expect(target.role).toBe('reader');
    const page = await (await browser.newContext()).newPage();
    await page.goto(link);
    await page.getByTestId('repo-title').waitFor({ timeout: 90_000 });
    // The credentials are not left in the address bar (nor in the history entry).
    expect(page.url()).not.toContain(target.auth!.password!);
    // The timeline fills in after the title shows.
    await expect.poll(() => page.locator('[data-testid=timeline] li').count(), { timeout: 90_000 }).toBeGreaterThan(3);
  });

  it('without the credentials the clone fails with a plain error and keeps nothing', async () => {
    const target = parseShareLink(hub.shares.team!)!;
    const bare = shareLink(hub.webUrl, { hub: target.hub, projectCode: target.projectCode, name: 'nocreds' });
    const page = await (await browser.newContext()).newPage();
    await page.goto(bare);
    await expect.poll(() => page.locator('[role=alert]').first().textContent().catch(() => ''), { timeout: 90_000 }).toMatch(/authoriz|credential|password|refused/i);
    const names = await page.evaluate(async () => {
      const api = (globalThis as { edgesync?: { repos: { list(): Promise<{ name: string }[]> } } }).edgesync!;
      return (await api.repos.list()).map((r) => r.name);
    });
    expect(names).not.toContain('nocreds');
  });
});
