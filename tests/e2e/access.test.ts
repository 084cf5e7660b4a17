// Who may write, in the browser, on what `npm start` runs (`edgesync demo`): the write invite it
// prints commits as its login and the check-in reaches the served repository by a signed push;
// a read link reads and says plainly that it cannot write, with no error anywhere; a login typed
// in turns a read link into a writer; revoking the invite's member cuts it off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { haveChromium, launchChromium, watchErrors } from '../helpers/browser.ts';
import { startDemoCli, type RunningHub } from '../helpers/hub-cli.ts';
import { edgesync } from '../helpers/cli.ts';
import { fossil, haveTool, sqlite, tempDir } from '../helpers/tools.ts';

const WEB = join(import.meta.dirname, '../../dist/web');
const SHOTS = join(import.meta.dirname, '../../.tmp/screenshots');
const ready = haveChromium() && haveTool('fossil') && haveTool('nats-server');

/** Who pushed a check-in into a repository: the login of the receipt it arrived with ('' for a pull). */
function arrivedAs(repo: string, comment: string): string | undefined {
  const out = sqlite(repo, `SELECT coalesce(user.login, '') FROM event JOIN blob ON blob.rid=event.objid JOIN rcvfrom ON rcvfrom.rcvid=blob.rcvid LEFT JOIN user ON user.uid=rcvfrom.uid WHERE event.type='ci' AND event.comment='${comment}'`).trim();
  return out === '' && !sqlite(repo, `SELECT 1 FROM event WHERE type='ci' AND comment='${comment}'`).trim() ? undefined : out;
}

async function writeNote(p: Page, comment: string): Promise<void> {
  const details = p.locator('details', { hasText: 'Write a note' });
  // Open it, clicking again if a click was lost (on a busy machine the sync panel above it may
  // still be moving when the click lands).
  await expect.poll(async () => {
    if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
    return details.getAttribute('open');
  }, { timeout: 90_000, interval: 1000 }).not.toBeNull();
  await p.fill('input[name=file]', 'NOTES.txt');
  await p.fill('textarea[name=text]', `${comment}\n`);
  await p.fill('input[name=comment]', comment);
  await p.getByRole('button', { name: 'Commit' }).click();
}

/** The sync panel shows no error (a failed sync, a refusal in red). */
async function panelErrors(p: Page): Promise<string[]> {
  return p.locator('[data-testid=sync-panel] .error').allTextContents();
}

