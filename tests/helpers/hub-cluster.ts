/**
 * `edgesync hub` nodes of one cluster (the built CLI), sharing one hub directory, on free
 * 127.0.0.1 ports; killed as a machine dies (the hub and its nats-server at once) or stopped.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from './cli.ts';
import { waitFor } from './nats-peers.ts';
import { freePort } from './servers.ts';
import { loadMembers } from '../../src/nats/hub-members.ts';

export interface ClusterNode {
  name: string;
  port: number;
  wsPort: number;
  clusterPort: number;
  /** The web app's URL, when started with one. */
  webUrl?: string;
  out(): string;
  /** Kill the hub and its nats-server at once, as a machine that dies. */
  kill(): void;
  stop(): Promise<void>;
}

/** Node NAME of the cluster whose nodes share dir, routing to the other nodes' cluster ports. */
export async function startClusterNode(dir: string, name: string, clusterPort: number, routes: number[], extra: string[] = []): Promise<ClusterNode> {
  const [port, wsPort] = [await freePort(), await freePort()];
  const args = [CLI, 'hub', '--dir', dir, '--node', name, '--port', String(port), '--ws-port', String(wsPort),
    '--cluster-port', String(clusterPort), ...routes.flatMap((r) => ['--route', `127.0.0.1:${r}`]), ...extra];
  if (!extra.includes('--web-port')) args.push('--web-port', '0');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  await waitFor(() => /^hub ready/m.test(out) || child.exitCode !== null, 120_000, `hub node ${name}`);
  if (child.exitCode !== null) throw new Error(`hub node ${name} exited:\n${out}`);
  const natsPid = () => Number(readFileSync(join(dir, 'nodes', name, 'nats-server.pid'), 'utf8').trim());
  return {
    name, port, wsPort, clusterPort,
    webUrl: /Web app:\s+(\S+)/.exec(out)?.[1],
    out: () => out,
    kill() {
      const pid = natsPid();
      child.kill('SIGKILL');
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/** A NATS URL logging in as a member of the cluster's shared directory, at one node. */
export function clusterMemberUrl(dir: string, name: string, port: number, code = ''): string {
  const m = loadMembers(dir).find((x) => x.name === name);
  if (!m) throw new Error(`no member ${name} in ${dir}`);
  return `nats://${encodeURIComponent(m.name)}:${encodeURIComponent(m.password)}@127.0.0.1:${port}${code ? `/${code}` : ''}`;
}
