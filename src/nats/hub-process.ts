/**
 * Running nats-server for a hub: writes the config under the hub's directory, starts the
 * server, waits until it accepts connections, and stops it by its pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { hubConfigText, type HubConfig } from './hub-config.ts';

export interface HubProcess {
  pid: number;
  configFile: string;
  /** Everything nats-server printed (for errors). */
  output(): string;
  stop(): Promise<void>;
  /** Write the config again and have nats-server reload it (members added or revoked); resolves once it has. */
  reload(c: HubConfig): Promise<void>;
  exited: Promise<number | null>;
}

function waitForPort(host: string, port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`nats-server exited with code ${child.exitCode}`));
      const s = connect(port, host);
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > until) reject(new Error(`nats-server is not listening on ${host}:${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export async function startHubServer(c: HubConfig, binary = 'nats-server'): Promise<HubProcess> {
  mkdirSync(join(c.dir, 'jetstream'), { recursive: true });
  const configFile = join(c.dir, 'nats-server.conf');
  writeFileSync(configFile, hubConfigText(c), { mode: 0o600 });
  const child = spawn(binary, ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let reloads = 0;
  const keep = (d: Buffer) => {
    const text = d.toString();
    reloads += (text.match(/Reloaded server configuration/g) ?? []).length;
    out = (out + text).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (e) => reject(new Error(`cannot start ${binary}: ${e.message}`)));
  });
  try {
    await waitForPort(c.host === '0.0.0.0' ? '127.0.0.1' : c.host, c.port, child, 15_000);
  } catch (e) {
    if (child.exitCode === null) process.kill(child.pid!, 'SIGKILL');
    throw new Error(`${(e as Error).message}\n${out}`);
  }
  return {
    pid: child.pid!,
    configFile,
    output: () => out,
    exited,
    async reload(next: HubConfig) {
      writeFileSync(configFile, hubConfigText(next), { mode: 0o600 });
      if (child.exitCode !== null) return;
      // nats-server reloads on SIGHUP: new users can connect, and a removed user's connections
      // are closed. It says so when done.
      const before = reloads;
      process.kill(child.pid!, 'SIGHUP');
      for (let i = 0; i < 400 && reloads === before && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 25));
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(child.pid!, 'SIGTERM');
      const timer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
      }, 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
