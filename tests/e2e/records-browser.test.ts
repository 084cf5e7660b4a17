// Forum posts, technotes, attachments and ticket reports in the browser, end to end: `edgesync
// hub` serving a fossil-made repository, real headless Chromium signed in with a write invite,
// and the real fossil binary (and `fossil server` on the same file) checking what reached the
// serving leaf: the forum timeline and pages, `wiki ls -t`, the attachment table, /attachlist and
// the attached bytes, and the default report against `fossil ticket show`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { haveChromium, launchChromium, watchErrors } from '../helpers/browser.ts';
import { copyFixture } from '../helpers/fossil-fixture.ts';
import { startHubCli, type RunningHub } from '../helpers/hub-cli.ts';
import { startFossilServer, type RunningServer } from '../helpers/servers.ts';
import { fossil, haveTool, sqlite, tempDir } from '../helpers/tools.ts';

const WEB = join(import.meta.dirname, '../../dist/web');
const SHOTS = join(import.meta.dirname, '../../.tmp/screenshots');
const ready = haveChromium() && haveTool('fossil') && haveTool('nats-server');
const BINARY = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 151 + (i >> 2)) % 256));
const LOG = 'line one\n<script>alert(1)</script>\nline three\n';

describe.skipIf(!ready)('forum, technotes, attachments and reports in the browser', () => {
  let browser: Browser;
  let hub: RunningHub;
  let web: RunningServer;
  const tmp = tempDir('edgesync-records-');
  let demo: string;
  let a: Page;
  let errors: string[];
  const at = (hash: string) => new URL(hash, hub.webUrl).href;
  /** A page of `fossil server` on the leaf's file (logged in as its setup user from localhost). */
  const fossilPage = async (path: string) => (await fetch(new URL(path, web.url))).text();

  beforeAll(async () => {
    if (!existsSync(join(WEB, 'index.html'))) throw new Error(`${WEB} is missing: build the web app first (npm test does)`);
    mkdirSync(SHOTS, { recursive: true });
    demo = copyFixture(join(tmp.dir, 'demo.fossil'));
    // Two reports fossil would refuse to run, which reach the browser with the clone's configuration.
    const report = (title: string, sql: string) =>
      sqlite(demo, `INSERT INTO reportfmt(title, mtime, cols, sqlcode) VALUES('${title}', strftime('%s','now'), '', '${sql.replace(/'/g, "''")}')`);
    report('Logins', 'SELECT login, pw FROM user');
    report('Wipe', 'WITH x AS (SELECT 1) DELETE FROM ticket');
    hub = await startHubCli(join(tmp.dir, 'hub'), [demo]);
    web = await startFossilServer(demo, ['--localauth']);
    browser = await launchChromium();
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
    a = await ctx.newPage();
    errors = watchErrors(a);
    await a.goto(hub.invites.demo!);
    await a.getByTestId('repo-title').waitFor({ timeout: 90_000 });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await hub?.stop();
    tmp.cleanup();
  });

  it('a thread, a reply and an edit of it reach fossil’s forum and render there as here', async () => {
    await expect.poll(() => a.getByTestId('connection').first().textContent(), { timeout: 90_000 }).toBe('connected');
    await a.goto(at('#/repo/demo/forum'));
    await a.getByTestId('forum-new').click();
    await a.getByTestId('forum-title').fill('Planning in the browser');
    await a.getByTestId('forum-mimetype').selectOption('text/x-markdown');
    await a.getByTestId('forum-text').fill('We **ship** on Friday.\n');
    await expect.poll(() => a.locator('[data-testid=forum-preview] strong').textContent()).toBe('ship');
    await a.getByTestId('forum-save').click();
    const thread = a.getByTestId('forum-thread');
    await thread.waitFor();
    const root = (await thread.getAttribute('data-root'))!;
    expect(await a.locator('.thread-title').textContent()).toBe('Planning in the browser');

    await a.getByTestId('forum-reply').first().click();
    await a.getByTestId('forum-replying-to').waitFor();
    await a.getByTestId('forum-text').fill('Agreed.\n');
    await a.getByTestId('forum-save').click();
    await expect.poll(() => a.locator('.forum-post').count()).toBe(2);
    const reply = (await a.locator('.forum-post').nth(1).getAttribute('data-uuid'))!;
    // Both posts are this writer's own: each can be edited. Edit the reply.
    expect(await a.getByTestId('forum-edit').count()).toBe(2);
    await a.locator('.forum-post').nth(1).getByTestId('forum-edit').click();
    await expect.poll(() => a.getByTestId('forum-text').inputValue()).toBe('Agreed.\n');
    await a.getByTestId('forum-text').fill('Agreed, Friday at *noon*.\n');
    await a.getByTestId('forum-save').click();
    await expect.poll(() => a.locator('.forum-post').nth(1).locator('.wiki-body').textContent()).toMatch(/^Agreed, Friday at noon\.\s*$/);
    expect(await a.locator('.forum-post').nth(1).textContent()).toMatch(/edited 1×/);
    const edit = (await a.locator('.forum-post').nth(1).getAttribute('data-uuid'))!;
    expect(edit).not.toBe(reply);
    await a.screenshot({ path: join(SHOTS, 'records-forum.png'), fullPage: true });

    // The leaf has all three, as fossil's timeline words them.
    const forumTimeline = () => fossil(['timeline', '-t', 'f', '-n', '50', '-R', demo]).stdout;
    await expect.poll(forumTimeline, { timeout: 90_000 }).toContain(`[${edit.slice(0, 10)}] Edit reply: Planning in the browser`);
    expect(forumTimeline()).toContain(`[${root.slice(0, 10)}] Post: Planning in the browser`);
    expect(forumTimeline()).toContain(`[${reply.slice(0, 10)}] Reply: Planning in the browser`);
    expect(fossil(['artifact', edit, '-R', demo]).stdout).toMatch(new RegExp(`^D .*\\nG ${root}\\nI ${root}\\nN text/x-markdown\\nP ${reply}\\nU demo-writer\\nW `));
    // fossil's own thread page shows the same title and the same text.
    const page = await fossilPage(`forumthread/${root}?t=c`);
    expect(page).toContain('Planning in the browser');
    expect(page).toContain('We <strong>ship</strong> on Friday.');
    expect(page).toContain('Agreed, Friday at <em>noon</em>.');
    expect(await a.locator('.forum-post').first().locator('strong').textContent()).toBe('ship');
    expect(await a.locator('.forum-post').nth(1).locator('em').textContent()).toBe('noon');
    expect(errors).toEqual([]);
  }, 300_000);

  it('a technote made and edited here is listed and rendered by fossil', async () => {
    await a.goto(at('#/repo/demo/technotes'));
    await a.getByTestId('technote-new').click();
    await a.getByTestId('technote-when').fill('2026-01-15 08:00');
    await a.getByTestId('technote-comment').fill('Release 1.0');
    await a.getByTestId('technote-tags').fill('release');
    await a.getByTestId('technote-mimetype').selectOption('text/x-markdown');
    await a.getByTestId('technote-text').fill('## Released\n\nAll *good*.\n');
    await a.getByTestId('technote-save').click();
    await a.getByTestId('technote').waitFor();
    const id = decodeURIComponent(new URL(a.url()).hash.split('/').pop()!);
    expect(id).toMatch(/^[0-9a-f]{40}$/);
    await a.getByTestId('technote-edit-link').click();
    await expect.poll(() => a.getByTestId('technote-comment').inputValue()).toBe('Release 1.0');
    expect(await a.getByTestId('technote-tags').inputValue()).toBe('release');
    await a.getByTestId('technote-comment').fill('Release 1.0 (final)');
    await a.getByTestId('technote-text').fill('## Released\n\nAll *good*, and final.\n');
    await a.getByTestId('technote-save').click();
    await expect.poll(() => a.locator('[data-testid=technote] h1').first().textContent()).toBe('Release 1.0 (final)');
    expect(await a.locator('[data-testid=technote-body] em').textContent()).toBe('good');

    await expect.poll(() => fossil(['wiki', 'ls', '-t', '-s', '-R', demo]).stdout, { timeout: 90_000 }).toMatch(new RegExp(`^${id}.*2026-01-15 08:00:00`, 'm'));
    await expect.poll(() => fossil(['timeline', '-t', 'e', '-n', '50', '-R', demo]).stdout, { timeout: 90_000 }).toContain('Release 1.0 (final)');
    expect(fossil(['wiki', 'export', '-t', id, '-R', demo]).stdout).toBe('## Released\n\nAll *good*, and final.\n');
    const page = await fossilPage(`technote/${id}`);
    // fossil takes a Markdown text's first heading as the page's title.
    expect(page).toMatch(/<title>[^<]*Released<\/title>/);
    expect(await a.locator('[data-testid=technote-body] h2').textContent()).toBe('Released');
    expect(page).toContain('All <em>good</em>, and final.');
    expect(errors).toEqual([]);
  }, 300_000);

  it('files attached here to a wiki page and a ticket reach the leaf, its /attachlist, byte for byte', async () => {
    await a.goto(at('#/repo/demo/wiki-edit/Attach Here'));
    await a.getByTestId('wiki-text').fill('A page with files.\n');
    await a.getByTestId('wiki-save').click();
    await a.getByTestId('write-notice').waitFor();
    await a.goto(at('#/repo/demo/wiki/Attach Here'));
    await a.getByTestId('attachments').waitFor();
    await a.getByTestId('attach-input').setInputFiles({ name: 'data.bin', mimeType: 'application/octet-stream', buffer: BINARY });
    await a.getByTestId('attach-comment').fill('some bytes');
    await a.getByTestId('attach-save').click();
    await a.locator('[data-testid=attachment-list] li[data-filename="data.bin"]').waitFor();

    await a.goto(at('#/repo/demo/ticket-edit'));
    await a.getByTestId('ticket-title').fill('Has a log');
    await a.getByTestId('ticket-save').click();
    const tid = (await a.getByTestId('ticket-id').textContent())!;
    await a.goto(at(`#/repo/demo/ticket/${tid}`));
    await a.getByTestId('attach-input').setInputFiles({ name: 'log.html', mimeType: 'text/html', buffer: Buffer.from(LOG) });
    await a.getByTestId('attach-save').click();
    const logItem = a.locator('[data-testid=attachment-list] li[data-filename="log.html"]');
    await logItem.waitFor();
    // The attachment's page shows the HTML as text (nothing of it runs) and downloads the bytes.
    await logItem.locator('a').click();
    await expect.poll(() => a.getByTestId('file-text').textContent()).toBe(LOG);
    expect(await a.locator('script:has-text("alert(1)")').count()).toBe(0);
    const link = a.getByTestId('attachment-download');
    expect(await link.getAttribute('href')).toMatch(/^blob:/);
    expect(await link.getAttribute('download')).toBe('log.html');
    const [download] = await Promise.all([a.waitForEvent('download'), link.click()]);
    expect(readFileSync((await download.path())!).toString()).toBe(LOG);
    await a.screenshot({ path: join(SHOTS, 'records-attachment.png'), fullPage: true });

    // The leaf's attachment table lists both, fossil's /attachlist too, and the bytes are the same.
    const row = (target: string, name: string) => sqlite(demo, `SELECT src FROM attachment WHERE target='${target}' AND filename='${name}' AND isLatest`).trim();
    await expect.poll(() => row('Attach Here', 'data.bin'), { timeout: 90_000 }).toMatch(/^[0-9a-f]{64}$/);
    await expect.poll(() => row(tid, 'log.html'), { timeout: 90_000 }).toMatch(/^[0-9a-f]{64}$/);
    const list = await fossilPage('attachlist');
    expect(list).toMatch(/data\.bin[\s\S]*Added to\s+wiki page[\s\S]*Attach Here/);
    expect(list).toMatch(/log\.html[\s\S]*Added to\s+ticket/);
    const out = join(tmp.dir, 'data.bin');
    fossil(['artifact', row('Attach Here', 'data.bin'), out, '-R', demo]);
    expect(readFileSync(out)).toEqual(BINARY);
    const served = Buffer.from(await (await fetch(new URL('attachdownload/data.bin?page=Attach%20Here&file=data.bin', web.url))).arrayBuffer());
    expect(served).toEqual(BINARY);
    expect(errors).toEqual([]);
  }, 300_000);

  it('the default ticket report shows what fossil ticket show gives', async () => {
    await a.goto(at('#/repo/demo/tickets'));
    await a.getByTestId('reports-link').click();
    await a.locator('[data-testid=report-list] li[data-rn="1"] a').click();
    await a.getByTestId('report-table').waitFor();
    expect(await a.getByTestId('report-title').textContent()).toBe('All Tickets');
    // Rows as fossil prints them, without the colour column (which colours the row here).
    const theirs = () => fossil(['ticket', 'show', '1', '-R', demo]).stdout.trim().split('\n').map((l) => l.split('\t').slice(1).join('\t'));
    const ours = async () => {
      const head = await a.locator('[data-testid=report-table] thead th').allTextContents();
      const rows = await a.locator('[data-testid=report-table] tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '').join('\t')));
      return [head.join('\t'), ...rows];
    };
    const sorted = (l: string[]) => [l[0], ...l.slice(1).sort()];
    await expect.poll(async () => sorted(await ours()), { timeout: 90_000 }).toEqual(sorted(theirs()));
    expect((await ours()).some((r) => r.includes('Has a log'))).toBe(true);
    expect(await a.locator('[data-testid=report-table] tbody tr').first().getAttribute('style')).toMatch(/background/);
    await a.screenshot({ path: join(SHOTS, 'records-report.png'), fullPage: true });

    // Reports that read a table fossil keeps from reports, or that write, are refused, saying why.
    for (const [title, why] of [['Logins', 'access to table "user" is restricted'], ['Wipe', 'SQL must not modify the database']]) {
      await a.goto(at('#/repo/demo/reports'));
      await a.locator('[data-testid=report-list] a', { hasText: title! }).click();
      await expect.poll(() => a.getByTestId('browse-error').textContent()).toBe(why);
      expect(await a.getByTestId('report-table').count()).toBe(0);
    }
    await a.goto(at('#/repo/demo/report/1'));
    await expect.poll(async () => sorted(await ours())).toEqual(sorted(theirs()));
    expect(errors).toEqual([]);
  }, 300_000);
});
