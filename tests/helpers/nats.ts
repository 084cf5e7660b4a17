/**
 * A real nats-server for tests: generated config on a free 127.0.0.1 port, started as a child
 * process and stopped by its pid. It can be restarted on the same port (hub restarts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './servers.ts';
import { authorizationText } from '../../src/nats/hub-config.ts';
import { makeMember, type NewMember } from '../../src/nats/hub-members.ts';
import type { Member } from '../../src/nats/hub-permissions.ts';

export interface NatsServerOptions {
  /** Default: nats-server's own (1 MiB). */
  maxPayload?: number;
  user?: string;
  password?: string;
  token?: string;
  port?: number;
  /**
   * Users with the hub's subject permissions (as `edgesync hub` writes them): the server then
   * vouches for who may answer, as a hub does. A `hub` member is added when none is given.
   */
  members?: NewMember[];
  jetstream?: boolean;
}

export interface RunningNats {
  port: number;
  url: string;
  pid: number;
  output(): string;
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** With members: the member by name, and a NATS URL that logs in as it. */
  member(name: string): Member;
  urlAs(name: string): string;
}

function waitForPort(port: number, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
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
  const members = (opts.members ?? []).map((m) => makeMember(m));
  if (members.length && !members.some((m) => m.role === 'hub')) members.unshift(makeMember({ name: 'hub', role: 'hub', projects: '*' }));
  if (members.length) lines.push(authorizationText(members));
  if (opts.jetstream) lines.push(`jetstream { store_dir: "${join(dir, `js-${port}`)}" }`);
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
  const member = (name: string): Member => {
    const m = members.find((x) => x.name === name);
    if (!m) throw new Error(`no member ${name}`);
    return m;
  };
  return {
    port,
    url: `nats://127.0.0.1:${port}`,
    get pid() {
      return child.pid!;
    },
    output: () => out,
    stop,
    member,
    urlAs(name: string) {
      const m = member(name);
      return `nats://${encodeURIComponent(m.name)}:${encodeURIComponent(m.password)}@127.0.0.1:${port}`;
    },
    async restart() {
      await stop();
      await launch();
    },
  };
}
