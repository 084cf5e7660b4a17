/** Runs the built `edgesync` command as a separate process, as a user would. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const CLI = join(import.meta.dirname, '../../dist/cli/main.js');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

export function edgesync(args: string[], opts: { cwd?: string; input?: string | Uint8Array; allowFail?: boolean; env?: Record<string, string> } = {}): CliResult {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build it first (npm run build:cli, or npm test which does)`);
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd,
    input: opts.input,
    env: { ...process.env, USER: 'alice', TZ: 'UTC', ...opts.env },
    maxBuffer: 512 * 1024 * 1024,
  });
  const res = { status: r.status ?? -1, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), stdoutBytes: r.stdout };
  if (res.status !== 0 && !opts.allowFail) throw new Error(`edgesync ${args.join(' ')} exited ${res.status}\n${res.stderr}${res.stdout}`);
  return res;
}

/** Like edgesync(), without blocking this process (for a server running in this process's tests). */
export function edgesyncAsync(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build it first (npm run build:cli, or npm test which does)`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, USER: 'alice', TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}
