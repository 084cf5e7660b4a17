/**
 * EdgeSync NATS peers as child processes of the built CLI (`serve --nats`, `bridge`), started
 * and waited for by what they print, stopped by their pid.
 */
import { spawn } from 'node:child_process';
import { CLI } from './cli.ts';

export interface RunningPeer {
  pid: number;
  /** The peer id it printed. */
  peerId: string;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startCliPeer(args: string[], ready: RegExp, timeoutMs = 60_000): Promise<RunningPeer> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, USER: 'alice', TZ: 'UTC' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`edgesync ${args.join(' ')} did not become ready\n${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m && timer) {
        clearTimeout(timer);
        resolve({
          pid: child.pid!,
          peerId: m[1] ?? '',
          output: () => out,
          stop: (signal = 'SIGTERM') =>
            new Promise<void>((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              child.once('exit', () => done());
              process.kill(child.pid!, signal);
            }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`edgesync ${args.join(' ')} exited ${code}\n${out}`));
    });
  });
}

/** `edgesync serve -R FILE --nats URL`, ready once it prints its peer id. */
export function startLeaf(repo: string, natsUrl: string, extra: string[] = []): Promise<RunningPeer> {
  return startCliPeer(['serve', '-R', repo, '--nats', natsUrl, '-v', ...extra], /as peer (\S+)/);
}

export function startBridge(natsUrl: string, fossilUrl: string, extra: string[] = []): Promise<RunningPeer> {
  return startCliPeer(['bridge', '--nats', natsUrl, '--fossil', fossilUrl, '-v', ...extra], /as peer (\S+)/);
}

/** Poll until check() is true or the time is up; returns how long it took. */
export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (check()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
