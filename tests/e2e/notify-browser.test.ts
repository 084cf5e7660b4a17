// Notify between the CLI and the browser's chat, end to end: `edgesync hub` (real nats-server with
// JetStream), real headless Chromium running the web app, the built `edgesync notify` command,
// and a plain NATS client publishing Go-EdgeSync-shaped JSON. Screenshots go to .tmp/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { connect } from '@nats-io/transport-node';
import { haveChromium, launchChromium, putOnHub, watchErrors } from '../helpers/browser.ts';
import { CLI, edgesync } from '../helpers/cli.ts';
import { startHubCli, type RunningHub } from '../helpers/hub-cli.ts';
import { freePort } from '../helpers/servers.ts';
import { haveTool, tempDir } from '../helpers/tools.ts';

const WEB = join(import.meta.dirname, '../../dist/web');
const SHOTS = join(import.meta.dirname, '../../.tmp/screenshots');
const ready = haveChromium() && haveTool('nats-server');

/** The Go peer's Message struct fields, in its order. */
const GO_FIELDS = ['v', 'id', 'thread', 'project', 'from', 'from_name', 'timestamp', 'body', 'priority', 'actions', 'reply_to', 'media', 'action_response'];

/** System notifications recorded instead of shown (headless Chromium has no notification centre). */
const RECORD_ALERTS = () => {
  const w = window as unknown as { __alerts: Array<{ title: string; body: string }>; __shown: unknown[] };
  w.__alerts = [];
  w.__shown = [];
  class RecordingNotification {
    static permission = 'granted';
    static requestPermission = () => Promise.resolve('granted');
    onclick: (() => void) | null = null;
    constructor(title: string, opts?: { body?: string }) {
      w.__alerts.push({ title, body: opts?.body ?? '' });
      w.__shown.push(this);
    }
    close() {}
  }
  (window as unknown as { Notification: unknown }).Notification = RecordingNotification;
};

/**
 * A TCP relay between the browser and the hub's WebSocket port that can cut the line: every open
 * connection dropped and new ones refused until it is restored (the browser is offline; the hub
 * and the CLI are not).
 */
async function startRelay(targetPort: number): Promise<{ url: string; cut(): void; restore(): void; stop(): Promise<void> }> {
  const port = await freePort();
  const open = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) return void client.destroy();
    const upstream = tcpConnect(targetPort, '127.0.0.1');
    open.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `ws://127.0.0.1:${port}`,
    cut() {
      down = true;
      for (const s of open) s.destroy();
      open.clear();
    },
    restore() {
      down = false;
    },
    stop: () => new Promise<void>((r) => {
      for (const s of open) s.destroy();
      server.close(() => r());
    }),
  };
}

