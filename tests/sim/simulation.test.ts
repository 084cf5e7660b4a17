// The seeded simulation of the sync engine, at a size CI affords: seeds x fault levels on both
// Db adapters, invariants after every step (derived tables against a rebuild too), convergence
// at the end. SIM_SEEDS, SIM_LEVELS, SIM_ADAPTERS, SIM_STEPS and SIM_FIRST_SEED scale it up (bench/sim.mjs);
// SIM_REPORT names a JSON file the figures are written to. A failure names its seed.
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { forEachAdapter } from '../helpers/dbs.ts';
import type { FaultLevel } from './faults.ts';
import { runSimulation, type SimStats } from './scenario.ts';

const SEEDS = Number(process.env.SIM_SEEDS ?? 1);
const FIRST = Number(process.env.SIM_FIRST_SEED ?? 1);
const STEPS = Number(process.env.SIM_STEPS ?? 25);
const LEVELS = (process.env.SIM_LEVELS ?? 'none,low,high').split(',') as FaultLevel['name'][];
const ADAPTERS = (process.env.SIM_ADAPTERS ?? 'better-sqlite3,sqlite-wasm').split(',');
const AT_SCALE = process.env.SIM_SEEDS !== undefined;

interface Figures { adapter: string; level: string; runs: number; failures: { seed: number; message: string }[]; ms: number; totals: Record<string, number> }
const figures: Figures[] = [];

afterAll(() => {
  if (process.env.SIM_REPORT) writeFileSync(process.env.SIM_REPORT, JSON.stringify(figures, null, 2));
});

function add(totals: Record<string, number>, s: SimStats): void {
  const flat: Record<string, number> = { ...s, ...s.faults } as never;
  delete flat.faults;
  for (const [k, v] of Object.entries(flat)) if (typeof v === 'number') totals[k] = (totals[k] ?? 0) + v;
}

forEachAdapter((adapter) => {
  if (!ADAPTERS.includes(adapter.name)) {
    it.skip(`${adapter.name}: not in SIM_ADAPTERS`, () => {});
    return;
  }
  for (const level of LEVELS) {
    it(`${SEEDS} seeds at fault level ${level}`, { timeout: AT_SCALE ? 24 * 3600_000 : 300_000 }, async () => {
      const f: Figures = { adapter: adapter.name, level, runs: 0, failures: [], ms: 0, totals: {} };
      figures.push(f);
      const started = performance.now();
      for (let seed = FIRST; seed < FIRST + SEEDS; seed++) {
        try {
          add(f.totals, await runSimulation({ seed, level, adapter, steps: STEPS, rebuildEveryStep: !AT_SCALE || seed % 10 === 0 }));
        } catch (e) {
          f.failures.push({ seed, message: (e as Error).message });
          // At scale keep going and count; in CI stop at the first failure.
          if (!AT_SCALE) throw e;
          console.error((e as Error).message);
        }
        f.runs++;
      }
      f.ms = performance.now() - started;
      expect(f.failures.map((x) => x.message)).toEqual([]);
      // The run must really have synced through faults, or it proves little.
      expect(f.totals.syncs).toBeGreaterThan(SEEDS * 5);
      if (level !== 'none') expect((f.totals.exchanges ?? 0) - (f.totals.partitioned ?? 0)).toBeGreaterThan(0);
      if (level === 'high') expect(f.totals.syncsFailed).toBeGreaterThan(0);
    });
  }
});
