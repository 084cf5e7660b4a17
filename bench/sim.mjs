#!/usr/bin/env node
/**
 * The seeded sync simulation at scale: SEEDS seeds at each fault level (none, low, high) on the
 * chosen Db adapters, every invariant after every step, derived tables against a rebuild after
 * every step on every tenth seed and at the end of all of them. Prints runs, failures (with the
 * seeds that reproduce them), time and the faults injected.
 *
 * Usage: node bench/sim.mjs [--seeds 1000] [--levels none,low,high] [--adapters sqlite-wasm]
 *                           [--steps 30] [--first 1]
 * It runs tests/sim/simulation.test.ts through vitest with SIM_* variables set.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const seeds = Number(opt('seeds', 1000));
const levels = opt('levels', 'none,low,high');
const adapters = opt('adapters', 'sqlite-wasm');
const steps = Number(opt('steps', 30));
const first = Number(opt('first', 1));

const dir = mkdtempSync(join(tmpdir(), 'edgesync-sim-bench-'));
const report = join(dir, 'report.json');
const started = Date.now();
const r = spawnSync('npx', ['vitest', 'run', 'tests/sim/simulation.test.ts', '--reporter=dot'], {
  cwd: ROOT,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: {
    ...process.env, SIM_SEEDS: String(seeds), SIM_LEVELS: levels, SIM_ADAPTERS: adapters,
    SIM_STEPS: String(steps), SIM_FIRST_SEED: String(first), SIM_REPORT: report,
  },
});
const wall = (Date.now() - started) / 1000;
let figures = [];
try {
  figures = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  console.error('no report written');
}
rmSync(dir, { recursive: true, force: true });

console.log(`\nsimulation: seeds ${first}..${first + seeds - 1}, ${steps} steps each, wall ${wall.toFixed(0)} s`);
console.log('adapter        level  runs  failures  time(s)  syncs  failed-syncs  edits  clones  exchanges  dropped(req/rep)  dup  trunc(req/rep)  late  partitioned  artifacts');
let failures = 0;
for (const f of figures) {
  const t = f.totals;
  failures += f.failures.length;
  console.log(
    [
      f.adapter.padEnd(14), f.level.padEnd(5), String(f.runs).padStart(5), String(f.failures.length).padStart(9),
      (f.ms / 1000).toFixed(0).padStart(8), String(t.syncs ?? 0).padStart(6), String(t.syncsFailed ?? 0).padStart(13),
      String(t.edits ?? 0).padStart(6), String(t.clones ?? 0).padStart(7), String(t.exchanges ?? 0).padStart(10),
      `${t.droppedRequests ?? 0}/${t.droppedReplies ?? 0}`.padStart(17), String(t.duplicated ?? 0).padStart(4),
      `${t.truncatedRequests ?? 0}/${t.truncatedReplies ?? 0}`.padStart(15), String(t.lateDelivered ?? 0).padStart(5),
      String(t.partitioned ?? 0).padStart(12), String(t.artifacts ?? 0).padStart(10),
    ].join(' '),
  );
  for (const x of f.failures) console.log(`  FAIL seed ${x.seed}: ${x.message.split('\n').slice(0, 2).join(' | ')}`);
}
console.log(`total failures: ${failures}`);
process.exit(r.status === 0 && failures === 0 ? 0 : 1);
