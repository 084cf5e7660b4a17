/**
 * A real nats-server for tests: generated config on a free 127.0.0.1 port, started as a child
 * process and stopped by its pid. It can be restarted on the same port (hub restarts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './servers.ts';

export interface NatsServerOptions {
  /** Default: nats-server's own (1 MiB). */
  maxPayload?: number;
  user?: string;
  password?: string;
  token?: string;
  port?: number;
}

export interface RunningNats {
  port: number;
  url: string;
  pid: number;
  output(): string;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

function waitForPort(port: number, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`nats-server exited with ${child.exitCode}`));
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > until) reject(new Error(`nats-server not listening on ${port}`));
        else setTimeout(attempt, 30);
      });
    };
    attempt();
  });
}

export async function startNats(dir: string, opts: NatsServerOptions = {}): Promise<RunningNats> {
  const port = opts.port ?? (await freePort());
  const lines = [`listen: "127.0.0.1:${port}"`];
  if (opts.maxPayload) lines.push(`max_payload: ${opts.maxPayload}`);
  if (opts.user) lines.push(`authorization { user: "${opts.user}", password: "${opts.password ?? ''}" }`);
  if (opts.token) lines.push(`authorization { token: "${opts.token}" }`);
  const conf = join(dir, `nats-${port}.conf`);
  writeFileSync(conf, `${lines.join('\n')}\n`);
  let child: ChildProcess;
  let out = '';
  const launch = async () => {
    child = spawn('nats-server', ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await waitForPort(port, child);
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      process.kill(child.pid!, 'SIGTERM');
    });
  await launch();
  return {
    port,
    url: `nats://127.0.0.1:${port}`,
    get pid() {
      return child.pid!;
    },
    output: () => out,
    stop,
    async restart() {
      await stop();
      await launch();
    },
  };
}
