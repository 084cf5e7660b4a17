/** Headless Debian Chromium driven by playwright-core (no downloaded browser builds). */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** True when Chromium is installed; under CI a missing Chromium is an error, never a skip. */
export function haveChromium(): boolean {
  const ok = existsSync(CHROMIUM);
  if (!ok && process.env.CI) throw new Error(`${CHROMIUM} is required under CI but is missing (apt-get install chromium)`);
  return ok;
}

/**
 * How long a page action, a locator's wait or a navigation may take before it fails (playwright's
 * own default is 30 s). Generous, so a busy machine waits longer instead of failing: each of these
 * waits ends as soon as its condition holds.
 */
export const PAGE_PATIENCE_MS = 90_000;

/** `extraArgs`: e.g. `--ignore-certificate-errors` for a hub with a test CA's certificate. */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
  // Every context (browser.newPage() makes one through newContext too) gets the patient defaults.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const ctx = await newContext(options);
    ctx.setDefaultTimeout(PAGE_PATIENCE_MS);
    ctx.setDefaultNavigationTimeout(PAGE_PATIENCE_MS);
    return ctx;
  };
  return browser;
}

/** Console noise that is not an app error: offline and reconnect attempts, blocked loads. */
export const BENIGN_CONSOLE = /ERR_INTERNET_DISCONNECTED|Failed to load resource|WebSocket/;

/**
 * Collect a page's uncaught errors and console errors (apart from `benign`); the tests expect
 * the list empty. EDGESYNC_DEBUG=1 also echoes the page's console.
 */
export function watchErrors(page: Page, benign: RegExp = BENIGN_CONSOLE): string[] {
  const errors: string[] = [];
  if (process.env.EDGESYNC_DEBUG) page.on('console', (m) => console.log(`[page ${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !benign.test(m.text())) errors.push(m.text());
  });
  return errors;
}

/** Put the repository open in the page on a hub, with the hub's NATS credentials (the sync panel's form). */
export async function putOnHub(p: Page, ws: string, user: string, password: string): Promise<void> {
  await p.getByRole('button', { name: 'Put it on a hub' }).click();
  const form = p.getByTestId('join-hub');
  await form.locator('input[name=hub]').fill(ws);
  await form.locator('input[name=user]').fill(user);
  await form.locator('input[name=password]').fill(password);
  await form.getByRole('button', { name: 'Put it on the hub' }).click();
}

/** From the start of each page load in `ctx`, count the page's calls of navigator.storage.persist(). */
export async function countPersistCalls(ctx: BrowserContext): Promise<void> {
  await ctx.addInitScript(() => {
    const proto = StorageManager.prototype;
    const persist = proto.persist;
    const w = window as unknown as { __persistCalls: number };
    w.__persistCalls = 0;
    proto.persist = function (this: StorageManager) {
      w.__persistCalls++;
      return persist.call(this);
    };
  });
}

/** How many times this page load called navigator.storage.persist() (countPersistCalls). */
export function persistCalls(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __persistCalls: number }).__persistCalls);
}
