// `edgesync notify` against `edgesync hub` (real nats-server with JetStream): send/watch once per
// device across runs, ask answered (exit 0) and unanswered (exit 2), Go-shaped messages published
// by a plain NATS client (duplicates shown once), threads/log, presence, token auth, and messages
// kept across a hub restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { CLI, edgesync } from '../helpers/cli.ts';
import { startHubCli, type RunningHub } from '../helpers/hub-cli.ts';
import { haveTool, tempDir } from '../helpers/tools.ts';

const ready = haveTool('nats-server');

interface Bg {
  out(): string;
  err(): string;
  exit: Promise<number | null>;
  kill(): void;
}

function bg(args: string[], env: Record<string, string>): Bg {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return {
    out: () => out,
    err: () => err,
    // 'close', not 'exit': only then has all of the output been read.
    exit: new Promise((r) => child.once('close', (code) => r(code))),
    kill: () => {
      if (child.exitCode === null) process.kill(child.pid!, 'SIGTERM');
    },
  };
}

const GO_MESSAGE = {
  v: 1,
  id: 'msg-0a1b2c3d4e5f60718293a4b5c6d7e8f9',
  thread: 'thread-fedcba98765432100123456789abcdef',
  project: 'ops',
  from: 'leaf-go',
  from_name: 'go agent',
  timestamp: '2026-08-03T09:15:42.123456789Z',
  body: 'disk at 91% on build-3',
  priority: 'urgent',
  actions: [{ id: 'clean', label: 'Clean caches' }],
  media: ['df.txt'],
};

