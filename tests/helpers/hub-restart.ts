/**
 * Bringing a stopped `edgesync hub` back on the same ports (the browsers' WebSocket URL and the
 * share links stay valid), as after a network outage. Same start-up wait as startHubCli.
 */
import { spawn } from 'node:child_process';
import { CLI } from './cli.ts';
import type { RunningHub } from './hub-cli.ts';

export async function restartHubCli(old: RunningHub, dir: string, serve: string[], extra: string[] = []): Promise<RunningHub> {
  const port = new URL(old.natsUrl).port;
  const wsPort = new URL(old.ws).port;
  const webPort = new URL(old.webUrl).port;
  const args = [CLI, 'hub', '--dir', dir, '--port', port, '--ws-port', wsPort, '--web-port', webPort, ...extra];
  for (const f of serve) args.push('--serve', f);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const until = Date.now() + 20_000;
  while (!/Web app:/.test(out) || (out.match(/share /g) ?? []).length < serve.length) {
    if (child.exitCode !== null) throw new Error(`edgesync hub exited ${child.exitCode}:\n${out}`);
    if (Date.now() > until) throw new Error(`edgesync hub did not start again:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    ...old,
    pid: child.pid!,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        process.kill(child.pid!, 'SIGTERM');
      }),
  };
}
