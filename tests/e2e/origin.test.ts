// Repository content never runs, nor fetches, as the app. In Chromium, on a hub serving a
// repository with a scripted SVG, a technote whose colour is a url() and a wiki page with an
// outside image: the SVG opened as a document of its own runs nothing with the app's storage,
// and the technotes list and the wiki editor's preview make no request to anywhere else. The
// app's pages carry its Content-Security-Policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { haveChromium, launchChromium } from '../helpers/browser.ts';
import { startHubCli, type RunningHub } from '../helpers/hub-cli.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';

const ready = haveChromium() && haveTool('fossil') && haveTool('nats-server');

describe.skipIf(!ready)('repository content stays out of the app\'s origin', () => {
  const tmp = tempDir('edgesync-origin-');
  let hub: RunningHub;
  let browser: Browser;
  let page: Page;
  let leak: Server;
  const hits: string[] = [];
  let leakUrl = '';

  beforeAll(async () => {
    leak = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'image/png' }).end();
    });
    await new Promise<void>((r) => leak.listen(0, '127.0.0.1', () => r()));
    leakUrl = `http://127.0.0.1:${(leak.address() as { port: number }).port}`;
    const repo = join(tmp.dir, 'content.fossil');
    fossil(['init', repo]);
    const co = join(tmp.dir, 'co');
    mkdirSync(co);
    fossil(['open', repo, '--nosync'], { cwd: co });
    writeFileSync(join(co, 'evil.svg'), [
      '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" onload="localStorage.setItem(\'pwned\',\'onload\')">',
      '<script>localStorage.setItem("pwned", "script"); indexedDB.deleteDatabase("edgesync-notify");</script>',
      `<image href="${leakUrl}/svg-image.png" width="10" height="10"/>`,
      '<rect width="40" height="40" fill="red"/></svg>',
    ].join('\n'));
    fossil(['add', 'evil.svg'], { cwd: co });
    fossil(['commit', '--nosync', '--no-warnings', '-m', 'an svg'], { cwd: co });
    fossil(['close', '--force'], { cwd: co });
    const note = join(tmp.dir, 'note.txt');
    writeFileSync(note, 'A note with a colour that is a fetch.\n');
    fossil(['wiki', 'create', 'Leaky note', note, '--technote', '2024-02-10 12:00:00', '--technote-bgcolor', `url(${leakUrl}/technote.png)`, '-R', repo]);
    hub = await startHubCli(join(tmp.dir, 'hub'), [repo]);
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    await page.goto(hub.invites.content!);
    await page.getByTestId('repo-title').waitFor({ timeout: 90_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    leak?.close();
    tmp.cleanup();
  });

  it('the app is served with its Content-Security-Policy', async () => {
    const res = await fetch(hub.webUrl);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self' 'wasm-unsafe-eval'/);
  });

  it('13: an SVG from the repository, opened as its own document, runs nothing with the app\'s storage', async () => {
    await page.goto(new URL('#/repo/content/file/tip/evil.svg', hub.webUrl).href);
    const img = page.getByTestId('image-view');
    await img.waitFor();
    const src = (await img.getAttribute('src'))!;
    // Shown as an image: no script, no fetch.
    expect(await page.evaluate(() => localStorage.getItem('pwned'))).toBeNull();
    // "Open image in new tab": whatever it is, it is not a document of the app's origin.
    const tab = await page.context().newPage();
    const opened = await tab.goto(src).then(() => true, () => false);
    if (opened) {
      const origin = await tab.evaluate(() => location.origin).catch(() => 'null');
      expect(origin).not.toBe(new URL(hub.webUrl).origin);
    }
    await new Promise((r) => setTimeout(r, 500));
    await tab.close();
    expect(await page.evaluate(() => localStorage.getItem('pwned'))).toBeNull();
    expect(hits.filter((h) => h.includes('svg-image'))).toEqual([]);
  });

  it('14: the technotes list and the wiki editor\'s preview fetch nothing from elsewhere', async () => {
    await page.goto(new URL('#/repo/content/technotes', hub.webUrl).href);
    await page.locator('[data-testid=technote-list] li').first().waitFor();
    await page.goto(new URL('#/repo/content/wiki-edit/Outside Images', hub.webUrl).href);
    await page.getByTestId('wiki-mimetype').selectOption('text/x-markdown');
    await page.getByTestId('wiki-text').fill(`# Look\n\n![outside](${leakUrl}/preview.png)\n\n<img src="${leakUrl}/preview-html.png">\n`);
    await expect.poll(() => page.locator('[data-testid=wiki-preview] h1').textContent()).toBe('Look');
    // Plain text too: it is text, nothing in it is loaded.
    await page.getByTestId('wiki-mimetype').selectOption('text/plain');
    await expect.poll(() => page.getByTestId('wiki-preview').textContent()).toContain('preview-html.png');
    await new Promise((r) => setTimeout(r, 1000));
    expect(hits).toEqual([]);
  });
});
