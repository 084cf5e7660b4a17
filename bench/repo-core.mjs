#!/usr/bin/env node
// Times `edgesync verify` and `edgesync rebuild` against `fossil test-integrity` and
// `fossil rebuild` on the same repository in the same run, and prints the ratios.
//
// Usage: node bench/repo-core.mjs REPO.fossil [--runs N]
// The large real-history repository comes from ../shared/bench-data/make-bench-repo.sh.
import { rmSync } from 'node:fs';
import { CLI, copy, measure, median, printTable, requireBuilt, scratchDir } from './lib.mjs';

const args = process.argv.slice(2);
const repo = args.find((a) => !a.startsWith('--'));
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 1;
if (!repo) {
  console.error('usage: node bench/repo-core.mjs REPO.fossil [--runs N]');
  process.exit(2);
}
requireBuilt();
const dir = scratchDir();
const home = scratchDir();

function best(fn) {
  const results = Array.from({ length: runs }, fn);
  return { seconds: median(results.map((r) => r.seconds)), rssMB: median(results.map((r) => r.rssMB)) };
}

try {
  const rows = [];
  rows.push({
    task: 'check every artifact',
    fossil: best(() => measure('fossil', ['test-integrity', '-R', copy(repo, dir, 'f-int.fossil')], { home })),
    ours: best(() => {
      const r = measure(CLI, ['verify', '-R', copy(repo, dir, 'e-ver.fossil')]);
      if (!/^ok/.test(r.stdout)) throw new Error(`edgesync verify failed: ${r.stdout}`);
      return r;
    }),
  });
  rows.push({
    task: 'rebuild derived tables',
    fossil: best(() => measure('fossil', ['rebuild', copy(repo, dir, 'f-reb.fossil')], { home })),
    ours: best(() => measure(CLI, ['rebuild', '-R', copy(repo, dir, 'e-reb.fossil')])),
  });
  console.log(`repository: ${repo} (runs: ${runs}, medians)`);
  printTable('edgesync vs fossil 2.21 (ratio = edgesync / fossil; below 1.0 is faster or smaller)', rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
}
