// Search, documents, archives and check-in comparison in real Chromium against the real fossil:
// the fossil-made fixture plus check-ins of our own is imported into the browser; then
// - the search page lists the comments `fossil search` (and `-a`) prints, and finds wiki pages,
//   tickets, technotes, forum posts and files at the tip, with the browser offline;
// - a folder shows its README under the file list, rendered, with relative links to /doc pages
//   and no image fetched from anywhere;
// - the ZIP and tarball downloads hold the entries, bytes and modes of fossil zip and tarball;
// - the vdiff page lists the files and hunks of `fossil diff --from A --to B` (and `-w`), and
//   marks the words that changed inside a line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { parseFossilDiff, tarEntries, zipEntries } from '../helpers/archives.ts';
import { haveChromium, launchChromium } from '../helpers/browser.ts';
import { copyFixture, fossilFixture } from '../helpers/fossil-fixture.ts';
import { serveStatic } from '../helpers/static-server.ts';
import { fossil, haveTool, sqlite, tempDir } from '../helpers/tools.ts';

const WEB = join(import.meta.dirname, '../../dist/web');
const SHOTS = join(import.meta.dirname, '../../.tmp/screenshots');
const ready = haveChromium() && haveTool('fossil');
const REPO = 'rm';

const README = [
  '# Read me first',
  '',
  'See [the guide](docs/guide.md) and [notes](docs/notes.wiki).',
  '',
  '![logo](img/logo.png) ![remote](https://example.invalid/track.png)',
  '',
].join('\n');

