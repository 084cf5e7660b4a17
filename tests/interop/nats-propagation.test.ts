// Must show 2 (behaviour; the latency figures are bench/nats-latency.mjs): a check-in that stock
// fossil writes into leaf A's file reaches leaf B through announcements alone (safety sync off),
// a small one carried with its announcement so B needs no request to A (src/mesh/carry.ts), and
// still does after the hub restarts under both leaves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fossil, haveTool, tempDir, sqlite } from '../helpers/tools.ts';
import { edgesync } from '../helpers/cli.ts';
import { startNats, type RunningNats } from '../helpers/nats.ts';
import { startLeaf, waitFor, type RunningPeer } from '../helpers/nats-peers.ts';

const ready = haveTool('fossil') && haveTool('nats-server');
const tmp = tempDir();
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const s of stops.reverse()) await s();
  tmp.cleanup();
});

function has(repo: string, comment: string): boolean {
  const out = sqlite(repo, `SELECT count(*) FROM event WHERE type='ci' AND comment='${comment}'`);
  return out.trim() === '1';
}

describe.skipIf(!ready)('check-ins propagate by announcement', () => {
  const d = (p: string) => join(tmp.dir, p);
  let nats: RunningNats;
  let a: RunningPeer;
  let b: RunningPeer;

  const commitOnA = (comment: string) => {
    writeFileSync(join(d('co'), `${comment}.txt`), `${comment}\n`);
    fossil(['add', `${comment}.txt`], { cwd: d('co') });
    fossil(['commit', '--nosync', '--no-warnings', '-m', comment], { cwd: d('co') });
  };

  beforeAll(async () => {
    nats = await startNats(tmp.dir, { members: ['a', 'b'].map((name) => ({ name, role: 'server' as const, projects: '*' as const })) });
    stops.push(() => nats.stop());
    fossil(['init', d('a.fossil')]);
    const code = /project-code:\s+([0-9a-f]+)/.exec(fossil(['info', '-R', d('a.fossil')]).stdout)![1]!;
    mkdirSync(d('co'));
    fossil(['open', d('a.fossil'), '--nosync'], { cwd: d('co') });
    a = await startLeaf(d('a.fossil'), nats.urlAs('a'), ['--safety-sync', '0']);
    stops.push(() => a.stop());
    edgesync(['clone', `${nats.urlAs('b')}/${code}`, d('b.fossil')]);
    b = await startLeaf(d('b.fossil'), nats.urlAs('b'), ['--safety-sync', '0']);
    stops.push(() => b.stop());
  });

  it('a fossil commit on A shows up on B by announcement (no safety sync runs)', async () => {
    commitOnA('first');
    // Speed is the latency bench's business (bench/nats-latency.mjs); here only that it arrives.
    await waitFor(() => has(d('b.fossil'), 'first'), 90_000, 'the check-in on B');
  });

  it('a small check-in is carried to B with the announcement: B asks A for nothing', async () => {
    const before = b.output().length;
    commitOnA('carried');
    await waitFor(() => has(d('b.fossil'), 'carried'), 90_000, 'the carried check-in on B');
    // B's syncs run one after another: one the first check-in made B start would have run by the
    // time a second carried one is stored.
    commitOnA('carried-too');
    await waitFor(() => has(d('b.fossil'), 'carried-too'), 90_000, 'the second carried check-in on B');
    // B logs every sync that brought it something; a carried check-in needs none.
    expect(b.output().slice(before)).not.toMatch(/(pull|sync) with/);
  });

  it('stock fossil opens the NATS clone with autosync on (no nats: URL where fossil looks)', () => {
    mkdirSync(d('co-b'));
    fossil(['open', d('b.fossil')], { cwd: d('co-b') });
    expect(fossil(['status'], { cwd: d('co-b') }).stdout).toMatch(/checkout:/);
  });

  it('keeps going after the hub restarts', async () => {
    await nats.restart();
    // Both leaves reconnect on their own (backoff of at most 5 s).
    await new Promise((r) => setTimeout(r, 3000));
    commitOnA('after-restart');
    await waitFor(() => has(d('b.fossil'), 'after-restart'), 90_000, 'the check-in on B after the restart').catch((e: Error) => {
      throw new Error(`${e.message}\n--- A\n${a.output()}\n--- B\n${b.output()}`);
    });
  });
});
