/**
 * Bringing a bare Git repository up to date with a repository: the export stream (src/git) piped
 * into `git fast-import`. The marks live in the Git directory: ours (what was exported, as which
 * mark) in edgesync.marks, git's (which object each mark became) in edgesync.git-marks. Ours are
 * saved only after git took the stream in whole, so the two never disagree about what exists.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CodedError } from '../errors.ts';
import { utf8 } from '../fossil/bytes.ts';
import { gitFastExport, type GitExportSummary } from '../git/fast-export.ts';
import { ExportMarks } from '../git/marks.ts';
import type { Repository } from '../repo/repository.ts';
import { FeedError, fifoFeed } from './fifo-feed.ts';
import { readMarksFile, writeMarksFile } from './git-marks-file.ts';

export class GitMissingError extends CodedError {
  override name = 'GitMissingError';
  constructor(cause: unknown) {
    super('not-found', 'git is not installed (or not on PATH): the mirror is written by `git fast-import`; install git', { cause });
  }
}

export interface MirrorResult extends GitExportSummary {
  created: boolean;
}

/** Throws GitMissingError when there is no `git` to run. */
export function checkGit(): void {
  const r = spawnSync('git', ['--version'], { stdio: 'ignore' });
  if (r.error) throw (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? new GitMissingError(r.error) : r.error;
}

function git(args: string[], gitDir: string): void {
  const r = spawnSync('git', args, { env: { ...process.env, GIT_DIR: gitDir }, encoding: 'utf8' });
  if (r.error) throw (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? new GitMissingError(r.error) : r.error;
  if (r.status !== 0) throw new CodedError('internal', `git ${args.join(' ')} failed: ${r.stderr.trim()}`);
}

export async function updateGitMirror(repo: Repository, gitDir: string, opts: { mainBranch?: string } = {}): Promise<MirrorResult> {
  checkGit();
  const mainBranch = opts.mainBranch ?? 'master';
  let created = false;
  if (!existsSync(join(gitDir, 'HEAD'))) {
    if (existsSync(gitDir) && readdirSync(gitDir).length > 0) {
      throw new CodedError('conflict', `${gitDir} is neither empty nor a bare Git repository`);
    }
    const r = spawnSync('git', ['init', '--bare', '--quiet', gitDir], { encoding: 'utf8' });
    if (r.error) throw new GitMissingError(r.error);
    if (r.status !== 0) throw new CodedError('internal', `git init --bare ${gitDir} failed: ${r.stderr.trim()}`);
    git(['symbolic-ref', 'HEAD', `refs/heads/${mainBranch}`], gitDir);
    created = true;
  }
  const marksPath = join(gitDir, 'edgesync.marks');
  const gitMarksPath = join(gitDir, 'edgesync.git-marks');
  // Without git's half, our marks name nothing git knows: start over (same commits, same hashes).
  const marks = existsSync(gitMarksPath) ? readMarksFile(marksPath) : new ExportMarks();

  const stream = gitFastExport(repo, marks, { mainBranch });
  let next = stream.next();
  if (next.done) return { ...next.value, created };

  // git reads a named pipe written from a thread (fifo-feed.ts): the export and git run side by side.
  const feed = fifoFeed();
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn('git', ['fast-import', '--quiet', '--done', `--import-marks-if-exists=${gitMarksPath}`, `--export-marks=${gitMarksPath}`], {
      env: { ...process.env, GIT_DIR: gitDir },
      stdio: [feed.childFd, 'ignore', 'pipe'],
    });
  } catch (e) {
    feed.destroy();
    throw e;
  } finally {
    closeSync(feed.childFd);
  }
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new GitMissingError(e) : e));
    child.on('close', (code) => resolve(code ?? -1));
  });
  try {
    for (; !next.done; next = stream.next()) await feed.write(next.value);
    await feed.write(utf8('done\n'));
    await feed.end();
  } catch (e) {
    feed.destroy();
    const ended = await exited.then((code) => code, (err: unknown) => err);
    if (!(e instanceof FeedError)) throw e;
    // git stopping early makes a write fail (EPIPE): what git said is the error, not that.
    if (typeof ended !== 'number') throw ended;
    throw new CodedError('internal', `git fast-import stopped (exit ${ended}): ${stderr.trim()}`, { cause: e });
  }
  const code = await exited;
  if (code !== 0) throw new CodedError('internal', `git fast-import failed (exit ${code}): ${stderr.trim()}`);
  writeMarksFile(marksPath, marks);
  return { ...next.value, created };
}
