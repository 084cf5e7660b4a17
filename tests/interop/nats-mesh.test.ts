// Must show 1: three peers on one hub (two leaves and a bridge to a stock `fossil server`)
// converge to identical artifact sets after check-ins on each, written by stock fossil in a
// checkout of each file; `fossil test-integrity` passes on every file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fossil, haveTool, tempDir, sqlite } from '../helpers/tools.ts';
import { edgesync } from '../helpers/cli.ts';
import { startFossilServer, type RunningServer } from '../helpers/servers.ts';
import { startNats, type RunningNats } from '../helpers/nats.ts';
import { startBridge, startLeaf, waitFor, type RunningPeer } from '../helpers/nats-peers.ts';
import { expectIntegrity } from '../helpers/sync-fixtures.ts';

/** The artifact names in a file, waiting out a writer's lock. */
function artifactSet(path: string): string[] {
  return sqlite(path, 'SELECT uuid FROM blob WHERE size>=0 ORDER BY uuid')
    .split('\n')
    .filter(Boolean);
}

const ready = haveTool('fossil') && haveTool('nats-server');
const tmp = tempDir();
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const s of stops.reverse()) await s();
  tmp.cleanup();
});

function projectCode(repo: string): string {
  return /project-code:\s+([0-9a-f]+)/.exec(fossil(['info', '-R', repo]).stdout)![1]!;
}

function checkout(repo: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  fossil(['open', repo, '--nosync'], { cwd: dir });
}

function commit(dir: string, name: string, text: string): void {
  // The other peers' check-ins may already have arrived as a fork, which update cannot pick
  // between: then the check-in goes on the checkout's own tip, another fork.
  const u = fossil(['update', '--nosync'], { cwd: dir, allowFail: true });
  if (u.status !== 0 && !/Multiple descendants/.test(u.stdout + u.stderr)) throw new Error(`fossil update failed\n${u.stderr}${u.stdout}`);
  writeFileSync(join(dir, name), text);
  fossil(['add', name], { cwd: dir });
  // Forks are fine here: what matters is that every artifact reaches every peer. A peer may be
  // writing the file at that moment: the helper runs the commit again when it found the lock held.
  fossil(['commit', '--nosync', '--no-warnings', '--allow-fork', '-m', `add ${name}`], { cwd: dir });
}

describe.skipIf(!ready)('two leaves and a bridge on one hub', () => {
  const d = (p: string) => join(tmp.dir, p);
  let nats: RunningNats;
  let fossilServer: RunningServer;
  let a: RunningPeer;
  let b: RunningPeer;
  let bridge: RunningPeer;

  beforeAll(async () => {
    // Each peer logs in as a server member, as on an `edgesync hub`: the server vouches for who answers.
    nats = await startNats(tmp.dir, { members: ['a', 'b', 'bridge'].map((name) => ({ name, role: 'server' as const, projects: '*' as const })) });
    stops.push(() => nats.stop());
    fossil(['init', d('a.fossil')]);
    checkout(d('a.fossil'), d('co-a'));
    commit(d('co-a'), 'start.txt', 'the beginning\n');
    // The fossil server holds a copy, so all three start equal.
    copyFileSync(d('a.fossil'), d('f.fossil'));
    const code = projectCode(d('a.fossil'));
    a = await startLeaf(d('a.fossil'), nats.urlAs('a'));
    stops.push(() => a.stop());
    edgesync(['clone', `${nats.urlAs('b')}/${code}`, d('b.fossil')]);
    b = await startLeaf(d('b.fossil'), nats.urlAs('b'));
    stops.push(() => b.stop());
    // --localauth: requests the bridge forwards from 127.0.0.1 may push.
    fossilServer = await startFossilServer(d('f.fossil'), ['--localauth']);
    stops.push(() => fossilServer.stop());
    bridge = await startBridge(nats.urlAs('bridge'), fossilServer.url, ['--poll', '1']);
    stops.push(() => bridge.stop());
    checkout(d('b.fossil'), d('co-b'));
    checkout(d('f.fossil'), d('co-f'));
    // Let presence announcements go round before the first check-ins.
    await new Promise((r) => setTimeout(r, 500));
  });

  it('converges after check-ins on each peer', async () => {
    commit(d('co-a'), 'from-a.txt', 'written on leaf A\n');
    commit(d('co-b'), 'from-b.txt', 'written on leaf B\n');
    commit(d('co-f'), 'from-f.txt', 'written on the fossil server\n');
    const files = ['a.fossil', 'b.fossil', 'f.fossil'].map(d);
    const same = () => {
      const sets = files.map((f) => artifactSet(f).join(','));
      return sets[0] === sets[1] && sets[1] === sets[2];
    };
    try {
      await waitFor(same, 90_000, 'the three repositories to hold the same artifacts');
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- A\n${a.output()}\n--- B\n${b.output()}\n--- bridge\n${bridge.output()}`);
    }
    const set = artifactSet(d('a.fossil'));
    // 3 check-ins plus the initial one and the first, each with its file, at least.
    expect(set.length).toBeGreaterThanOrEqual(9);
    for (const f of files) expectIntegrity(f);
    for (const f of files) {
      const t = fossil(['timeline', '-n', '0', '-R', f]).stdout;
      expect(t).toContain('add from-a.txt');
      expect(t).toContain('add from-b.txt');
      expect(t).toContain('add from-f.txt');
    }
  });
});
