/**
 * `serve --git-mirror GITDIR` and `hub --git-mirror GITDIR`: every served repository keeps a bare
 * Git mirror up to date as check-ins (and tags) arrive, whichever way they came: a push over HTTP,
 * a pull or carry over NATS, or another process (stock `fossil commit`) writing the file.
 *
 * Like the mesh agent (src/mesh/agent.ts, which looks for check-ins after every change it hears
 * of), it watches the repository file and also looks every few seconds (not every file system
 * can be watched), and each look is one cheap query. Updates are debounced, one at a time per
 * mirror, and run `edgesync git mirror` as a child process: a long first export neither blocks
 * the server nor reads the file through the server's own connection.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { watchFile } from '../nats/file-watch.ts';
import type { Repository } from '../repo/repository.ts';
import { checkGit } from './git-mirror-update.ts';
import type { ServeHook } from './served-repos.ts';

/** A burst of check-ins (a push of many) becomes one update. */
const DEBOUNCE_MS = 300;
/** The look that does not rely on file-system events. */
const POLL_MS = 3000;

/**
 * The hook that mirrors each served repository: into GITDIR itself when one repository file is
 * served, else into GITDIR/NAME.git.
 */
export function gitMirrorHook(gitDir: string, single: () => boolean, log: (line: string) => void, mainBranch?: string): ServeHook {
  checkGit();
  return async (r) => {
    const target = single() ? gitDir : join(gitDir, `${r.name}.git`);
    const runner = new CoalescedRunner((signal) => runMirror(r.path, target, mainBranch, signal, (line) => log(`git mirror ${r.name}: ${line}`)), DEBOUNCE_MS);
    let seen = signature(r.repo);
    const look = () => {
      // Inside a sync session's transaction what is there may still roll back: look after it ends.
      if (r.repo.db.inTransaction) return;
      const now = signature(r.repo);
      if (now === seen) return;
      seen = now;
      runner.poke();
    };
    runner.poke();
    const unwatch = watchFile(r.path, look);
    const timer = setInterval(look, POLL_MS);
    timer.unref();
    return async () => {
      unwatch();
      clearInterval(timer);
      await runner.stop();
    };
  };
}

/** Changes when a check-in or a tag change arrives (a phantom filled in counts too). */
function signature(repo: Repository): string {
  const row = repo.db.get<{ n: number; m: number | null }>("SELECT count(*) AS n, max(objid) AS m FROM event WHERE type IN ('ci','g')");
  return `${row?.n ?? 0}:${row?.m ?? 0}`;
}

/** `edgesync git mirror -R FILE GITDIR` in a child process (the same program as this one). */
function runMirror(repoPath: string, gitDir: string, mainBranch: string | undefined, signal: AbortSignal, log: (line: string) => void): Promise<void> {
  const script = process.argv[1];
  if (!script) return Promise.reject(new Error('cannot tell which program to run for the mirror'));
  const args = [...process.execArgv, script, 'git', 'mirror', '-R', repoPath, gitDir, ...(mainBranch ? ['--mainbranch', mainBranch] : [])];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (e) => {
      if (!signal.aborted) log(`failed: ${e.message}`);
      resolve();
    });
    child.on('close', (code) => {
      const text = out.trim().replace(/^edgesync git: /, '');
      if (signal.aborted) return resolve();
      if (code !== 0) log(`failed: ${text}`);
      else if (!text.endsWith('up to date')) log(text);
      resolve();
    });
  });
}

/**
 * Runs a job soon after it is asked for, never two at once: asked while it runs, it runs once more
 * afterwards (however often it was asked meanwhile).
 */
export class CoalescedRunner {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly job: (signal: AbortSignal) => Promise<void>,
    private readonly delayMs: number,
  ) {}

  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.start();
    }, this.delayMs);
  }

  private start(): void {
    this.running = this.job(this.abort.signal).catch(() => undefined).finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.poke();
      }
    });
  }

  /** No more runs; the one under way is stopped (a mirror update stopped half-way changes nothing). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    await this.running;
  }
}
