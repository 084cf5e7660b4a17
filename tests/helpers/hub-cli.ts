/**
 * `edgesync hub` as a user runs it (the built CLI): nats-server with a WebSocket port, the
 * served repositories as leaves, and the web app, all on free 127.0.0.1 ports. Stopped by pid.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CLI, edgesync } from './cli.ts';
import { freePort } from './servers.ts';
import { loadMembers } from '../../src/nats/hub-members.ts';
import type { Member } from '../../src/nats/hub-permissions.ts';

function memberOf(dir: string, name: string): Member {
  const m = loadMembers(dir).find((x) => x.name === name);
  if (!m) throw new Error(`the hub in ${dir} has no member ${name}`);
  return m;
}

export interface RunningHub {
  pid: number;
  natsUrl: string;
  ws: string;
  webUrl: string;
  /** Read link per served repository (by file name without .fossil). */
  shares: Record<string, string>;
  /** Write invite (the hub's standing `NAME-writer`) per served repository. */
  invites: Record<string, string>;
  /** A NATS URL with the read credentials, per served repository (`…/CODE`). */
  clones: Record<string, string>;
  /** The hub's directory (members.json; `edgesync member --dir`). */
  dir: string;
  /** A NATS URL that logs in as a member (from members.json; `ws` for the WebSocket port). */
  memberUrl(name: string, scheme?: 'nats' | 'ws'): string;
  member(name: string): Member;
  /** `edgesync member add NAME --role ROLE --repo REPO`: the link it prints (read link or write invite). */
  addMember(name: string, role: 'reader' | 'writer' | 'server', repo: string): string;
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
  const args = ['hub', '--dir', dir, '--port', String(port), '--ws-port', String(wsPort), '--web-port', String(webPort), ...extra];
  for (const f of serve) args.push('--serve', f);
  return spawnHub(args, dir, { port, wsPort });
}

/** `edgesync demo --dir DIR` (what `npm start` runs) on free ports; its hub lives in DIR/hub. */
export async function startDemoCli(dir: string): Promise<RunningHub> {
  const [port, wsPort, webPort] = [await freePort(), await freePort(), await freePort()];
  return spawnHub(['demo', '--dir', dir, '--port', String(port), '--ws-port', String(wsPort), '--web-port', String(webPort)], join(dir, 'hub'), { port, wsPort });
}

async function spawnHub(cliArgs: string[], dir: string, { port, wsPort }: { port: number; wsPort: number }): Promise<RunningHub> {
  const args = [CLI, ...cliArgs];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const until = Date.now() + 180_000;
  const linkLines = (kind: string) => [...out.matchAll(new RegExp(`^\\s+${kind} (\\S+): (\\S+)$`, 'gm'))];
  while (!/^hub ready/m.test(out)) {
    if (child.exitCode !== null) throw new Error(`edgesync hub exited ${child.exitCode}:\n${out}`);
    if (Date.now() > until) throw new Error(`edgesync hub did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const byName = (kind: string) => Object.fromEntries(linkLines(kind).map((m) => [m[1]!, m[2]!]));
  return {
    pid: child.pid!,
    natsUrl: `nats://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${wsPort}`,
    webUrl: /Web app:\s+(\S+)/.exec(out)![1]!,
    member: (name) => memberOf(dir, name),
    addMember(name, role, repo) {
      const out = edgesync(['member', 'add', name, '--role', role, '--repo', repo, '--dir', dir]).stdout;
      const m = new RegExp(`^\\s+(?:read|write|clone) ${repo}: (\\S+)$`, 'm').exec(out);
      if (!m) throw new Error(`member add printed no link:\n${out}`);
      return m[1]!;
    },
    memberUrl(name, scheme = 'nats') {
      const m = memberOf(dir, name);
      return `${scheme}://${encodeURIComponent(m.name)}:${encodeURIComponent(m.password)}@127.0.0.1:${scheme === 'ws' ? wsPort : port}`;
    },
    shares: byName('read'),
    invites: byName('write'),
    clones: byName('clone'),
    dir,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        process.kill(child.pid!, 'SIGTERM');
      }),
  };
}
