// Clone of a large real-history repository: `edgesync clone nats://…` from a leaf
// (`edgesync serve --nats`) against `fossil clone http://…` from `fossil server`, same run, with
// wall time, peak memory and ratios; at the hub's 8 MiB max_payload and at nats-server's 1 MiB
// default.
// Usage: node bench/nats-clone.mjs [REPO=/work/bench-data/fossil-history.fossil]
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, copy, measure, printTable, requireBuilt, scratchDir } from './lib.mjs';
import { peakRssMB, timeFossilClone, startLeaf, startNats } from './nats-lib.mjs';

requireBuilt();
const src = process.argv[2] ?? '/work/bench-data/fossil-history.fossil';
if (!existsSync(src)) {
  console.error(`no repository at ${src}`);
  process.exit(2);
}
const dir = scratchDir();
const env = { HOME: dir, USER: 'bench', FOSSIL_USER: 'bench' };
const stops = [];
try {
  const served = copy(src, dir, 'served.fossil');
  const code = /project-code:\s+([0-9a-f]+)/.exec(measure('fossil', ['info', '-R', served], { home: dir }).stdout)[1];
  const fossilRun = await timeFossilClone(served, dir, env);

  const rows = [];
  const servers = [];
  for (const [label, maxPayload] of [['8 MiB', 8 * 1024 * 1024], ['1 MiB', 0]]) {
    const nats = await startNats(dir, { maxPayload });
    stops.push(nats.stop);
    const leaf = await startLeaf(served, nats.url, ['--safety-sync', '0']);
    stops.push(leaf.stop);
    const target = join(dir, `nats-clone-${maxPayload}.fossil`);
    const ours = measure(CLI, ['clone', `${nats.url}/${code}`, target], { home: dir, env });
    servers.push(`${label}: edgesync serve peak ${peakRssMB(leaf.pid).toFixed(0)} MB`);
    const check = measure('fossil', ['test-integrity', '-R', target], { home: dir });
    if (!/ 0 errors/.test(check.stdout)) throw new Error(`the clone fails test-integrity:\n${check.stdout}`);
    rows.push({ task: `clone, max_payload ${label}`, fossil: fossilRun, ours });
    rmSync(target, { force: true });
    await leaf.stop();
    await nats.stop();
  }
  printTable(`Clone of ${src}: edgesync clone over NATS vs fossil clone over HTTP`, rows);
  console.log(`\nserver side: ${servers.join('; ')}`);
} finally {
  for (const s of stops.reverse()) await s();
  rmSync(dir, { recursive: true, force: true });
}
