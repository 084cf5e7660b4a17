// The repository page's "Download for Git" in real Chromium: the worker writes the fixture
// repository (made by the real fossil) as a git fast-import stream; the downloaded file, fed to
// the real `git fast-import`, gives one commit per public check-in, each naming its check-in,
// and the commits `fossil git export` makes of the same repository.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { haveChromium, launchChromium, watchErrors } from '../helpers/browser.ts';
import { copyFixture } from '../helpers/fossil-fixture.ts';
import { commitsByCheckin, git, importStream } from '../helpers/git-export-checks.ts';
import { serveStatic } from '../helpers/static-server.ts';
import { fossil, haveTool, sqlite, tempDir } from '../helpers/tools.ts';

const WEB = join(import.meta.dirname, '../../dist/web');
const ready = haveChromium() && haveTool('fossil') && haveTool('git');

describe.skipIf(!ready)('download for Git in the browser', () => {
  const tmp = tempDir('edgesync-git-browser-');
  let browser: Browser | undefined;
  let server: { url: string; close: () => Promise<void> } | undefined;
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    tmp.cleanup();
  });

  it('the downloaded stream makes a Git repository with every public check-in, as fossil git export does', { timeout: 300_000 }, async () => {
    if (!existsSync(join(WEB, 'index.html'))) throw new Error(`${WEB} is missing: build the web app first (npm run build:web)`);
    const repoFile = copyFixture(join(tmp.dir, 'fx.fossil'));
    server = await serveStatic(WEB);
    browser = await launchChromium();
    const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
    const errors = watchErrors(page);
    await page.goto(server.url);
    await page.waitForFunction(() => (globalThis as { edgesync?: unknown }).edgesync !== undefined);
    const bytes = [...readFileSync(repoFile)];
    await page.evaluate(async ({ bytes }) => {
      const api = (globalThis as unknown as { edgesync: { init(): Promise<void>; repos: { importFile(n: string, b: Uint8Array): Promise<unknown> } } }).edgesync;
      await api.init();
      await api.repos.importFile('fx', new Uint8Array(bytes));
    }, { bytes });
    await page.goto(new URL('#/repo/fx', server.url).href);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-git').click()]);
    expect(download.suggestedFilename()).toBe('fx.fast-import');
    const file = join(tmp.dir, 'fx.fast-import');
    await download.saveAs(file);

    const ours = join(tmp.dir, 'ours.git');
    importStream(ours, readFileSync(file));
    git(ours, ['fsck', '--strict', '--no-dangling']);
    const publicCheckins = sqlite(repoFile, "SELECT count(*) FROM event WHERE type='ci' AND objid NOT IN (SELECT rid FROM private)", { readonly: true }).trim();
    expect(git(ours, ['rev-list', '--all', '--count']).trim()).toBe(publicCheckins);

    fossil(['git', 'export', join(tmp.dir, 'fossil-mirror'), '-R', repoFile, '--quiet']);
    const theirs = commitsByCheckin(join(tmp.dir, 'fossil-mirror/.git'));
    const got = commitsByCheckin(ours);
    expect([...got].map(([k, c]) => [k, c.hash]).sort()).toEqual([...theirs].map(([k, c]) => [k, c.hash]).sort());
    expect(execFileSync('git', ['--git-dir', ours, 'branch', '--list', 'master']).toString()).toMatch(/master/);
    expect(errors).toEqual([]);
  });
});
