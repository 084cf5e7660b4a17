// Must show 4: pulling from a server with hundreds of unclustered artifacts converges: the
// server announces a cluster, the cluster's members become phantoms, and they arrive as deltas
// whose sources often come later (stored, then checked and crosslinked when the source lands).
// Both directions: our pull from `fossil server`, and `fossil pull` from our server (which then
// makes the clusters itself).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fossil, fossilEnv, haveTool, sqlite, tempDir } from '../helpers/tools.ts';
import { fossilAsync, startFossilServer, type RunningServer } from '../helpers/servers.ts';
import { startInProcessServer } from '../helpers/inprocess-server.ts';
import { artifactSet, BOB, expectIntegrity, libraryClone, openWithCrosslinker } from '../helpers/sync-fixtures.ts';
import { differingTables, dumpDerivedTables } from '../helpers/derived-tables.ts';
import { syncWith } from '../../src/sync/client-session.ts';
import { NodeHttpTransport } from '../../src/sync/transports/http-client-node.ts';
import type { RoundReport } from '../../src/sync/sync-events.ts';

const hasFossil = haveTool('fossil');
const tmp = tempDir();
const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
  tmp.cleanup();
});

const CHECKINS = 160;

/** A repository whose history continues for CHECKINS check-ins after the copy `early` was taken. */
function buildHistory(dir: string): { repo: string; early: string } {
  const repo = join(dir, 'history.fossil');
  const wd = join(dir, 'history-wd');
  mkdirSync(wd);
  fossil(['init', '--date-override', '2024-03-01T00:00:00', '-A', 'alice', repo]);
  fossil(['user', 'new', 'bob', 'bob@example.org', 'bobpw', '-R', repo]);
  fossil(['user', 'capabilities', 'bob', 'gio', '-R', repo]);
  fossil(['open', repo], { cwd: wd });
  // Commits come faster than file times change: compare content, not mtimes.
  fossil(['settings', 'mtime-changes', 'off'], { cwd: wd });
  writeFileSync(join(wd, 'log.txt'), 'line 0\n'.repeat(40));
  fossil(['add', 'log.txt'], { cwd: wd });
  fossil(['commit', '--no-warnings', '-m', 'start', '--date-override', '2024-03-01T01:00:00'], { cwd: wd });
  const early = join(dir, 'early.fossil');
  copyFileSync(repo, early);
  // One shell for all the commits: each grows two files, so each version is a delta candidate.
  const script = [
    `for i in $(seq 1 ${CHECKINS}); do`,
    '  echo "line $i of the log, long enough to make deltas worth their while" >> log.txt',
    '  echo "note $i" > "note-$((i % 7)).txt"',
    '  fossil add --quiet . >/dev/null',
    '  d=$(printf "2024-03-02T%02d:%02d:00" $((i / 60)) $((i % 60)))',
    '  fossil commit --no-warnings -m "change $i" --date-override "$d" >/dev/null || exit 1',
    'done',
  ].join('\n');
  const r = spawnSync('bash', ['-c', script], { cwd: wd, env: fossilEnv(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building history failed: ${r.stderr}`);
  return { repo, early };
}

/** Derived tables as `fossil rebuild` computes them from the same artifacts. */
function expectLikeRebuild(path: string): void {
  const copy = `${path}.rebuilt`;
  copyFileSync(path, copy);
  fossil(['rebuild', copy]);
  const omit = ['unclustered', 'unsent'];
  const a = dumpDerivedTables(path, { omit });
  const b = dumpDerivedTables(copy, { omit });
  expect(differingTables(a, b)).toEqual([]);
}

describe.skipIf(!hasFossil)('pull with clusters and late delta sources', () => {
  let history: { repo: string; early: string };
  beforeAll(() => {
    history = buildHistory(tmp.dir);
  });

  it('our pull from fossil server converges', async () => {
    const served = join(tmp.dir, 'served-by-fossil.fossil');
    copyFileSync(history.repo, served);
    // Small replies: many artifacts are only announced (igot) and fetched in later rounds.
    sqlite(served, "REPLACE INTO config(name,value,mtime) VALUES('max-download','20000',0)");
    const s = await startFossilServer(served);
    servers.push(s);
    const unclustered = Number(sqlite(served, 'SELECT count(*) FROM unclustered'));
    expect(unclustered).toBeGreaterThan(300);

    // Start from a clone of the early state, then pull the rest.
    const early = await startFossilServer(history.early);
    servers.push(early);
    const ours = join(tmp.dir, 'ours.fossil');
    await libraryClone(early.url, ours, { login: BOB });
    await early.stop();

    const repo = openWithCrosslinker(ours);
    const rounds: RoundReport[] = [];
    try {
      await syncWith(repo, new NodeHttpTransport(s.url), { pull: true, login: BOB, events: { round: (r) => rounds.push(r) } });
    } finally {
      repo.db.close();
    }
    // Round 1 learns of the new cluster by one igot, the cluster brings phantoms, then files.
    expect(rounds.length).toBeGreaterThan(3);
    expect(rounds.reduce((n, r) => n + r.received.dangling, 0)).toBeGreaterThan(0);
    expect(Number(sqlite(ours, 'SELECT count(*) FROM phantom'))).toBe(0);
    expect(Number(sqlite(ours, "SELECT count(*) FROM tagxref WHERE tagid=7"))).toBeGreaterThan(0);
    expect(artifactSet(ours)).toEqual(artifactSet(served));
    expectIntegrity(ours);
    expectLikeRebuild(ours);
    expect(fossil(['timeline', '-n', '0', '-R', ours]).stdout).toBe(fossil(['timeline', '-n', '0', '-R', served]).stdout);
  });

  it('fossil pull from our server converges (our server makes the clusters)', async () => {
    const served = join(tmp.dir, 'served-by-us.fossil');
    copyFileSync(history.repo, served);
    const s = await startInProcessServer(served, { maxDownload: 20_000 });
    servers.push(s);
    const theirs = join(tmp.dir, 'theirs.fossil');
    copyFileSync(history.early, theirs);
    const r = await fossilAsync(['pull', `http://bob:bobpw@127.0.0.1:${s.port}/`, '-R', theirs]);
    expect(r.stdout).toMatch(/Pull done/);
    await s.stop();
    expect(Number(sqlite(served, 'SELECT count(*) FROM tagxref WHERE tagid=7'))).toBeGreaterThan(0);
    expect(Number(sqlite(theirs, 'SELECT count(*) FROM phantom'))).toBe(0);
    expect(artifactSet(theirs)).toEqual(artifactSet(served));
    expectIntegrity(theirs);
    expectIntegrity(served);
    expectLikeRebuild(served);
  });
});
