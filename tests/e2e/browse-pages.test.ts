// The reading pages in real Chromium against the real fossil: one repository made by fossil
// (branches, merges, tags, wiki in both markups, tickets, a technote, a forum thread, plus a
// hostile wiki page) is imported into the browser through the worker API; each page is then
// compared with what fossil itself prints for the same artifact. Screenshots of every page, on a
// desktop and a phone-sized viewport, go to .tmp/screenshots/browse-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/** A wiki page that would run code if anything from the repository were trusted. */
const HOSTILE_WIKI = [
  'Before <script>window.__pwned = "script"; alert("script")</script> after.',
  '<img src="x" onerror="window.__pwned = \'onerror\'; alert(1)"> <b onmouseover="window.__pwned = \'hover\'">bold</b>',
  '[javascript:window.__pwned="wikilink"|a wiki link] and <a href="javascript:window.__pwned=\'anchor\'" id="evil-anchor">an anchor</a>',
  '<iframe src="javascript:parent.__pwned=\'iframe\'"></iframe><style>body{display:none}</style>',
  '<svg><script>window.__pwned="svg"</script></svg><form action="javascript:alert(1)"><button id="evil-button">go</button></form>',
  '',
].join('\n');
const HOSTILE_MD = '# Markdown\n\n<script>window.__pwned="md"</script>\n\n[click](javascript:window.__pwned="mdlink") <img src=x onerror="window.__pwned=\'mdimg\'">\n';

