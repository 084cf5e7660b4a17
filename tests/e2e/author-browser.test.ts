// Writing in the browser end to end: `edgesync hub` serving a fossil-made repository, real
// headless Chromium editing, adding (picker, drag-and-drop, binary), deleting and renaming files,
// committing, writing a wiki page, a ticket and a tag; the real fossil binary checks what reached
// the serving leaf. Then two browsers commit on the same branch while the hub is down: both
// check-ins survive the next sync as a visible fork. Screenshots go to .tmp/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { haveChromium, launchChromium, watchErrors } from '../helpers/browser.ts';
import { copyFixture } from '../helpers/fossil-fixture.ts';
import { startHubCli, type RunningHub } from '../helpers/hub-cli.ts';
import { restartHubCli } from '../helpers/hub-restart.ts';
import { fossil, haveTool, tempDir, sqlite } from '../helpers/tools.ts';

const WEB = join(import.meta.dirname, '../../dist/web');
const SHOTS = join(import.meta.dirname, '../../.tmp/screenshots');
const ready = haveChromium() && haveTool('fossil') && haveTool('nats-server');
/** The hub is stopped on purpose here, so refused connections are expected too. */
const BENIGN = /ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED|Failed to load resource|WebSocket/;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1200, height: 900 };
const BINARY = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 131 + (i >> 3)) % 256));

/** Is the artifact in the leaf's repository file (and not a phantom)? */
function inLeaf(repo: string, uuid: string): boolean {
  // The serving leaf writes the file meanwhile: wait for its lock rather than fail.
  const out = sqlite(repo, `SELECT count(*) FROM blob WHERE uuid='${uuid}' AND size>=0`);
  return out.trim() === '1';
}

async function committed(page: Page): Promise<string> {
  const link = page.getByTestId('write-notice').locator('a');
  await link.waitFor();
  const href = (await link.getAttribute('href'))!;
  return decodeURIComponent(href.split('/').pop()!);
}

