// Must show 4: a responder killed in the middle of a clone over NATS, and another started on the
// same file: the clone finishes, with every artifact once and nothing else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fossil, haveTool, sqlite, tempDir } from '../helpers/tools.ts';
import { CLI } from '../helpers/cli.ts';
import { startNats, type RunningNats } from '../helpers/nats.ts';
import { startLeaf, waitFor, type RunningPeer } from '../helpers/nats-peers.ts';
import { artifactSet, expectIntegrity } from '../helpers/sync-fixtures.ts';

const ready = haveTool('fossil') && haveTool('nats-server');
const tmp = tempDir();
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const s of stops.reverse()) await s();
  tmp.cleanup();
});

describe.skipIf(!ready)('a responder dies in the middle of a clone', () => {
  const d = (p: string) => join(tmp.dir, p);
  let nats: RunningNats;
  let code: string;

  beforeAll(async () => {
    // A small max_payload makes the clone take many rounds, so there is a middle to kill it in.
    nats = await startNats(tmp.dir, { maxPayload: 64 * 1024 });
    stops.push(() => nats.stop());
    const repo = d('src.fossil');
    fossil(['init', repo]);
    const co = d('co');
    mkdirSync(co);
    fossil(['open', repo, '--nosync'], { cwd: co });
    for (let c = 0; c < 4; c++) {
      for (let i = 0; i < 500; i++) writeFileSync(join(co, `f${c}-${i}.txt`), `${randomBytes(1500).toString('hex')}\n`);
      fossil(['addremove'], { cwd: co });
      fossil(['commit', '--nosync', '--no-warnings', '-m', `batch ${c}`], { cwd: co });
    }
    code = /project-code:\s+([0-9a-f]+)/.exec(fossil(['info', '-R', repo]).stdout)![1]!;
  });

  it('finishes the clone on the next responder', async () => {
    let leaf: RunningPeer = await startLeaf(d('src.fossil'), nats.url, ['--safety-sync', '0']);
    stops.push(() => leaf.stop());
    const target = d('clone.fossil');
    // A short per-request timeout: the request the dying responder took is never answered.
    const child = spawn(process.execPath, [CLI, 'clone', `${nats.url}/${code}?timeout=2000`, target, '-v'], {
      env: { ...process.env, USER: 'alice', TZ: 'UTC' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => child.once('close', (c) => r(c)));
    stops.push(async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
    });
    // Kill once a few rounds have landed.
    await waitFor(() => (out.match(/^round /gm) ?? []).length >= 5, 90_000, 'the clone to get going');
    await leaf.stop('SIGKILL');
    const roundsAtKill = (out.match(/^round /gm) ?? []).length;
    await new Promise((r) => setTimeout(r, 1000));
    leaf = await startLeaf(d('src.fossil'), nats.url, ['--safety-sync', '0']);
    stops.push(() => leaf.stop());
    const code_ = await exited;
    expect(code_, out).toBe(0);
    const rounds = (out.match(/^round /gm) ?? []).length;
    expect(rounds).toBeGreaterThan(roundsAtKill);
    expect(existsSync(target)).toBe(true);
    const theirs = artifactSet(d('src.fossil'));
    expect(artifactSet(target)).toEqual(theirs);
    // Nothing twice: one blob row per artifact, and no phantoms or leftovers.
    expect(Number(sqlite(target, 'SELECT count(*) FROM blob').trim())).toBe(theirs.length);
    expect(Number(sqlite(target, 'SELECT count(*) FROM phantom').trim())).toBe(0);
    expectIntegrity(target);
  });
});