describe.skipIf(!ready)('browse pages against fossil', () => {
  const tmp = tempDir('edgesync-browse-');
  let repoFile: string;
  let checkout: string;
  let names: Record<string, string>;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  const dialogs: string[] = [];

  const f = (...args: string[]) => fossil([...args, '-R', repoFile]).stdout;
  const fco = (...args: string[]) => fossil(args, { cwd: checkout }).stdout;
  const hashes = (out: string) => out.split('\n').map((l) => l.trim()).filter((l) => /^[0-9a-f]{40,64}$/.test(l));

  async function open(hash: string, ready: string): Promise<void> {
    await page.evaluate((h) => (location.hash = h), `#/repo/${REPO}/${hash}`);
    await page.locator(ready).first().waitFor({ timeout: 90_000 });
    await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'), undefined, { timeout: 90_000 });
  }

  async function shoot(name: string): Promise<void> {
    await page.screenshot({ path: join(SHOTS, `browse-${name}-desktop.png`), fullPage: false });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SHOTS, `browse-${name}-phone.png`), fullPage: false });
    await page.setViewportSize({ width: 1280, height: 860 });
  }

  beforeAll(async () => {
    if (!existsSync(join(WEB, 'index.html'))) throw new Error(`${WEB} is missing: build the web app first (npm run build:web)`);
    mkdirSync(SHOTS, { recursive: true });
    names = fossilFixture().names;
    repoFile = copyFixture(join(tmp.dir, 'fx.fossil'));
    const page1 = join(tmp.dir, 'hostile.wiki');
    writeFileSync(page1, HOSTILE_WIKI);
    f('wiki', 'create', 'Hostile', page1);
    const page2 = join(tmp.dir, 'hostile.md');
    writeFileSync(page2, HOSTILE_MD);
    f('wiki', 'create', 'Hostile Markdown', page2, '-M', 'markdown');
    checkout = join(tmp.dir, 'co');
    mkdirSync(checkout);
    fossil(['open', repoFile, '--force'], { cwd: checkout });
    // An image, for the image view.
    mkdirSync(join(checkout, 'img'));
    copyFileSync(join(import.meta.dirname, '../../public/icon-192.png'), join(checkout, 'img/logo.png'));
    fco('add', 'img/logo.png');
    fco('commit', '--no-warnings', '-m', 'Add a logo');

    server = await serveStatic(WEB);
    browser = await launchChromium();
    ctx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(server.url);
    await page.waitForFunction(() => (globalThis as { edgesync?: unknown }).edgesync !== undefined);
    const bytes = [...readFileSync(repoFile)];
    await page.evaluate(async ({ name, bytes }) => {
      const api = (globalThis as unknown as { edgesync: { init(): Promise<void>; repos: { importFile(n: string, b: Uint8Array): Promise<unknown> } } }).edgesync;
      await api.init();
      await api.repos.importFile(name, new Uint8Array(bytes));
    }, { name: REPO, bytes });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    tmp.cleanup();
  });

  it('timeline: every event fossil lists, in its order, with a graph node per check-in; filters match fossil', async () => {
    await open('timeline', '[data-testid=timeline-row]');
    await shoot('timeline');
    while (await page.getByTestId('timeline-more').isVisible()) {
      const n = await page.getByTestId('timeline-row').count();
      await page.getByTestId('timeline-more').click();
      await expect.poll(() => page.getByTestId('timeline-row').count()).toBeGreaterThan(n);
    }
    const rows = () => page.getByTestId('timeline-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-uuid')));
    expect(await rows()).toEqual(hashes(f('timeline', '-n', '0', '-F', '%H')));
    const ciRows = await page.locator('[data-testid=timeline-row][data-type=ci]').count();
    expect(await page.locator('[data-testid=timeline-row][data-type=ci] .graph-head circle').count()).toBe(ciRows);

    // Links in event comments lead to the artifact's page: a ticket, a wiki page.
    await open('timeline?y=t', '[data-testid=timeline-row]');
    await page.locator('[data-testid=timeline-row] .comment-text a').last().click();
    await page.locator(`[data-testid=ticket][data-uuid="${names.ticket}"]`).waitFor();
    await open('timeline?y=w&q=Markdown Page', '[data-testid=timeline-row]');
    await page.locator('[data-testid=timeline-row] .comment-text a').first().click();
    await expect.poll(() => page.getByTestId('wiki-title').textContent()).toBe('Markdown Page');

    await open('timeline?y=ci', '[data-testid=timeline-row]');
    await expect.poll(rows).toEqual(hashes(f('timeline', '-n', '0', '-t', 'ci', '-F', '%H')).slice(0, 50));
    await shoot('timeline-checkins');
    await open('timeline?u=bob', '[data-testid=timeline-row]');
    const byBob = f('timeline', '-n', '0', '-F', '%H %a').split('\n').filter((l) => / bob$/.test(l)).map((l) => l.split(' ')[0]);
    expect(byBob.length).toBeGreaterThan(0);
    await expect.poll(async () => new Set(await rows())).toEqual(new Set(byBob));
    await open('timeline?q=feature', '[data-testid=timeline-row]');
    const found = await page.locator('[data-testid=timeline-row] .comment-text').allTextContents();
    expect(found.length).toBeGreaterThan(1);
    for (const t of found) expect(t.toLowerCase()).toContain('feature');
    await open(`timeline?b=feature`, '[data-testid=timeline-row]');
    await expect.poll(rows).toEqual(hashes(f('timeline', '-n', '0', '-b', 'feature', '-t', 'ci', '-F', '%H')));
    await open('timeline?until=2024-01-04&since=2024-01-03&y=ci', '[data-testid=timeline-row]');
    await expect.poll(rows).toEqual([names.c3, names.c2]);
  });

  it('check-in: parents, children, tags, comment and user as fossil info; changed files and diffs as fossil diff', async () => {
    const c5 = names.c5!;
    await open(`checkin/${c5}`, '[data-testid=checkin]');
    await page.locator('.changed-file table.diff').first().waitFor();
    await shoot('checkin');
    const info = f('info', c5);
    const field = (k: string) => [...info.matchAll(new RegExp(`^${k}:\\s+([0-9a-f]+)`, 'gm'))].map((m) => m[1]!);
    const attr = (sel: string) => page.locator(sel).evaluateAll((els) => els.map((e) => e.getAttribute('data-uuid') ?? ''));
    const parents = await attr('[data-testid=checkin-parents] a');
    expect(parents.map((p) => p.slice(0, 40))).toEqual([...field('parent'), ...field('merged-from')]);
    expect(new Set((await attr('[data-testid=checkin-children] a')).map((p) => p.slice(0, 40)))).toEqual(new Set(field('child')));
    const tags = /^tags:\s+(.*)$/m.exec(info)![1]!.split(', ');
    const shownTags = await page.locator('[data-testid=checkin-tags] [data-tag]').evaluateAll((els) => els.map((e) => e.getAttribute('data-tag')));
    for (const t of tags) expect(shownTags).toContain(t);
    expect(await page.getByTestId('checkin-user').textContent()).toBe(/\(user: ([^)]+)\)/.exec(info)![1]);
    expect(await page.locator('.checkin-comment').textContent()).toBe(/^comment:\s+(.*?) \(user:/m.exec(info)![1]);

    // c2 against c1: the changed files and the lines of fossil's own unified diff.
    await open(`checkin/${names.c2}`, '[data-testid=checkin]');
    await page.locator('.changed-file table.diff').first().waitFor();
    // fossil diff lists a rename as ADDED new + DELETED old; the page shows it as one rename (as fossil ui does).
    const changed = await page.locator('.changed-file').evaluateAll((els) => els.flatMap((e) => [e.getAttribute('data-name'), e.getAttribute('data-old')].filter(Boolean)));
    const brief = fco('diff', '--from', names.c1!, '--to', names.c2!, '--brief').trim().split('\n').map((l) => l.trim().split(/\s+/).pop());
    expect(new Set(changed)).toEqual(new Set(brief));
    expect(await page.locator('.changed-file[data-change=renamed]').getAttribute('data-old')).toBe('old-name.txt');
    const fossilDiff = fco('diff', '--from', names.c1!, '--to', names.c2!, 'src/main.c').split('\n').filter((l) => /^[-+][^-+]/.test(l));
    const ours = await page.locator('.changed-file[data-name="src/main.c"] tr.add td.code, .changed-file[data-name="src/main.c"] tr.del td.code').allTextContents();
    expect(ours.map((l) => l.replace(/^([-+])/, '$1'))).toEqual(fossilDiff);
    await page.getByTestId('diff-toggle').click();
    await page.getByTestId('diff-split').first().waitFor();
    await shoot('checkin-split');
    const left = await page.locator('.changed-file[data-name="src/main.c"] td.code.del').allTextContents();
    expect(left).toEqual(fossilDiff.filter((l) => l.startsWith('-')).map((l) => l.slice(1)));
  });

  it('files: the tree of a check-in is fossil ls -r; a file is fossil artifact; history is fossil finfo; branch tips work', async () => {
    const c3 = names.c3!;
    await open(`files/${c3}?flat=1`, '[data-testid=file-list] tr.file');
    const listed = await page.locator('[data-testid=file-list] tr.file').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')!));
    expect(listed.sort()).toEqual(fco('ls', '-r', c3).trim().split('\n').sort());
    await open(`files/${c3}`, '[data-testid=file-list] tr.dir');
    await shoot('files');
    await open('files/feature', '[data-testid=files]');
    expect(await page.getByTestId('files').getAttribute('data-checkin')).toBe(hashes(f('timeline', '-n', '1', '-b', 'feature', '-t', 'ci', '-F', '%H'))[0]);

    await open(`file/${names.c4}/src/main.c`, '[data-testid=file-text]');
    await expect.poll(() => page.locator('[data-testid=file-text] span').count()).toBeGreaterThan(0); // highlighted
    await shoot('file');
    const uuid = (await page.getByTestId('file-view').getAttribute('data-uuid'))!;
    expect(await page.getByTestId('file-text').textContent()).toBe(f('artifact', uuid));
    expect(fco('ls', '-v', '-r', names.c4!)).toBeTruthy();
    const dl = page.waitForEvent('download');
    await page.getByTestId('raw-download').click();
    const file = await (await dl).path();
    expect(readFileSync(file, 'utf8')).toBe(f('artifact', uuid));

    await open(`artifact/${uuid}`, '[data-testid=file-text]');
    await shoot('artifact');
    expect(await page.getByTestId('file-text').textContent()).toBe(f('artifact', uuid));

    await open('file/tip/img/logo.png', '[data-testid=image-view]');
    await expect.poll(() => page.getByTestId('image-view').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(192);
    await shoot('image');

    await open(`file/${names.c4}/src/main.c?annotate=1`, '[data-testid=annotate] tr');
    await shoot('annotate');
    expect(await page.locator('[data-testid=annotate] tr').count()).toBe(f('artifact', uuid).trimEnd().split('\n').length);

    await open('finfo/src/main.c', '[data-testid=file-history] li');
    await shoot('file-history');
    const fromFossil = [...fco('finfo', 'src/main.c').matchAll(/^\d{4}-\d\d-\d\d \[([0-9a-f]+)\]/gm)].map((m) => m[1]!);
    const ours = await page.locator('[data-testid=file-history] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-checkin')!));
    expect(ours.map((h) => h.slice(0, 10))).toEqual(fromFossil);
    expect(await page.getByTestId('file-history-count').textContent()).toBe(`${fromFossil.length} changes`);
    expect(await page.getByTestId('file-history-more').count()).toBe(0);
  });

  it('wiki and technotes: the text fossil wiki export gives, rendered with working links', async () => {
    await open('wiki', '[data-testid=wiki-list] li');
    await shoot('wiki-list');
    const pages = await page.locator('[data-testid=wiki-list] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
    expect(pages).toEqual(f('wiki', 'ls').trim().split('\n'));

    await open('wiki/Home?source=1', '[data-testid=wiki-source]');
    expect(await page.getByTestId('wiki-source').textContent()).toBe(f('wiki', 'export', 'Home'));
    await open('wiki/Home', '[data-testid=wiki-body]');
    await shoot('wiki-page');
    const link = page.locator('[data-testid=wiki-body] a', { hasText: names.c5! });
    await link.click();
    await page.locator(`[data-testid=checkin][data-uuid="${names.c5}"]`).waitFor();
    await open('wiki/Home', '[data-testid=wiki-body]');
    await page.locator('[data-testid=wiki-body] a', { hasText: 'Other Page' }).click();
    await expect.poll(() => page.evaluate(() => decodeURIComponent(location.hash))).toBe(`#/repo/${REPO}/wiki/Other Page`);

    await open('wiki/Markdown Page', '[data-testid=wiki-body] h1');
    expect(await page.locator('[data-testid=wiki-body] h1').textContent()).toBe('Title');
    await page.locator('[data-testid=wiki-body] a', { hasText: 'another' }).click();
    await page.locator(`[data-testid=checkin][data-uuid="${names.c7}"]`).waitFor();

    await open('technotes', '[data-testid=technote-list] li');
    await shoot('technotes');
    const ids = await page.locator('[data-testid=technote-list] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    expect(ids).toEqual(f('wiki', 'ls', '-t', '-s').trim().split('\n').map((l) => l.split(' ')[0]));
    await page.locator('[data-testid=technote-list] a').first().click();
    await page.getByTestId('technote-body').waitFor();
    await shoot('technote');
    const note = f('wiki', 'export', '--technote', names.technoteId!);
    expect((await page.getByTestId('technote-body').textContent())!.trim()).toBe(note.trim());
  });

  it('tickets: the list and fields of fossil ticket show, the changes of fossil ticket history', async () => {
    await open('tickets', '[data-testid=ticket-list] tbody tr');
    await shoot('tickets');
    const report = f('ticket', 'show', '0').trim().split('\n').map((l) => l.split('\t'));
    const cols = report[0]!;
    const rows = report.slice(1).map((r) => Object.fromEntries(cols.map((c, i) => [c, r[i] ?? ''])));
    const listed = await page.locator('[data-testid=ticket-list] tbody tr').evaluateAll((els) => els.map((e) => e.getAttribute('data-uuid')));
    expect(new Set(listed)).toEqual(new Set(rows.map((r) => r.tkt_uuid)));

    const t = rows.find((r) => r.tkt_uuid === names.ticket)!;
    await open(`ticket/${names.ticket!.slice(0, 10)}`, '[data-testid=ticket-history] li');
    await shoot('ticket');
    expect(await page.getByTestId('ticket-title').textContent()).toBe(t.title);
    for (const k of ['status', 'type', 'priority', 'resolution']) {
      expect(await page.locator(`[data-testid=ticket-fields] dd[data-field=${k}]`).textContent()).toBe(t[k]);
    }
    // The comment is fossil wiki text: [hash] is a link to that check-in.
    expect((await page.getByTestId('ticket-comment').textContent())!.trim()).toBe(t.comment!.trim().replace(/\[([0-9a-f]+)\]/g, '$1'));
    const history = f('ticket', 'history', names.ticket!);
    const changes = history.split('Ticket Change by ').slice(1).map((b) => [...b.matchAll(/^\s+(?:Change|Append to) (\w+):/gm)].map((m) => m[1]).sort());
    const ours = await page.locator('[data-testid=ticket-history] > li').evaluateAll((els) => els.map((e) => [...e.querySelectorAll('li strong')].map((s) => s.textContent).sort()));
    expect(ours).toEqual(changes);
    await page.getByTestId('ticket-comment').locator('a').click();
    await page.locator(`[data-testid=checkin][data-uuid="${names.c4}"]`).waitFor();
  });

  it('forum: the thread with each post at its newest version, as fossil stored it', async () => {
    await open('forum', '[data-testid=forum-list] li');
    await shoot('forum-list');
    const rootPost = names.forumPost!;
    expect(await page.locator('[data-testid=forum-list] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-root')))).toEqual([rootPost]);
    await page.locator('[data-testid=forum-list] a').first().click();
    await page.getByTestId('forum-thread').waitFor();
    await shoot('forum-thread');
    const edit = f('artifact', names.forumEdit!);
    const title = /^H (.*)$/m.exec(edit)![1]!.replace(/\\s/g, ' ');
    expect(await page.locator('.thread-title').textContent()).toBe(title);
    const posts = page.locator('.forum-post');
    expect(await posts.count()).toBe(2);
    expect(await posts.nth(0).getAttribute('data-uuid')).toBe(names.forumEdit);
    expect((await posts.nth(0).locator('.wiki-body').textContent())!.trim()).toBe('Edited body.');
    expect(await posts.nth(1).getAttribute('data-uuid')).toBe(names.forumReplyDeleted);
    expect(await posts.nth(1).textContent()).toContain('(deleted)');
  });

  it('branches, tags, leaves and stats match fossil branch ls, tag ls, leaves and info', async () => {
    await open('branches', '[data-testid=branch-list] tbody tr');
    await page.getByTestId('closed-branches').click();
    await page.getByTestId('closed-branch-list').waitFor();
    await shoot('branches');
    const names = (sel: string) => page.locator(`[data-testid=${sel}] tbody tr`).evaluateAll((els) => els.map((e) => e.getAttribute('data-name')!));
    const trim = (out: string) => out.trim().split('\n').map((l) => l.replace(/^\*?\s+/, '').trim()).sort();
    expect((await names('branch-list')).sort()).toEqual(trim(f('branch', 'ls')));
    expect([...await names('branch-list'), ...await names('closed-branch-list')].sort()).toEqual(trim(f('branch', 'ls', '-a')));
    expect((await names('closed-branch-list')).sort()).toEqual(trim(f('branch', 'ls', '-c')));
    await open('tags', '[data-testid=tag-list] li');
    await shoot('tags');
    const tags = await page.locator('[data-testid=tag-list] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
    expect(tags.sort()).toEqual(f('tag', 'ls').trim().split('\n').sort());
    await open('leaves', '[data-testid=leaf-list] li');
    await shoot('leaves');
    const leaves = await page.locator('[data-testid=leaf-list] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-uuid')!.slice(0, 10)));
    expect(new Set(leaves)).toEqual(new Set([...f('leaves', '-a').matchAll(/^\s*\(\d+\) \S+ \S+ \[([0-9a-f]{10})\]/gm)].map((m) => m[1])));
    await open('stats', '[data-testid=stats]');
    await shoot('stats');
    expect(await page.locator('[data-stat=checkins]').textContent()).toBe(/^check-ins:\s+(\d+)/m.exec(f('info'))![1]);
    const dbstat = f('dbstat');
    const stat = (re: RegExp) => re.exec(dbstat)![1]!.replace(/,/g, '');
    expect(await page.locator('[data-stat=artifacts]').textContent()).toBe(stat(/^artifact-count:\s+([\d,]+)/m));
    expect(await page.locator('[data-stat=deltas]').textContent()).toBe(stat(/^artifact-count:.* and ([\d,]+) deltas/m));
    expect(await page.locator('[data-stat=checkins]').textContent()).toBe(stat(/^check-ins:\s+([\d,]+)/m));
    expect(await page.locator('[data-stat=files]').textContent()).toBe(stat(/^files:\s+([\d,]+)/m));
    expect(await page.locator('[data-stat=tags]').textContent()).toBe(stat(/^tag-changes:\s+([\d,]+)/m));
    expect(await page.locator('[data-stat=forum]').textContent()).toBe(stat(/^forum-posts:\s+([\d,]+)/m));
  });

  it('a hostile wiki page renders without running anything (Must-show 4)', async () => {
    await page.evaluate(() => delete (window as { __pwned?: unknown }).__pwned);
    for (const name of ['Hostile', 'Hostile Markdown']) {
      await open(`wiki/${name}`, '[data-testid=wiki-body]');
      await page.waitForTimeout(300);
      const body = page.getByTestId('wiki-body');
      expect(await body.locator('script, iframe, style, svg, form, [onerror], [onmouseover]').count()).toBe(0);
      const hrefs = await body.locator('a').evaluateAll((els) => els.map((e) => e.getAttribute('href')));
      for (const h of hrefs) expect(h ?? '').not.toMatch(/javascript:/i);
      // What was a javascript: link is left as text that leads nowhere.
      expect(await body.locator('a.dead-link:not([href])').count()).toBeGreaterThan(0);
      // Clicking what is left of the links and hovering the bold text runs nothing either.
      for (const a of await body.locator('a').all()) await a.click({ force: true, timeout: 1000 }).catch(() => undefined);
      await body.locator('b').first().hover({ timeout: 1000 }).catch(() => undefined);
      expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    }
    await open('wiki/Hostile', '[data-testid=wiki-body]');
    expect(await page.getByTestId('wiki-body').textContent()).toContain('Before');
    await shoot('wiki-hostile');
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });
});
