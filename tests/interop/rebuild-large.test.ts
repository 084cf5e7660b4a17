/**
 * Our rebuild against `fossil rebuild` on a large real repository (the benchmark one: see
 * bench/repo-core.mjs), table by table; and a clone of it (crosslinked while it arrives) against
 * `fossil rebuild` of that clone. It takes minutes, so it only runs when BENCH_REPO names the
 * repository: BENCH_REPO=/path/to/repo.fossil npx vitest run tests/interop/rebuild-large.test.ts
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/better-sqlite3.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { rebuild } from '../../src/repo/rebuild.ts';
import { Repository } from '../../src/repo/repository.ts';
import { differingTables, dumpDerivedTables, type DerivedDump } from '../helpers/derived-tables.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';
import { edgesyncAsync } from '../helpers/cli.ts';
import { fossilAsync, startEdgesyncServer, startFossilServer } from '../helpers/servers.ts';

const source = process.env.BENCH_REPO;

/** A few rows each side has and the other lacks, so a failure says what differs. */
function sampleDifferences(ours: DerivedDump, theirs: DerivedDump, table: string): string {
  const a = new Set(ours[table] ?? []);
  const b = new Set(theirs[table] ?? []);
  const onlyOurs = [...a].filter((r) => !b.has(r));
  const onlyTheirs = [...b].filter((r) => !a.has(r));
  return [
    `${table}: ${onlyOurs.length} rows only ours, ${onlyTheirs.length} only fossil's`,
    ...onlyOurs.slice(0, 5).map((r) => `  ours:   ${r}`),
    ...onlyTheirs.slice(0, 5).map((r) => `  fossil: ${r}`),
  ].join('\n');
}

describe.runIf(source !== undefined && haveTool('fossil'))('rebuild of a large repository', () => {
  const tmp = tempDir('edgesync-rebuild-large-');
  afterAll(() => tmp.cleanup());

  it('produces the same derived tables as fossil rebuild', { timeout: 30 * 60_000 }, () => {
    const theirs = join(tmp.dir, 'theirs.fossil');
    const ours = join(tmp.dir, 'ours.fossil');
    copyFileSync(source!, theirs);
    copyFileSync(source!, ours);
    fossil(['rebuild', theirs]);

    const db = openNodeDb(ours);
    rebuild(Repository.open(db, { crosslinker: crosslinkerFactory }));
    db.close();

    const got = dumpDerivedTables(ours);
    const want = dumpDerivedTables(theirs);
    const differing = differingTables(got, want);
    expect(differing, differing.map((t) => sampleDifferences(got, want, t)).join('\n')).toEqual([]);
    // Tags are listed by tagid, so this also checks artifacts were linked in fossil's order.
    const timeline = (f: string) => fossil(['timeline', '-n', '2000', '-R', f]).stdout;
    expect(timeline(ours)).toEqual(timeline(theirs));
  });

  // A clone ends, as fossil's does, with an extra delta pass that reshapes the delta trees after
  // the tags were numbered; `fossil rebuild` of the finished file numbers them along the new
  // trees. So the derived tables are compared with that rebuild (tags by name), and the timeline,
  // which lists tags by id, with fossil's own clone of the same repository.
  it('a clone equals fossil rebuild of it, and reads like fossil\'s own clone', { timeout: 30 * 60_000 }, async () => {
    const served = join(tmp.dir, 'served.fossil');
    const ours = join(tmp.dir, 'clone.fossil');
    const theirs = join(tmp.dir, 'clone-rebuilt.fossil');
    const fossils = join(tmp.dir, 'fossil-clone.fossil');
    copyFileSync(source!, served);
    const server = await startEdgesyncServer(served);
    try {
      const r = await edgesyncAsync(['clone', server.url, ours]);
      expect(r.status, r.stderr).toBe(0);
    } finally {
      await server.stop();
    }
    const upstream = await startFossilServer(served);
    try {
      const r = await fossilAsync(['clone', upstream.url, fossils]);
      expect(r.status, r.stderr).toBe(0);
    } finally {
      await upstream.stop();
    }
    copyFileSync(ours, theirs);
    fossil(['rebuild', theirs]);
    const got = dumpDerivedTables(ours);
    const want = dumpDerivedTables(theirs);
    const differing = differingTables(got, want);
    expect(differing, differing.map((t) => sampleDifferences(got, want, t)).join('\n')).toEqual([]);
    const timeline = (f: string) => fossil(['timeline', '-n', '2000', '-R', f]).stdout;
    expect(timeline(ours)).toEqual(timeline(fossils));
  });
});