describe.skipIf(!ready)('notify: CLI and browser chat', () => {
  const tmp = tempDir('edgesync-notify-web-');
  let hub: RunningHub;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let errors: string[];
  let relay: Awaited<ReturnType<typeof startRelay>>;
  const env = { EDGESYNC_CONFIG_DIR: join(tmp.dir, 'agent-config'), EDGESYNC_NAME: 'build agent' };
  /** The chat's project: the repository's project code (any copy of it, whatever its name, is in the same chat). */
  let project: string;
  const cli = (args: string[]) => edgesync(['notify', ...args, '--project', project, '--nats', hub.memberUrl('reader')], { env });
  const chatUrl = (thread?: string) => new URL(`#/repo/team/chat${thread ? `/${thread}` : ''}`, hub.webUrl).href;
  const threadLink = (p: Page, text: string) => p.locator('[data-testid=chat-thread]', { hasText: text });
  /** Message bodies the hub has stored (not those still waiting in the outbox). */
  const bodies = (p: Page) => p.locator('[data-testid=chat-message]:not([data-sending]) .body').allTextContents();

  beforeAll(async () => {
    if (!existsSync(join(WEB, 'index.html'))) throw new Error(`${WEB} is missing: build the web app first (npm test does)`);
    mkdirSync(SHOTS, { recursive: true });
    hub = await startHubCli(join(tmp.dir, 'hub'));
    relay = await startRelay(Number(new URL(hub.ws).port));
    browser = await launchChromium();
    ctx = await browser.newContext({ viewport: { width: 1200, height: 860 } });
    await ctx.addInitScript(RECORD_ALERTS);
    page = await ctx.newPage();
    errors = watchErrors(page);
    // A repository made in the browser and put on the hub: its chat's project is its project code.
    await page.goto(hub.webUrl);
    await page.fill('input[name=name]', 'team');
    await page.fill('input[name=user]', 'ann');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByTestId('repo-title').waitFor();
    // As the hub's reader: anyone on the hub may chat.
    await putOnHub(page, relay.url, 'reader', hub.member('reader').password);
    await page.locator('[data-testid=connection]', { hasText: /^connected$/ }).first().waitFor({ timeout: 90_000 });
    await page.goto(chatUrl());
    project = (await page.getByTestId('chat-project').textContent())!;
    expect(project).toMatch(/^[0-9a-f]{40}([0-9a-f]{24})?$/);
  });
  afterAll(async () => {
    await browser?.close();
    await relay?.stop();
    await hub?.stop();
    tmp.cleanup();
  });

  it('1a: a message from the CLI appears in the chat; the browser answers in the thread', async () => {
    await page.goto(chatUrl());
    await expect.poll(() => page.getByTestId('chat-project').textContent()).toBe(project);
    await expect.poll(() => page.getByTestId('connection').first().textContent(), { timeout: 90_000 }).toBe('connected');
    const sent = JSON.parse(cli(['send', '--json', 'nightly build is green']).stdout) as { thread: string; id: string };
    await threadLink(page, 'nightly build is green').waitFor({ timeout: 90_000 });
    expect(await threadLink(page, 'nightly build is green').getByTestId('chat-unread').textContent()).toBe('1');
    await threadLink(page, 'nightly build is green').click();
    await expect.poll(() => bodies(page)).toEqual(['nightly build is green']);
    // Opening the thread reads it.
    await expect.poll(() => threadLink(page, 'nightly build is green').getByTestId('chat-unread').count()).toBe(0);
    await page.fill('.chat-reply textarea', 'thanks, deploying');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => bodies(page)).toEqual(['nightly build is green', 'thanks, deploying']);
    const log = cli(['log', '--json', sent.thread]).stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(log.map((m) => m.body)).toEqual(['nightly build is green', 'thanks, deploying']);
    expect(log[1]!.reply_to).toBe(sent.id);
    expect(log[1]!.from).toMatch(/^browser-/);
    // Ours parse with their field names: only the Go struct's keys, in its order.
    const keys = Object.keys(log[1]!);
    expect(keys.every((k) => GO_FIELDS.includes(k))).toBe(true);
    expect(keys).toEqual(GO_FIELDS.filter((k) => keys.includes(k)));
    expect(errors).toEqual([]);
  });

  it('1b: a new thread from the browser reaches a CLI watcher', async () => {
    const w = spawn(process.execPath, [CLI, 'notify', 'watch', '--project', project, '--new-only', '--count', '1', '--json', '--nats', hub.memberUrl('reader')], {
      env: { ...process.env, EDGESYNC_CONFIG_DIR: join(tmp.dir, 'watcher') },
    });
    let out = '';
    w.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((r) => w.once('exit', r));
    await expect.poll(() => page.getByTestId('chat-online').textContent(), { timeout: 90_000 }).toContain('(cli)');
    await page.goto(chatUrl());
    await page.fill('.chat-compose textarea', 'who broke the docs build?');
    await page.selectOption('.chat-compose select', 'urgent');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => page.url()).toMatch(/#\/repo\/team\/chat\/thread-[0-9a-f]{32}$/);
    expect(await exited).toBe(0);
    const m = JSON.parse(out) as Record<string, unknown>;
    expect(m).toMatchObject({ v: 1, project, body: 'who broke the docs build?', priority: 'urgent' });
    expect(page.url()).toContain(m.thread as string);
  });

  it('1c: notify ask from the CLI is answered by an action button in the browser; urgent questions alert', async () => {
    const ask = spawn(process.execPath, [CLI, 'notify', 'ask', '--project', project, '--priority', 'urgent', '--actions', 'approve:Approve,reject:Reject', '--timeout', '30', '--nats', hub.memberUrl('reader'), 'release 1.4 to production?'], { env: { ...process.env, ...env } });
    let out = '';
    ask.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => ask.once('exit', r));
    await page.goto(chatUrl());
    await threadLink(page, 'release 1.4').waitFor({ timeout: 90_000 });
    await expect.poll(() => page.evaluate(() => (window as unknown as { __alerts: Array<{ title: string; body: string }> }).__alerts), { timeout: 90_000 })
      .toContainEqual({ title: 'Urgent: build agent (team)', body: 'release 1.4 to production?\n[Approve / Reject]' });
    await threadLink(page, 'release 1.4').click();
    await page.getByRole('button', { name: 'Approve' }).click();
    expect(await exited).toBe(0);
    expect(out.trim()).toBe('approve');
    await expect.poll(() => page.locator('.action-choice').textContent()).toBe('chose Approve');
    await expect.poll(() => page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'chat.png'), fullPage: true });
  });

  it('2: messages sent while the browser was closed, or offline, appear exactly once when it is back', async () => {
    await page.close();
    const t = JSON.parse(cli(['send', '--json', 'while you were away 1']).stdout) as { thread: string };
    cli(['send', '--thread', t.thread, 'while you were away 2']);
    cli(['send', '--thread', t.thread, '--priority', 'action_required', '--actions', 'ok', 'while you were away 3']);
    page = await ctx.newPage();
    errors = watchErrors(page);
    await page.goto(chatUrl(t.thread));
    await expect.poll(() => bodies(page), { timeout: 90_000 }).toEqual(['while you were away 1', 'while you were away 2', 'while you were away 3']);
    // Offline with the page open: the connection drops, messages wait on the hub.
    relay.cut();
    await expect.poll(() => page.getByTestId('connection').first().textContent(), { timeout: 90_000 }).not.toBe('connected');
    cli(['send', '--thread', t.thread, 'sent while offline']);
    await page.fill('.chat-reply textarea', 'written offline');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => page.locator('[data-testid=chat-message]', { hasText: 'written offline' }).textContent()).toContain('sending…');
    relay.restore();
    await expect.poll(() => bodies(page), { timeout: 90_000 }).toEqual([
      'while you were away 1', 'while you were away 2', 'while you were away 3', 'sent while offline', 'written offline',
    ]);
    expect(cli(['log', t.thread]).stdout).toContain('written offline');
    // A reload shows the same, once (kept in the browser, not fetched twice).
    await page.reload();
    await expect.poll(() => bodies(page), { timeout: 90_000 }).toHaveLength(5);
    // As an installed app with no network at all: the service worker serves the app, the chat
    // comes from the browser's own storage.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);
    await ctx.setOffline(true);
    relay.cut();
    await page.reload();
    await expect.poll(() => bodies(page), { timeout: 90_000 }).toEqual([
      'while you were away 1', 'while you were away 2', 'while you were away 3', 'sent while offline', 'written offline',
    ]);
    await ctx.setOffline(false);
    relay.restore();
    await expect.poll(() => page.getByTestId('connection').first().textContent(), { timeout: 90_000 }).toBe('connected');
    expect(errors).toEqual([]);
  });

  it('3: a Go-EdgeSync-shaped message on the subject is shown with its fields, duplicates once', async () => {
    const go = {
      v: 1,
      id: 'msg-0a1b2c3d4e5f60718293a4b5c6d7e8f9',
      thread: 'thread-fedcba98765432100123456789abcdef',
      project,
      from: 'leaf-go',
      from_name: 'go agent',
      timestamp: new Date().toISOString().replace('Z', '123456Z'),
      body: 'disk at 91% on build-3',
      priority: 'action_required',
      actions: [{ id: 'clean', label: 'Clean caches' }, { id: 'ignore', label: 'Ignore' }],
      media: ['df.txt'],
    };
    const reader = hub.member('reader');
    const nc = await connect({ servers: hub.natsUrl, user: reader.name, pass: reader.password, inboxPrefix: `_INBOX.${reader.name}` });
    const data = new TextEncoder().encode(JSON.stringify(go));
    nc.publish(`notify.${project}.fedcba98`, data);
    nc.publish(`notify.${project}.fedcba98`, data);
    await nc.flush();
    await nc.close();
    await page.goto(chatUrl(go.thread));
    await expect.poll(() => bodies(page), { timeout: 90_000 }).toEqual(['disk at 91% on build-3']);
    const msg = page.getByTestId('chat-message');
    expect(await msg.locator('.meta').textContent()).toMatch(/go agent.*action needed/);
    expect(await msg.textContent()).toContain('Attached: df.txt');
    expect(await msg.getByRole('button').allTextContents()).toEqual(['Clean caches', 'Ignore']);
    await page.getByRole('button', { name: 'Clean caches' }).click();
    await expect.poll(() => bodies(page)).toEqual(['disk at 91% on build-3', 'chose Clean caches']);
    const answer = JSON.parse(cli(['log', '--json', 'fedcba98']).stdout.trim().split('\n')[1]!) as Record<string, unknown>;
    expect(answer).toMatchObject({ thread: go.thread, reply_to: go.id, body: 'clean', action_response: true });
    await page.screenshot({ path: join(SHOTS, 'chat-go-message.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('4: a copy under another name is in the same chat; what was said before it followed is read; the write name is the chat name; a notification opens its thread', async () => {
    const bytes = await page.evaluate(async () => {
      const api = (globalThis as unknown as { edgesync: { repos: { exportFile(n: string): Promise<Uint8Array> } } }).edgesync;
      return [...await api.repos.exportFile('team')];
    });
    // Another browser (its own storage), whose user has typed a name in a write form before.
    const other = await browser.newContext({ viewport: { width: 1200, height: 860 } });
    await other.addInitScript(RECORD_ALERTS);
    await other.addInitScript(() => localStorage.setItem('edgesync-author', 'Ann Writer'));
    try {
      const p = await other.newPage();
      const errs = watchErrors(p);
      await p.goto(hub.webUrl);
      await p.waitForFunction(() => (globalThis as { edgesync?: unknown }).edgesync !== undefined);
      await p.evaluate(async ({ b, ws, password }) => {
        const api = (globalThis as unknown as { edgesync: { init(): Promise<void>; repos: { importFile(n: string, b: Uint8Array): Promise<unknown> }; hub: { join(n: string, url: string, auth: { user: string; password: string }): Promise<unknown> } } }).edgesync;
        await api.init();
        await api.repos.importFile('elsewhere', new Uint8Array(b));
        await api.hub.join('elsewhere', ws, { user: 'reader', password });
      }, { b: bytes, ws: relay.url, password: hub.member('reader').password });
      await p.goto(new URL('#/repo/elsewhere', hub.webUrl).href);
      const otherChat = (thread?: string) => new URL(`#/repo/elsewhere/chat${thread ? `/${thread}` : ''}`, hub.webUrl).href;
      await p.goto(otherChat());
      await expect.poll(() => p.getByTestId('chat-project').textContent()).toBe(project);
      // The history is there, and read.
      await threadLink(p, 'nightly build is green').waitFor({ timeout: 90_000 });
      expect(await p.getByTestId('chat-unread').count()).toBe(0);
      expect(await p.getByTestId('chat-unread-total').count()).toBe(0);
      // The name typed for writes is the chat's name.
      await expect.poll(() => p.locator('.chat-settings input[name=me]').inputValue()).toBe('Ann Writer');
      await p.fill('.chat-compose textarea', 'hello from the copy');
      await p.getByRole('button', { name: 'Send', exact: true }).click();
      await expect.poll(() => p.url()).toMatch(/chat\/thread-[0-9a-f]{32}$/);
      const mine = p.url().split('/').pop()!;
      await expect.poll(() => cli(['log', '--json', mine]).stdout).toContain('"from_name":"Ann Writer"');
      // What comes after is unread; an urgent one alerts, and its notification opens the thread.
      await p.goto(new URL('#/repo/elsewhere/timeline', hub.webUrl).href);
      const sent = JSON.parse(cli(['send', '--json', '--priority', 'urgent', 'the copy needs you']).stdout) as { thread: string };
      await expect.poll(() => p.getByTestId('chat-banner').textContent(), { timeout: 90_000 }).toBe('1 unread chat message');
      await expect.poll(() => p.evaluate(() => (window as unknown as { __alerts: unknown[] }).__alerts.length), { timeout: 90_000 }).toBe(1);
      await p.evaluate(() => ((window as unknown as { __shown: Array<{ onclick: (e: Event) => void }> }).__shown.at(-1)!).onclick(new Event('click')));
      await expect.poll(() => p.evaluate(() => location.hash)).toBe(`#/repo/elsewhere/chat/${sent.thread}`);
      await expect.poll(() => bodies(p)).toEqual(['the copy needs you']);
      expect(errs).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