describe.skipIf(!ready)('edgesync notify on a hub', () => {
  const tmp = tempDir('edgesync-notify-');
  let hub: RunningHub;
  let nats: string;
  // Two devices: each has its own config dir (its own id and read state).
  const dev = (name: string) => ({ EDGESYNC_CONFIG_DIR: join(tmp.dir, name), EDGESYNC_NAME: name });
  const run = (device: string, args: string[], allowFail = false) => edgesync(['notify', ...args, '--nats', nats], { env: dev(device), allowFail });
  /** How many times --new-only's test had to send its message before its watcher followed the stream. */
  let onlyThisSent = 0;

  beforeAll(async () => {
    hub = await startHubCli(join(tmp.dir, 'hub'));
    // Any member may chat: the hub's standing reader will do.
    nats = hub.memberUrl('reader');
  });
  afterAll(async () => {
    await hub?.stop();
    tmp.cleanup();
  });

  it('without credentials the hub refuses', () => {
    const r = edgesync(['notify', 'send', '--project', 'ops', '--nats', hub.natsUrl, 'x'], { env: dev('ann'), allowFail: true });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/auth|Authorization/i);
  });

  it('watch prints everything once on first use, then only what is new', async () => {
    run('agent', ['send', '--project', 'ops', 'build 41 passed']);
    run('agent', ['send', '--project', 'ops', '--priority', 'action_required', '--actions', 'yes:Ship it,no', 'ship 41?']);
    const first = run('ann', ['watch', '--project', 'ops', '--count', '2']).stdout.trim().split('\n');
    expect(first).toHaveLength(2);
    expect(first[0]).toContain('agent: build 41 passed');
    expect(first[1]).toContain('[action_required] agent: ship 41?  {yes: Ship it | no}');
    // Live: a watcher waiting for the next message gets it, and nothing it saw before.
    const w = bg(['notify', 'watch', '--project', 'ops', '--count', '1', '--nats', nats], dev('ann'));
    await new Promise((r) => setTimeout(r, 800));
    run('agent', ['send', '--project', 'ops', 'build 42 passed']);
    expect(await w.exit).toBe(0);
    expect(w.out().trim().split('\n')).toEqual([expect.stringContaining('build 42 passed')]);
    // Another device has its own state: it sees all three.
    const bob = run('bob', ['watch', '--project', 'ops', '--count', '3', '--json']).stdout.trim().split('\n').map((l) => JSON.parse(l) as { body: string });
    expect(bob.map((m) => m.body)).toEqual(['build 41 passed', 'ship 41?', 'build 42 passed']);
  });

  it('--new-only skips the backlog on first use', async () => {
    const w = bg(['notify', 'watch', '--project', 'ops', '--new-only', '--count', '1', '--nats', nats], dev('carl'));
    // A message sent before the watcher follows the stream is backlog to it, skipped: until it has
    // one, send again (on a busy machine it may take a while to start).
    for (let i = 0; ; i++) {
      run('agent', ['send', '--project', 'ops', 'only this']);
      onlyThisSent++;
      const exited = await Promise.race([w.exit.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 1000))]);
      if (exited) break;
      if (i > 90) throw new Error(`the watcher printed nothing:\n${w.out()}${w.err()}`);
    }
    expect(await w.exit).toBe(0);
    expect(w.out().trim().split('\n')).toEqual([expect.stringContaining('only this')]);
  });

  it('a Go-shaped message published twice without a msg id shows once, with its fields', async () => {
    const reader = hub.member('reader');
    const nc = await connect({ servers: hub.natsUrl, user: reader.name, pass: reader.password, inboxPrefix: `_INBOX.${reader.name}` });
    const data = new TextEncoder().encode(JSON.stringify(GO_MESSAGE));
    nc.publish('notify.ops.fedcba98', data);
    nc.publish('notify.ops.fedcba98', data);
    nc.publish('notify.ops.fedcba98', new TextEncoder().encode('{"garbage": true}'));
    await nc.flush();
    await nc.close();
    const w = bg(['notify', 'watch', '--project', 'ops', '--json', '--nats', nats], dev('ann'));
    await expect.poll(() => w.out(), { timeout: 90_000 }).toContain('leaf-go');
    run('agent', ['send', '--project', 'ops', 'after the go one']);
    await expect.poll(() => w.out(), { timeout: 90_000 }).toContain('after the go one');
    w.kill();
    await w.exit;
    const lines = w.out().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.body)).toEqual([...Array<string>(onlyThisSent).fill('only this'), GO_MESSAGE.body, 'after the go one']);
    expect(lines[onlyThisSent]).toEqual(GO_MESSAGE);
    expect(w.err()).toMatch(/skipped stream message \d+ on notify\.ops\.fedcba98/);
  });

  it('ask exits with the first answer; unanswered it exits 2', async () => {
    const ask = bg(['notify', 'ask', '--project', 'ops', '--actions', 'approve,reject', '--timeout', '20', '--nats', nats, 'migrate prod?'], dev('agent'));
    await expect.poll(() => ask.err(), { timeout: 90_000 }).toMatch(/asked (msg-[0-9a-f]{32}) in thread-([0-9a-f]{32})/);
    const [, id, thread] = /asked (msg-[0-9a-f]{32}) in thread-([0-9a-f]{32})/.exec(ask.err())!;
    // A message from the asker itself is no answer.
    run('agent', ['send', '--project', 'ops', '--thread', thread!.slice(0, 8), 'still waiting']);
    run('ann', ['send', '--project', 'ops', '--thread', thread!.slice(0, 8), '--reply-to', id!, '--action-response', 'approve']);
    expect(await ask.exit).toBe(0);
    expect(ask.out().trim()).toBe('approve');
    const log = run('bob', ['log', '--project', 'ops', thread!.slice(0, 8)]).stdout.trim().split('\n');
    expect(log).toHaveLength(3);
    expect(log[0]).toContain('[action_required] agent: migrate prod?');
    expect(log[2]).toContain('ann: (action "approve")');

    const started = Date.now();
    const r = run('agent', ['ask', '--project', 'ops', '--timeout', '1', 'anyone?'], true);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no answer/);
    // It waited for its timeout before giving up.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('threads lists each thread once, newest first; who shows a watcher online', async () => {
    const t = JSON.parse(run('bob', ['threads', '--project', 'ops', '--json']).stdout) as Array<{ thread: string; count: number; first: { body: string } }>;
    expect(t.find((x) => x.thread === GO_MESSAGE.thread)?.count).toBe(1);
    expect(t.find((x) => x.first.body === 'migrate prod?')?.count).toBe(3);
    expect(t[0]!.first.body).toBe('anyone?');
    const w = bg(['notify', 'watch', '--project', 'ops', '--new-only', '--nats', nats], dev('dora'));
    await expect.poll(() => run('bob', ['who', '--project', 'ops']).stdout, { timeout: 90_000 }).toContain('dora (cli)');
    w.kill();
    await w.exit;
  });

  it('the hub keeps the messages across a restart', async () => {
    await hub.stop();
    hub = await startHubCli(join(tmp.dir, 'hub'));
    nats = hub.memberUrl('reader');
    const t = JSON.parse(run('bob', ['threads', '--project', 'ops', '--json']).stdout) as unknown[];
    expect(t.length).toBeGreaterThanOrEqual(7);
  });
});