async function openFile(page: Page, name: string): Promise<void> {
  await page.locator(`[data-testid=file-list] li[data-name="${name}"] button`).click();
  await expect.poll(() => page.getByTestId('editor-name').textContent()).toBe(name);
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: join(SHOTS, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
}

describe.skipIf(!ready)('writing in the browser', () => {
  let browser: Browser;
  let hub: RunningHub;
  const tmp = tempDir('edgesync-author-');
  let demo: string;
  let ctxA: BrowserContext;
  let a: Page;
  let errA: string[];

  beforeAll(async () => {
    if (!existsSync(join(WEB, 'index.html'))) throw new Error(`${WEB} is missing: build the web app first (npm test does)`);
    mkdirSync(SHOTS, { recursive: true });
    demo = copyFixture(join(tmp.dir, 'demo.fossil'));
    hub = await startHubCli(join(tmp.dir, 'hub'), [demo]);
    browser = await launchChromium();
    ctxA = await browser.newContext({ viewport: DESKTOP });
    a = await ctxA.newPage();
    errA = watchErrors(a, BENIGN);
    // A write invite: the browser signs in as the hub's `demo-writer` login.
    await a.goto(hub.invites.demo!);
    await a.getByTestId('repo-title').waitFor({ timeout: 90_000 });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    tmp.cleanup();
  });

  it('2: edit, add (picker, drop, binary), delete, rename, commit; the leaf checks it out cleanly', async () => {
    const trunk = fossil(['ls', '-R', demo, '-r', 'trunk']).stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    const texts = trunk.filter((f) => !fossil(['cat', '-R', demo, '-r', 'trunk', f]).stdout.includes('\0'));
    expect(texts.length).toBeGreaterThanOrEqual(3);
    const [edited, removed, moved] = texts as [string, string, string];
    await expect.poll(() => a.getByTestId('connection').first().textContent()).toBe('connected');

    await a.goto(new URL('#/repo/demo/edit', hub.webUrl).href);
    await a.getByTestId('draft-base').waitFor();
    expect(await a.getByTestId('draft-base').textContent()).toContain('trunk');
    // Edit a text file.
    await openFile(a, edited);
    const before = await a.getByTestId('editor-text').inputValue();
    const after = `${before}a line written in the browser\n`;
    await a.getByTestId('editor-text').fill(after);
    await expect.poll(() => a.locator(`[data-testid=changes] li[data-name="${edited}"]`).getAttribute('data-status')).toBe('edited');
    // Add a binary file through the picker, into a folder.
    await a.getByTestId('add-folder').fill('assets');
    await a.getByTestId('add-input').setInputFiles({ name: 'blob.bin', mimeType: 'application/octet-stream', buffer: BINARY });
    await a.locator('[data-testid=changes] li[data-name="assets/blob.bin"]').waitFor();
    await a.getByTestId('add-folder').fill('');
    // Drop a file on the page.
    await a.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['dropped on the page\n'], 'dropped.txt', { type: 'text/plain' }));
      document.querySelector('[data-testid=drop-zone]')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await a.locator('[data-testid=changes] li[data-name="dropped.txt"]').waitFor();
    // Delete one, rename another.
    await openFile(a, removed);
    await a.getByTestId('delete-file').click();
    await a.locator(`[data-testid=changes] li[data-name="${removed}"][data-status=deleted]`).waitFor();
    await openFile(a, moved);
    await a.getByTestId('rename-input').fill(`moved/${moved.split('/').pop()}`);
    await a.getByRole('button', { name: 'Rename' }).click();
    const movedTo = `moved/${moved.split('/').pop()}`;
    await a.locator(`[data-testid=changes] li[data-name="${movedTo}"][data-status=renamed]`).waitFor();

    // The pending changes survive a reload.
    await a.reload();
    await a.getByTestId('draft-base').waitFor();
    await expect.poll(() => a.locator('[data-testid=changes] li').count()).toBe(5);
    await shoot(a, 'write-edit');
    await openFile(a, edited);
    expect(await a.getByTestId('editor-text').inputValue()).toBe(after);
    await shoot(a, 'write-editor-open');

    await a.getByTestId('commit-comment').fill('edited in the browser');
    // Signed in: the check-in is made as the invite's login, which the form shows and keeps.
    expect(await a.getByTestId('commit-user').inputValue()).toBe('demo-writer');
    expect(await a.getByTestId('commit-user').getAttribute('readonly')).not.toBeNull();
    await a.getByTestId('commit-button').click();
    const uuid = await committed(a);
    expect(uuid).toMatch(/^[0-9a-f]{40,64}$/);
    await expect.poll(() => a.locator('[data-testid=changes] li').count()).toBe(0);

    // The serving leaf gets it; fossil checks it out with no checksum warning and no changes.
    await expect.poll(() => inLeaf(demo, uuid), { timeout: 90_000 }).toBe(true);
    const work = join(tmp.dir, 'checkout');
    mkdirSync(work);
    const opened = fossil(['open', demo, uuid, '--workdir', work, '--force'], { cwd: work });
    expect(opened.stdout + opened.stderr).not.toMatch(/checksum|mismatch|warning/i);
    expect(fossil(['changes'], { cwd: work }).stdout.trim()).toBe('');
    expect(readFileSync(join(work, edited), 'utf8')).toBe(after);
    expect(readFileSync(join(work, 'assets/blob.bin'))).toEqual(BINARY);
    expect(readFileSync(join(work, 'dropped.txt'), 'utf8')).toBe('dropped on the page\n');
    expect(existsSync(join(work, removed))).toBe(false);
    expect(existsSync(join(work, movedTo))).toBe(true);
    expect(fossil(['artifact', uuid, '-R', demo]).stdout).toContain(` ${moved.replace(/ /g, '\\s')}\n`);
    expect(fossil(['info', uuid, '-R', demo]).stdout).toMatch(/user:\s+demo-writer/);
    fossil(['close', '--force'], { cwd: work });
    expect(errA).toEqual([]);
  });

  it('2: a wiki page, a ticket and a tag made in the browser reach fossil', async () => {
    // Wiki (Markdown, with its preview).
    await a.goto(new URL('#/repo/demo/write', hub.webUrl).href);
    await a.getByTestId('new-wiki-title').fill('Browser Notes');
    await a.getByRole('button', { name: 'New page' }).click();
    await a.getByTestId('wiki-text').waitFor();
    await a.getByTestId('wiki-mimetype').selectOption('text/x-markdown');
    const page = '# Written in the browser\n\nSome *emphasis* and a [link](https://fossil-scm.org/).\n';
    await a.getByTestId('wiki-text').fill(page);
    await expect.poll(() => a.locator('[data-testid=wiki-preview] h1').textContent()).toBe('Written in the browser');
    await shoot(a, 'write-wiki');
    await a.getByTestId('wiki-save').click();
    await a.getByTestId('write-notice').waitFor();
    await expect.poll(() => fossil(['wiki', 'ls', '-R', demo]).stdout.split('\n'), { timeout: 90_000 }).toContain('Browser Notes');
    expect(fossil(['wiki', 'export', 'Browser Notes', '-R', demo]).stdout).toBe(page);

    // A new ticket, then a change of its status.
    await a.goto(new URL('#/repo/demo/write', hub.webUrl).href);
    await a.getByTestId('new-ticket').click();
    await a.getByTestId('ticket-title').fill('Broken in the browser');
    await a.getByTestId('ticket-remark').fill('Found while **testing**.');
    await shoot(a, 'write-ticket');
    await a.getByTestId('ticket-save').click();
    const id = (await a.getByTestId('ticket-id').textContent())!;
    expect(id).toMatch(/^[0-9a-f]{40}$/);
    const row = () => fossil(['ticket', 'show', '0', '-R', demo]).stdout.split('\n').find((l) => l.includes(id)) ?? '';
    await expect.poll(row, { timeout: 90_000 }).toMatch(/\tOpen\t.*Broken in the browser/);
    await expect.poll(() => a.getByTestId('ticket-status').inputValue()).toBe('Open');
    await a.getByTestId('ticket-status').selectOption('Closed');
    await a.getByTestId('ticket-save').click();
    await expect.poll(row, { timeout: 90_000 }).toMatch(/\tClosed\t.*Broken in the browser/);

    // A tag on the check-in made above.
    const tip = fossil(['info', 'trunk', '-R', demo]).stdout.match(/^hash:\s+([0-9a-f]+)/m)![1]!;
    await a.goto(new URL(`#/repo/demo/tag-add/${tip}`, hub.webUrl).href);
    await a.getByTestId('tag-name').fill('made-in-browser');
    await shoot(a, 'write-tag');
    await a.getByTestId('tag-save').click();
    await a.getByTestId('write-notice').waitFor();
    await expect.poll(() => fossil(['tag', 'ls', '-R', demo]).stdout.split('\n'), { timeout: 90_000 }).toContain('made-in-browser');
    expect(fossil(['tag', 'ls', '-R', demo, tip]).stdout.split('\n')).toContain('made-in-browser');
    await shoot(a, 'write-hub');
    expect(errA).toEqual([]);
  });

  const t0 = Date.now();
  const step = (s: string) => process.env.EDGESYNC_DEBUG && console.log(`step: ${s} at ${Date.now() - t0} ms`);

  it('3: offline commits from two browsers on one branch both survive, as a fork shown on both sides', async () => {
    const ctxB = await browser.newContext({ viewport: DESKTOP });
    const b = await ctxB.newPage();
    const errB = watchErrors(b, BENIGN);
    // A second person, with a write invite of their own.
    await b.goto(hub.addMember('ben', 'writer', 'demo'));
    await b.getByTestId('repo-title').waitFor({ timeout: 90_000 });
    await expect.poll(() => b.getByTestId('connection').first().textContent()).toBe('connected');
    const base = fossil(['info', 'trunk', '-R', demo]).stdout.match(/^hash:\s+([0-9a-f]+)/m)![1]!;

    // The hub goes away; both browsers keep working.
    step('stop hub');
    await a.goto(new URL('#/repo/demo', hub.webUrl).href);
    await hub.stop();
    for (const p of [a, b]) await expect.poll(() => p.getByTestId('connection').first().textContent(), { timeout: 90_000 }).not.toBe('connected');
    const made: string[] = [];
    for (const [p, who] of [[a, 'demo-writer'], [b, 'ben']] as const) {
      await p.goto(new URL('#/repo/demo/edit', hub.webUrl).href);
      await p.getByTestId('draft-base').waitFor();
      expect(await p.getByTestId('draft-base').locator('a').getAttribute('href')).toContain(base);
      await p.getByTestId('new-file-name').fill(`offline-${who}.txt`);
      await p.getByRole('button', { name: 'Create' }).click();
      await expect.poll(() => p.getByTestId('editor-name').textContent()).toBe(`offline-${who}.txt`);
      await p.getByTestId('editor-text').fill(`written by ${who} while the hub was down\n`);
      await p.getByTestId('commit-comment').fill(`offline work of ${who}`);
      expect(await p.getByTestId('commit-user').inputValue()).toBe(who);
      await p.getByTestId('commit-button').click();
      made.push(await committed(p));
      step(`committed ${who}`);
    }
    expect(made[0]).not.toBe(made[1]);
    // Not only check-ins: a wiki page written offline waits too.
    await b.goto(new URL('#/repo/demo/wiki-edit/Offline Page', hub.webUrl).href);
    await b.getByTestId('wiki-text').fill('Written while the hub was down.\n');
    await b.getByTestId('wiki-save').click();
    await b.getByTestId('write-notice').waitFor();
    expect(inLeaf(demo, made[0]!) || inLeaf(demo, made[1]!)).toBe(false);

    // The hub is back: both check-ins reach the leaf and each browser, and both show the fork.
    hub = await restartHubCli(hub, join(tmp.dir, 'hub'), [demo], process.env.EDGESYNC_DEBUG ? ['--verbose'] : []);
    step('hub back');
    await expect.poll(() => made.every((u) => inLeaf(demo, u)), { timeout: 90_000 }).toBe(true);
    await expect.poll(() => fossil(['wiki', 'ls', '-R', demo]).stdout.split('\n'), { timeout: 90_000 }).toContain('Offline Page');
    expect(fossil(['wiki', 'export', 'Offline Page', '-R', demo]).stdout).toBe('Written while the hub was down.\n');
    step('leaf has the wiki page');
    const leafLeaves = fossil(['leaves', '-R', demo]).stdout;
    for (const u of made) expect(leafLeaves).toContain(u.slice(0, 10));
    step('leaf has both');
    for (const [i, p] of [a, b].entries()) {
      await p.goto(new URL('#/repo/demo', hub.webUrl).href);
      const banner = p.locator('[data-testid=fork-banner] p[data-branch=trunk]');
      await expect.poll(() => banner.locator('a[data-uuid]').evaluateAll((els) => els.map((e) => e.getAttribute('data-uuid')).sort()), { timeout: 90_000 })
        .toEqual([...made].sort());
      expect(await banner.textContent()).toMatch(/Branch trunk has 2 leaves/);
      // Each browser marks its own leaf.
      const yours = await banner.locator('.write-mine').evaluateAll((els) => els.map((e) => e.previousElementSibling?.getAttribute('data-uuid')));
      expect(yours).toEqual([made[i]]);
      step(`banner in browser ${i}`);
    }
    await shoot(a, 'write-fork-banner');
    // Going on from the tip of the branch shows that it has moved on from the other leaf.
    await b.goto(new URL('#/repo/demo/edit', hub.webUrl).href);
    await b.getByTestId('draft-base').waitFor();
    await shoot(b, 'write-fork-edit');
    expect([...errA, ...errB]).toEqual([]);
    await ctxB.close();
  }, 300_000);
});