describe.skipIf(!ready)('access in the browser, on the npm start demo', () => {
  const tmp = tempDir('edgesync-access-web-');
  let demo: RunningHub;
  let browser: Browser;
  let served: string;

  beforeAll(async () => {
    if (!existsSync(join(WEB, 'index.html'))) throw new Error(`${WEB} is missing: build the web app first (npm test does)`);
    mkdirSync(SHOTS, { recursive: true });
    demo = await startDemoCli(join(tmp.dir, 'demo'));
    served = join(tmp.dir, 'demo', 'demo.fossil');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    tmp.cleanup();
  });

  let writer: Page;

  it('4: the printed write invite commits as its login, by a signed push; the sync panel stays clean', async () => {
    expect(demo.invites.demo).toMatch(/#\/clone\?.*role=writer/);
    writer = await (await browser.newContext()).newPage();
    const errors = watchErrors(writer);
    await writer.goto(demo.invites.demo!);
    await writer.getByTestId('repo-title').waitFor({ timeout: 90_000 });
    expect(writer.url()).not.toContain('password');
    await expect.poll(() => writer.getByTestId('connection').first().textContent()).toBe('connected');
    await expect.poll(() => writer.getByTestId('identity').textContent()).toMatch(/demo-writer · can write/);
    // Wait for the hub's copy to show up among the peers: the push goes there.
    await expect.poll(() => writer.getByTestId('peers').textContent(), { timeout: 90_000 }).toMatch(/hub/);
    await writeNote(writer, 'a note from the write invite');
    await expect.poll(() => arrivedAs(served, 'a note from the write invite'), { timeout: 90_000 }).toBe('demo-writer');
    expect(fossil(['timeline', '-n', '1', '-t', 'ci', '-R', served]).stdout).toMatch(/a note from the write invite \(user: demo-writer/);
    // Once the server has it, nothing is listed as waiting; no error anywhere.
    await expect.poll(() => writer.getByTestId('pending').count(), { timeout: 90_000 }).toBe(0);
    await writer.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => writer.getByTestId('sync-progress').textContent()).toMatch(/Up to date|Synced/);
    expect(await panelErrors(writer)).toEqual([]);
    await writer.getByTestId('sync-panel').screenshot({ path: join(SHOTS, 'access-writer.png') });
    expect(errors).toEqual([]);
  });

  it('3: a read link reads, says plainly it cannot write, and shows no error', async () => {
    const reader = await (await browser.newContext()).newPage();
    const errors = watchErrors(reader);
    const before = sqlite(served, 'SELECT count(*) FROM blob').trim();
    await reader.goto(demo.shares.demo!);
    await reader.getByTestId('repo-title').waitFor({ timeout: 90_000 });
    await expect.poll(() => reader.getByTestId('identity').textContent()).toMatch(/read only/);
    expect(await reader.getByTestId('access-note').textContent()).toMatch(/read link/);
    expect(await reader.locator('details', { hasText: 'Write a note' }).count()).toBe(0);
    // The write pages say so before anything is typed.
    await reader.goto(new URL('#/repo/demo/edit', demo.webUrl).href);
    await reader.getByTestId('read-only').waitFor();
    expect(await reader.getByTestId('editor-text').count()).toBe(0);
    // The worker refuses a write all the same, in plain words.
    const refused = await reader.evaluate(() => (globalThis as unknown as { edgesync: { repos: { commit(n: string, f: unknown[], c: string, u: string): Promise<string> } } })
      .edgesync.repos.commit('demo', [{ name: 'x.txt', text: 'x' }], 'sneaky', 'me').then(() => 'written', (e: Error) => e.message));
    expect(refused).toMatch(/read link/);
    await reader.goto(new URL('#/repo/demo', demo.webUrl).href);
    await expect.poll(() => reader.getByTestId('connection').first().textContent()).toBe('connected');
    await reader.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => reader.getByTestId('sync-progress').textContent()).toMatch(/Up to date|Synced/);
    expect(await panelErrors(reader)).toEqual([]);
    await reader.screenshot({ path: join(SHOTS, 'access-reader.png'), fullPage: true });
    expect(sqlite(served, 'SELECT count(*) FROM blob').trim()).toBe(before);

    // A login typed in: the same browser now writes, as that login.
    const login = demo.member('demo-writer').login!;
    await reader.getByRole('button', { name: 'Sign in' }).click();
    await reader.getByTestId('sign-in').locator('input[name=login]').fill(login.user);
    await reader.getByTestId('sign-in').locator('input[name=password]').fill(login.password);
    await reader.getByTestId('sign-in').getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => reader.getByTestId('identity').textContent()).toMatch(/demo-writer · can write/);
    await expect.poll(() => reader.getByTestId('peers').textContent(), { timeout: 90_000 }).toMatch(/hub/);
    await writeNote(reader, 'signed in by hand');
    await expect.poll(() => arrivedAs(served, 'signed in by hand'), { timeout: 90_000 }).toBe('demo-writer');
    expect(await panelErrors(reader)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('revoking the invite\'s member cuts its browser off', async () => {
    edgesync(['member', 'rm', 'demo-writer', '--dir', demo.dir]);
    await expect.poll(() => writer.getByTestId('connection').first().textContent(), { timeout: 90_000 }).not.toBe('connected');
    await expect.poll(() => sqlite(served, "SELECT count(*) FROM user WHERE login='demo-writer'").trim(), { timeout: 90_000 }).toBe('0');
  });
});
