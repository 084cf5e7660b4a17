/**
 * Servers for sync tests, on 127.0.0.1 only: real `fossil server` and `edgesync serve`, each a
 * child process stopped by its own pid. Also an asynchronous way to run the fossil client, for
 * tests whose server lives in the test process itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { CLI } from './cli.ts';
import { fossilEnv } from './tools.ts';

/** A port that was free a moment ago. */
/** Ports handed out already in this process: the system may offer a just-closed one again. */
const given = new Set<number>();

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    // Two calls in a row (a hub's NATS and web ports) must not get the same one.
    if (given.has(port)) continue;
    given.add(port);
    return port;
  }
}

function waitForPort(port: number, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`server exited with ${child.exitCode} before listening`));
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > until) reject(new Error(`nothing listening on port ${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export interface RunningServer {
  url: string;
  port: number;
  pid: number;
  /** Output the server printed (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

async function startProcess(cmd: string, args: string[], port: number, env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await waitForPort(port, child);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}\n${out}`);
  }
  const pid = child.pid!;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    pid,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        process.kill(pid, 'SIGTERM');
      }),
  };
}

/** `fossil server --localhost --port N REPO`. */
export async function startFossilServer(repo: string, extra: string[] = []): Promise<RunningServer> {
  const port = await freePort();
  return startProcess('fossil', ['server', '--localhost', '--port', String(port), ...extra, repo], port, fossilEnv());
}

/** `edgesync serve -R REPO [MORE…] --http 127.0.0.1:N`, from the built CLI. */
export async function startEdgesyncServer(repo: string, more: string[] = []): Promise<RunningServer> {
  const port = await freePort();
  return startProcess(process.execPath, [CLI, 'serve', '-R', repo, ...more, '--http', `127.0.0.1:${port}`], port, { ...process.env, USER: 'alice', TZ: 'UTC' });
}

export interface AsyncRunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Run the fossil client without blocking this process's event loop. */
export function fossilAsync(args: string[], opts: { cwd?: string; allowFail?: boolean } = {}): Promise<AsyncRunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('fossil', args, { cwd: opts.cwd, env: fossilEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const r = { status: code ?? -1, stdout, stderr };
      if (r.status !== 0 && !opts.allowFail) reject(new Error(`fossil ${args.join(' ')} exited ${r.status}\n${stderr}${stdout}`));
      else resolve(r);
    });
  });
}
