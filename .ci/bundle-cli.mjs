#!/usr/bin/env node
/**
 * Bundles the `edgesync` command into one file, dist/cli/main.js (over the module-per-file build
 * tsc leaves there). Node then loads one file instead of resolving and reading some two hundred
 * modules, which was most of the time a small command took. Only better-sqlite3 (a native addon)
 * and Node's own modules stay outside; code loaded with import() (the NATS and JetStream clients)
 * goes into chunks beside it that load only when a command connects.
 */
import { chmodSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/cli');
rmSync(join(out, 'chunks'), { recursive: true, force: true });
await build({
  input: join(root, 'src/cli/main.ts'),
  platform: 'node',
  // ws's optional native helpers are looked up at run time, and may be absent.
  external: [/^node:/, 'better-sqlite3', 'bufferutil', 'utf-8-validate'],
  logLevel: 'warn',
  checks: { bundlerTimings: false },
  output: {
    dir: out,
    entryFileNames: 'main.js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    format: 'esm',
    sourcemap: true,
  },
});
// Runnable as a program, as npm makes it when installed: its first line gives node its flags.
chmodSync(join(out, 'main.js'), 0o755);
