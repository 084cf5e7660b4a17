/**
 * Access to the real external programs tests run against (fossil, nats-server, chromium).
 * A missing tool fails the test loudly under CI=true and only skips on a developer machine.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p ? p : undefined;
}

/** Returns true when the tool is there; throws under CI when it is not. */
export function haveTool(cmd: string): boolean {
  const found = which(cmd) !== undefined;
  if (!found && process.env.CI) throw new Error(`${cmd} is required under CI but was not found on PATH`);
  return found;
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'edgesync-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A private HOME so that no global fossil configuration leaks into or out of tests. */
const fossilHome = mkdtempSync(join(tmpdir(), 'edgesync-fossil-home-'));

export interface RunOptions {
  cwd?: string;
  input?: string | Uint8Array;
  /** Allow a non-zero exit; the result then carries status and stderr. */
  allowFail?: boolean;
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** The environment fossil runs in: a private HOME, USER=alice, UTC. */
export function fossilEnv(): NodeJS.ProcessEnv {
  return { ...process.env, HOME: fossilHome, USER: 'alice', FOSSIL_USER: 'alice', TZ: 'UTC' };
}

/**
 * How long a test's read or write of a repository waits for another process's lock (a leaf, a
 * server, fossil). A minute: on a busy machine a writer holds its lock longer, and a wait must not
 * turn into a failure. Every wait ends as soon as the lock is free.
 */
export const LOCK_WAIT_MS = 60_000;

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Run the real fossil binary with a private HOME and USER=alice. A command that found the
 * repository locked is run again until LOCK_WAIT_MS has passed: fossil waits for a lock itself,
 * but not when its transaction has already read and another process writes (SQLite would
 * deadlock), so a commit into a file a leaf serves can fail at once; it changed nothing then.
 */
export function fossil(args: string[], opts: RunOptions = {}): RunResult {
  const until = Date.now() + LOCK_WAIT_MS;
  let res: RunResult;
  for (;;) {
    const r = spawnSync('fossil', args, {
      cwd: opts.cwd,
      input: opts.input,
      encoding: 'utf8',
      env: fossilEnv(),
      maxBuffer: 256 * 1024 * 1024,
    });
    res = { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
    if (res.status === 0 || !/database is locked/.test(res.stderr + res.stdout) || Date.now() > until) break;
    sleepSync(100);
  }
  if (res.status !== 0 && !opts.allowFail) {
    throw new Error(`fossil ${args.join(' ')} exited ${res.status}\n${res.stderr}${res.stdout}`);
  }
  return res;
}

/**
 * Query a SQLite file with the sqlite3 shell (for comparing tables without our own code). A
 * leaf or fossil may be writing the file at that moment: the shell waits for the lock (up to
 * LOCK_WAIT_MS) instead of failing at once. Every test reads databases through this.
 */
export function sqlite(file: string, sql: string, opts: { readonly?: boolean; json?: boolean } = {}): string {
  const flags = ['-cmd', `.timeout ${LOCK_WAIT_MS}`, ...(opts.readonly ? ['-readonly'] : []), ...(opts.json ? ['-json'] : [])];
  return execFileSync('sqlite3', [...flags, file, sql], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}
