/**
 * `edgesync hub` as a user runs it (the built CLI): nats-server with a WebSocket port, the
 * served repositories as leaves, and the web app, all on free 127.0.0.1 ports. Stopped by pid.
 */
import { spawn } from 'node:child_process';
import { CLI } from './cli.ts';
import { freePort } from './servers.ts';

export interface RunningHub {
  pid: number;
  natsUrl: string;
  ws: string;
  webUrl: string;
  /** Share link per served repository (by file name without .fossil). */
  shares: Record<string, string>;
  output(): string;
  stop(): Promise<void>;
}

/** `ports`: listen on these (to bring a stopped hub back where its browsers expect it). */
export async function startHubCli(
  dir: string,
  serve: string[] = [],
  extra: string[] = [],
  ports?: { port: number; wsPort: number; webPort: number },
): Promise<RunningHub> {
  const { port, wsPort, webPort } = ports ?? { port: await freePort(), wsPort: await freePort(), webPort: await freePort() };
  const args = [CLI, 'hub', '--dir', dir, '--port', String(port), '--ws-port', String(wsPort), '--web-port', String(webPort), ...extra];
  for (const f of serve) args.push('--serve', f);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const until = Date.now() + 20_000;
  while (!/Web app:/.test(out) || (serve.length > 0 && (out.match(/share /g) ?? []).length < serve.length)) {
    if (child.exitCode !== null) throw new Error(`edgesync hub exited ${child.exitCode}:\n${out}`);
    if (Date.now() > until) throw new Error(`edgesync hub did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const shares: Record<string, string> = {};
  for (const m of out.matchAll(/share (\S+): (\S+)/g)) shares[m[1]!] = m[2]!;
  return {
    pid: child.pid!,
    natsUrl: `nats://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${wsPort}`,
    webUrl: /Web app:\s+(\S+)/.exec(out)![1]!,
    shares,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        process.kill(child.pid!, 'SIGTERM');
      }),
  };
}
