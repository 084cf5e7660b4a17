// Commands end when they are done or wrong: an argument error found after a NATS connection was
// opened still ends the process; a leaf waiting for a hub that is down hears SIGTERM; output
// into a closed pipe ends quietly; and a hub whose nats-server dies starts it again, its leaves
// and web app carrying on. (No timing is asserted: only that each process ends, and how.)
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CLI, edgesync } from '../helpers/cli.ts';
import { startHubCli } from '../helpers/hub-cli.ts';
import { freePort } from '../helpers/servers.ts';
import { waitFor } from '../helpers/nats-peers.ts';
import { artifactSet } from '../helpers/sync-fixtures.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';
import { createRepoFile } from '../../src/repo/node-files.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { createCheckin } from '../../src/repo/authoring/checkin.ts';
import { utf8 } from '../../src/fossil/bytes.ts';

const ready = haveTool('fossil') && haveTool('nats-server');
const tmp = tempDir('edgesync-exits-');
afterAll(() => tmp.cleanup());

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  ms: number;
}

/** Run the CLI; `act` may do something to the running process. Resolves when it has exited. */
function run(args: string[], act?: (pid: number) => void, stdoutTaken?: (chunk: Buffer, destroy: () => void) => void): Promise<Ended> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => stdoutTaken?.(d, () => child.stdout.destroy()));
    child.on('exit', (code, signal) => resolve({ code, signal, stderr, ms: Date.now() - t0 }));
    act?.(child.pid!);
  });
}

describe.skipIf(!ready)('commands end', () => {
  const repo = join(tmp.dir, 'r.fossil');

  it('a bad peer id or subject prefix is an error, and the process ends', async () => {
    fossil(['init', repo]);
    const code = /project-code:\s+([0-9a-f]+)/.exec(fossil(['info', '-R', repo]).stdout)![1]!;
    const port = await freePort();
    const a = await run(['serve', '-R', repo, '--nats', `nats://127.0.0.1:${port}`, '--peer-id', 'a b']);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/not a valid peer id/);
    const b = await run(['clone', `nats://127.0.0.1:${port}/${code}?prefix=*`, join(tmp.dir, 'x.fossil')]);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/bad subject prefix/);
    console.log(`errors ended after ${a.ms} and ${b.ms} ms`);
  });

  it('a leaf waiting for a hub that is down stops on the first SIGTERM', async () => {
    const port = await freePort();
    const r = await run(['serve', '-R', repo, '--nats', `nats://127.0.0.1:${port}`], (pid) => setTimeout(() => process.kill(pid, 'SIGTERM'), 1500));
    expect(r.signal === 'SIGTERM' || r.code === 0).toBe(true);
  });

  it('output into a closed pipe ends quietly', async () => {
    // More timeline than a pipe holds, so the writer meets the closed end.
    const long = join(tmp.dir, 'long.fossil');
    const r0 = createRepoFile(long, { crosslinker: crosslinkerFactory, adminUser: 'alice' });
    let parent = r0.db.value<number>("SELECT objid FROM event WHERE type='ci'")!;
    for (let i = 0; i < 600; i++) {
      parent = createCheckin(r0, { parent, user: 'alice', comment: `check-in ${i} ${'words '.repeat(30)}`, files: [{ name: 'f.txt', content: utf8(`${i}\n`) }] }).rid;
    }
    r0.db.close();
    let first = true;
    const r = await run(['timeline', '-R', long, '-n', '0'], undefined, (_c, destroy) => {
      if (first) destroy();
      first = false;
    });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/EPIPE|at .*\(.*\.js/);
  });

  it('a hub whose nats-server dies starts it again; leaves and web app carry on', async () => {
    const served = join(tmp.dir, 'served.fossil');
    fossil(['init', served]);
    const hub = await startHubCli(join(tmp.dir, 'hub'), [served]);
    try {
      const pid = Number(/nats-server running \(pid (\d+)\)/.exec(hub.output())![1]);
      process.kill(pid, 'SIGKILL');
      await waitFor(() => /nats-server running again/.test(hub.output()), 60_000, 'the hub to start nats-server again');
      const clone = join(tmp.dir, 'after.fossil');
      // The served leaf reconnects by itself and answers the clone.
      for (let i = 0; ; i++) {
        const r = edgesync(['clone', hub.clones.served!, clone], { allowFail: true });
        if (r.status === 0) break;
        if (i > 180) throw new Error(`no clone after the restart:\n${r.stderr}\n${hub.output()}`);
        await new Promise((res) => setTimeout(res, 500));
      }
      expect(artifactSet(clone)).toEqual(artifactSet(served));
      expect((await fetch(hub.webUrl)).status).toBe(200);
    } finally {
      await hub.stop();
    }
  });
});
