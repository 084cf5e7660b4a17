// Crash safety at scale: `edgesync pull`, `push` and `sync` each killed with SIGKILL at 40
// seeded random moments (tests/crash/kill-sync.test.ts with KILL_SEEDS), and `clone`, `pull`
// and `commit` too (tests/crash/kill.test.ts with CRASH_SEEDS). Every file left must verify,
// pass fossil test-integrity and have every timeline entry's content. Usage:
//   node bench/kills.mjs [SEEDS]   (default 40)
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const seeds = process.argv[2] ?? '40';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const r = spawnSync('npx', ['vitest', 'run', 'tests/crash/kill-sync.test.ts', 'tests/crash/kill.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, KILL_SEEDS: seeds, CRASH_SEEDS: seeds },
});
process.exit(r.status ?? 1);
