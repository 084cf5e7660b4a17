/** `edgesync git mirror`: keep a bare Git repository up to date with a repository. */
import { resolve } from 'node:path';
import { UsageError, type OptionSpec } from '../args.ts';
import type { CommandContext } from '../command.ts';
import { repoPath, withRepository } from '../repo-access.ts';
import { updateGitMirror } from '../git-mirror-update.ts';
import { mainBranchOption } from './git-export.ts';

export const gitMirrorOptions: readonly OptionSpec[] = [mainBranchOption];

export async function gitMirror({ args, stdout }: CommandContext): Promise<number> {
  const [gitDir, extra] = args.positional;
  if (!gitDir || extra) throw new UsageError('give the Git directory: git mirror -R FILE GITDIR');
  const mainBranch = typeof args.options.mainbranch === 'string' ? args.options.mainbranch : undefined;
  const r = await withRepository(repoPath(args.options), (repo) => updateGitMirror(repo, resolve(gitDir), { mainBranch }), { readonly: true });
  const what = r.commits || r.refs ? `${r.commits} commit${r.commits === 1 ? '' : 's'}, ${r.refs} ref${r.refs === 1 ? '' : 's'} updated` : 'up to date';
  stdout(`${gitDir}: ${r.created ? 'created, ' : ''}${what}`);
  return 0;
}