describe.skipIf(!ready)('search, documents, archives and vdiff against fossil', () => {
  const tmp = tempDir('edgesync-readmore-');
  let repoFile: string;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let from: string;
  let to: string;
  const errors: string[] = [];
  const requests: string[] = [];
  const f = (...args: string[]) => fossil([...args, '-R', repoFile]).stdout;
  const newest = () => sqlite(repoFile, "SELECT uuid FROM blob JOIN event ON objid=rid WHERE type='ci' ORDER BY mtime DESC LIMIT 1").trim();

  async function open(hash: string, ready: string): Promise<void> {
    await page.evaluate((h) => (location.hash = h), `#/repo/${REPO}/${hash}`);
    await page.locator(ready).first().waitFor({ timeout: 90_000 });
    await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'), undefined, { timeout: 90_000 });
  }

  beforeAll(async () => {
    if (!existsSync(join(WEB, 'index.html'))) throw new Error(`${WEB} is missing: build the web app first (npm run build:web)`);
    mkdirSync(SHOTS, { recursive: true });
    fossilFixture();
    repoFile = copyFixture(join(tmp.dir, 'rm.fossil'));
    const co = join(tmp.dir, 'co');
    mkdirSync(co);
    const fco = (...args: string[]) => fossil(args, { cwd: co }).stdout;
    fco('open', repoFile, '--force');
    ['Fix the parser crash in the lexer', 'parser: fix crash on empty input', 'Crash parser fix fix', 'PARSER notes'].forEach((c, i) => {
      writeFileSync(join(co, 'notes.txt'), `note ${i}\n`);
      if (i === 0) fco('add', 'notes.txt');
      fco('commit', '--no-warnings', '-m', c, '--date-override', `2024-05-0${i + 1}T00:00:00`);
    });
    mkdirSync(join(co, 'docs'), { recursive: true });
    writeFileSync(join(co, 'README.md'), README);
    writeFileSync(join(co, 'docs/guide.md'), '# The guide\n\nBack to [the top](../README.md).\n');
    writeFileSync(join(co, 'docs/notes.wiki'), '<h2>Wiki notes</h2>\n\nSome <b>notes</b>.\n');
    writeFileSync(join(co, 'calc.c'), 'int add(int a, int b) {\n  return a + b;\n}\n\nint sub(int a, int b) {\n  return a - b;\n}\n');
    fco('add', 'README.md', 'docs/guide.md', 'docs/notes.wiki', 'calc.c');
    fco('commit', '--no-warnings', '-m', 'Documents', '--date-override', '2024-06-01T00:00:00');
    from = newest();
    writeFileSync(join(co, 'calc.c'), 'int add(int a, int b)  {\n\treturn a + b;\n}\n\nint sub(int a, int b) {\n  return a - b - 0;\n}\n');
    writeFileSync(join(co, 'docs/aardvark.txt'), 'An aardvark at the tip.\n');
    writeFileSync(join(co, 'run.sh'), '#!/bin/sh\necho run\n');
    chmodSync(join(co, 'run.sh'), 0o755);
    fco('add', 'docs/aardvark.txt', 'run.sh');
    fco('commit', '--no-warnings', '-m', 'Whitespace and a word', '--date-override', '2024-06-02T00:00:00');
    to = newest();
    fco('close', '--force');

    server = await serveStatic(WEB);
    browser = await launchChromium();
    ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
    page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
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

  it('search: the comments fossil search prints, and wiki, tickets, technotes, forum and tip files, offline', async () => {
    await open('search', '[data-testid=search-input]');
    await ctx.setOffline(true);
    const before = requests.length;
    try {
      await page.getByTestId('search-input').fill('parser crash');
      await page.getByTestId('search-input').press('Enter');
      await page.getByTestId('search-comment').first().waitFor();
      await page.screenshot({ path: join(SHOTS, 'read-search.png') });
      const uuids = () => page.getByTestId('search-comment').evaluateAll((els) => els.map((e) => e.getAttribute('data-uuid')!.slice(0, 10)));
      const fossilSearch = (all: boolean, ...words: string[]) =>
        [...f('search', ...(all ? ['-a'] : []), '-W', '0', ...words).matchAll(/^\d\d:\d\d:\d\d \[([0-9a-f]{10})[0-9a-f]*\]/gm)].map((m) => m[1]!);
      const best = fossilSearch(false, 'parser', 'crash');
      expect(best.length).toBeGreaterThan(0);
      expect(new Set(await uuids())).toEqual(new Set(best));
      await page.getByTestId('search-all').check();
      await page.getByTestId('search-go').click();
      const all = fossilSearch(true, 'parser', 'crash');
      expect(all.length).toBeGreaterThan(best.length);
      await expect.poll(async () => new Set(await uuids())).toEqual(new Set(all));

      const docs = async (q: string) => {
        await open(`search?q=${encodeURIComponent(q)}`, '[data-testid=search-comment-count]');
        return page.getByTestId('search-doc').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-kind')}:${e.getAttribute('data-key')}`));
      };
      expect(await docs('Third version')).toContain('wiki:Home');
      expect(await docs('more words')).toContain(`technote:${f('wiki', 'ls', '-t', '-s').trim().split(/\s+/)[0]}`);
      expect((await docs('Crash on start')).some((d) => /^ticket:[0-9a-f]{40}$/.test(d))).toBe(true);
      expect((await docs('Edited body')).some((d) => d.startsWith('forum:'))).toBe(true);
      expect(await docs('aardvark')).toEqual(['file:docs/aardvark.txt']);
      await page.locator('[data-testid=search-doc] a').first().click();
      await page.getByTestId('file-text').waitFor();
      expect(await page.getByTestId('file-text').textContent()).toBe('An aardvark at the tip.\n');
      // Everything came from this browser's copy while offline (the page asked for nothing but its
      // own icon, which failed).
      expect(requests.slice(before).filter((u) => /^https?:/.test(u) && !u.startsWith(`${server.url.replace(/\/$/, '')}/icon`))).toEqual([]);
    } finally {
      await ctx.setOffline(false);
    }
  });

  it('README under the file list and documents at /doc, rendered; relative links work; no image is fetched', async () => {
    const before = requests.length;
    await open('files/tip', '[data-testid=dir-readme-body] h1');
    await page.screenshot({ path: join(SHOTS, 'read-readme.png') });
    expect(await page.getByTestId('dir-readme').getAttribute('data-name')).toBe('README.md');
    expect(await page.locator('[data-testid=dir-readme-body] h1').textContent()).toBe('Read me first');
    expect(await page.locator('[data-testid=dir-readme-body] img').count()).toBe(0);
    await page.locator('[data-testid=dir-readme-body] a', { hasText: 'the guide' }).click();
    await page.locator('[data-testid=doc-body] h1').waitFor();
    expect(await page.locator('[data-testid=doc-body] h1').textContent()).toBe('The guide');
    await page.locator('[data-testid=doc-body] a', { hasText: 'the top' }).click();
    await page.locator('[data-testid=doc-body] h1', { hasText: 'Read me first' }).waitFor();
    await open(`doc/${to}/docs/notes.wiki`, '[data-testid=doc-body] h2');
    expect(await page.locator('[data-testid=doc-body] b').textContent()).toBe('notes');
    // The folder without a README shows none; a folder's README is fossil's pick.
    await open('files/tip/docs', '[data-testid=file-list] tr.file');
    expect(await page.getByTestId('dir-readme').count()).toBe(0);
    expect(requests.slice(before).filter((u) => /^https?:/.test(u) && !u.startsWith(server.url))).toEqual([]);
    expect(requests.slice(before).filter((u) => /logo\.png|track\.png/.test(u))).toEqual([]);
  });

  it('the ZIP and tarball of a check-in hold what fossil zip and fossil tarball hold', async () => {
    await open(`checkin/${to}`, '[data-testid=download-zip]');
    const outZip = join(tmp.dir, 'fossil.zip');
    f('zip', to, outZip);
    const dl = page.waitForEvent('download');
    await page.getByTestId('download-zip').click();
    const download = await dl;
    const theirs = zipEntries(readFileSync(outZip), tmp.dir);
    expect(download.suggestedFilename()).toBe(`${[...theirs.keys()][0]!.replace(/\/.*$/, '')}.zip`);
    expect(zipEntries(readFileSync((await download.path())!), tmp.dir)).toEqual(theirs);
    expect([...theirs.entries()].find(([k]) => k.endsWith('/run.sh'))![1].mode).toBe(0o100755);

    const outTar = join(tmp.dir, 'fossil.tar.gz');
    f('tarball', to, outTar);
    const dl2 = page.waitForEvent('download');
    await page.getByTestId('download-tarball').click();
    const tar = await dl2;
    expect(tar.suggestedFilename()).toMatch(/\.tar\.gz$/);
    expect(tarEntries(readFileSync((await tar.path())!))).toEqual(tarEntries(readFileSync(outTar)));
  });

  it('vdiff lists the files and hunks of fossil diff --from --to, ignores whitespace on request, marks changed words', async () => {
    // The check-in before the documents: README.md and the docs come in as added files.
    const earlier = sqlite(repoFile, "SELECT uuid FROM blob JOIN event ON objid=rid WHERE type='ci' ORDER BY mtime DESC LIMIT 1 OFFSET 2").trim();
    for (const [a, b] of [[from, to], [earlier, to]] as const) {
      for (const w of [false, true]) {
        await open(`vdiff/${a}/${b}${w ? '?w=1' : ''}`, '[data-testid=vdiff-result]');
        const theirs = parseFossilDiff(f('diff', '--from', a, '--to', b, ...(w ? ['-w'] : [])));
        const files = await page.locator('.vdiff-file').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-change')} ${e.getAttribute('data-name')}`));
        expect(files).toEqual(theirs.map((x) => `${x.change} ${x.name}`));
        for (const t of theirs.filter((x) => x.change === 'changed')) {
          const rows = await page.locator(`.vdiff-file[data-name="${t.name}"] table.diff tr`).evaluateAll((els) =>
            els.map((e) => (e.classList.contains('hunk') ? e.textContent! : e.querySelector('td.code')!.textContent!)));
          expect(rows, `${t.name}${w ? ' -w' : ''}`).toEqual(t.hunks.flat());
        }
      }
    }
    await open(`vdiff/${from}/${to}`, '[data-testid=vdiff-result]');
    await page.screenshot({ path: join(SHOTS, 'read-vdiff.png') });
    // `return a - b;` → `return a - b - 0;`: only the added words are marked.
    const marked = (await page.locator('.vdiff-file[data-name="calc.c"] tr.add .il').allTextContents()).join('');
    expect(marked).toContain('0');
    expect(marked).not.toContain('return');
    // From the check-in page: its diff against its parent, ignoring whitespace.
    await open(`checkin/${to}`, '[data-testid=checkin-vdiff-ws]');
    await page.getByTestId('checkin-vdiff-ws').click();
    await page.getByTestId('vdiff-result').waitFor();
    expect(await page.getByTestId('vdiff-result').getAttribute('data-to')).toBe(to);
    expect(await page.locator('.vdiff-file[data-name="calc.c"] tr.del td.code').allTextContents()).toEqual(['-  return a - b;']);
    expect(errors).toEqual([]);
  });
});
