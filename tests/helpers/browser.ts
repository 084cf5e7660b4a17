/** Headless Debian Chromium driven by playwright-core (no downloaded browser builds). */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** True when Chromium is installed; under CI a missing Chromium is an error, never a skip. */
export function haveChromium(): boolean {
  const ok = existsSync(CHROMIUM);
  if (!ok && process.env.CI) throw new Error(`${CHROMIUM} is required under CI but is missing (apt-get install chromium)`);
  return ok;
}

/** `extraArgs`: e.g. `--ignore-certificate-errors` for a hub with a test CA's certificate. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}
