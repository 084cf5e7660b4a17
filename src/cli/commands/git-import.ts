/**
 * `edgesync git import (GITDIR | -) FILE`: a Fossil repository from a Git history, as
 * `git fast-export --all | fossil import --git FILE` makes it (src/git/import-*.ts).
 */
import { spawn } from 'node:child_process';
import { UsageError } from '../args.ts';
import { jsonOption } from '../command.ts';
import { CodedError, codeOf } from '../../errors.ts';
import { importGitIntoFile, importGitToNewFile } from '../../git/import-file.ts';
import type { GitImportOptions } from '../../git/import-run.ts';
import type { GitImportNames } from '../../git/import-stream.ts';
import type { GitSubcommand } from './git.ts';

/** What `git import GITDIR` runs: fossil's documented pipe, plus a `done` at the end of a complete stream. */
export const FAST_EXPORT_ARGS = ['fast-export', '--all', '--signed-tags=strip', '--reencode=yes', '--use-done-feature'];

export const gitImport: GitSubcommand = {
  usage: 'import (GITDIR | -) FILE [--incremental] [--rename-trunk N] [--rename-master N] [--rename-branch PRE%SUF] [--rename-tag PRE%SUF] [--use-author] [-A LOGIN] [--json]',
  description: [
    '`git import GITDIR FILE` runs `git fast-export --all` on GITDIR; `git import - FILE` reads a',
    'fast-export stream on stdin. Both make FILE as `fossil import --git` does: the same check-ins,',
    'branches and tags. Git\'s `master` stays `master` unless --rename-master says otherwise; root',
    'check-ins are tagged with the trunk name. With --incremental, FILE exists already and only',
    'what it lacks is added (import the whole history again: what is there is recognized).',
    'A failed import leaves no new FILE, and an existing FILE as it was.',
  ].join('\n'),
  options: [
    { name: 'incremental', short: 'i', type: 'boolean', help: 'import into an existing FILE' },
    { name: 'rename-trunk', type: 'string', value: 'NAME', help: 'name of the trunk (default "trunk")' },
    { name: 'rename-master', type: 'string', value: 'NAME', help: 'what Git\'s master branch is called (default "master")' },
    { name: 'rename-branch', type: 'string', value: 'PAT', help: 'rename every branch: "%" in PAT is the Git name' },
    { name: 'rename-tag', type: 'string', value: 'PAT', help: 'rename every tag: "%" in PAT is the Git name' },
    { name: 'use-author', type: 'boolean', help: 'take user and time from the author, not the committer' },
    { name: 'admin-user', short: 'A', type: 'string', value: 'LOGIN', help: 'login of the new repository\'s admin' },
    jsonOption,
  ],
  async run({ args, stdout, stderr }) {
    const [, from, file, extra] = args.positional;
    if (!from || !file || extra) throw new UsageError('give GITDIR (or - for stdin) and FILE');
    const o = args.options;
    const names: Partial<GitImportNames> = {};
    if (typeof o['rename-trunk'] === 'string') names.trunk = o['rename-trunk'];
    if (typeof o['rename-master'] === 'string') names.master = o['rename-master'];
    if (typeof o['rename-branch'] === 'string') [names.branchPrefix, names.branchSuffix] = pattern('rename-branch', o['rename-branch']);
    if (typeof o['rename-tag'] === 'string') [names.tagPrefix, names.tagSuffix] = pattern('rename-tag', o['rename-tag']);
    const opts: GitImportOptions = { names, useAuthor: o['use-author'] === true };
    const source = from === '-' ? readStdin() : fastExport(from);
    try {
      if (o.incremental) {
        const r = await importGitIntoFile(file, source, opts);
        if (o.json) stdout(JSON.stringify({ file, ...r }));
        else stdout(`${r.commits} commits read, ${r.newArtifacts} new check-ins and tags; ${r.checkins} check-ins in ${file}`);
      } else {
        const adminUser = typeof o['admin-user'] === 'string' ? o['admin-user'] : process.env.FOSSIL_USER ?? process.env.USER ?? undefined;
        const r = await importGitToNewFile(file, source, { ...opts, adminUser });
        if (o.json) stdout(JSON.stringify({ file, ...r }));
        else stdout(`${r.checkins} check-ins, ${r.tags} tags\nproject-id: ${r.projectCode}\nadmin-user: ${r.adminUser} (password is "${r.adminPassword}")`);
      }
    } catch (e) {
      if (e instanceof UsageError) throw e;
      stderr(`edgesync git import: ${(e as Error).message} [${codeOf(e)}]`);
      return 1;
    }
  },
};

/** PRE%SUF, with exactly one "%" (fossil's --rename-* rule). */
function pattern(option: string, pat: string): [string, string] {
  const i = pat.indexOf('%');
  if (i < 0) throw new UsageError(`missing '%' in argument to --${option}`);
  if (pat.indexOf('%', i + 1) >= 0) throw new UsageError(`multiple '%' in argument to --${option}`);
  return [pat.slice(0, i), pat.slice(i + 1)];
}

async function* readStdin(): AsyncIterable<Uint8Array> {
  for await (const chunk of process.stdin) yield chunk as Uint8Array;
}

/** git fast-export's output; throws at its end if git failed, so nothing of a failed run is kept. */
async function* fastExport(gitDir: string): AsyncIterable<Uint8Array> {
  const child = spawn('git', ['-C', gitDir, ...FAST_EXPORT_ARGS], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    if (err.length < 4000) err += d.toString();
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', (e) => reject(new CodedError('not-found', `cannot run git: ${e.message}`, { cause: e })));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  exited.catch(() => {}); // seen by the await below, or not wanted when the reader stopped early
  let finished = false;
  try {
    for await (const chunk of child.stdout) yield chunk as Uint8Array;
    const code = await exited;
    finished = true;
    if (code !== 0) throw new CodedError('bad-input', `git fast-export in ${gitDir} failed (exit ${code}): ${err.trim()}`);
  } finally {
    // The reader stopped early (an error in the stream, or `done`): git has nothing more to say.
    if (!finished && child.exitCode === null) child.kill();
  }
}
