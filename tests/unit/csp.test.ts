// The app's Content-Security-Policy is the same whether the hub's web server sends it or the page
// carries it (for servers that cannot send headers).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { APP_CSP } from '../../src/cli/web-server.ts';

it('index.html carries the policy the hub sends', () => {
  const html = readFileSync(join(import.meta.dirname, '../../index.html'), 'utf8');
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];
  expect(meta).toBe(APP_CSP);
  // What it must keep out: script from anywhere but the app, and fetches elsewhere.
  expect(APP_CSP).toMatch(/script-src 'self' 'wasm-unsafe-eval';/);
  expect(APP_CSP).not.toMatch(/ 'unsafe-eval'|script-src[^;]*unsafe-inline/);
  expect(APP_CSP).toMatch(/img-src 'self' data: blob:;/);
});
