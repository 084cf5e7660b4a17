/**
 * `edgesync git`: a two-way bridge between a repository and Git. Each subcommand lives in its own
 * file and brings its own options.
 */
import { UsageError } from '../args.ts';
import { defineCommand, repoOption, type CommandContext } from '../command.ts';
import { gitExport, gitExportOptions } from './git-export.ts';
import { gitMirror, gitMirrorOptions } from './git-mirror.ts';

const subcommands: Record<string, (ctx: CommandContext) => Promise<number>> = {
  export: gitExport,
  mirror: gitMirror,
};

export const gitCommand = defineCommand({
  name: 'git',
  summary: 'to and from Git: export (a fast-import stream), mirror (a bare Git repository)',
  usage: [
    'git export -R FILE [--marks FILE] [--mainbranch NAME] > STREAM',
    '       edgesync git mirror -R FILE GITDIR [--mainbranch NAME]',
  ].join('\n'),
  description: [
    '`export` writes every check-in as a commit, the branches and the tags in the format',
    '`git fast-import` reads, as `fossil git export` maps them (trunk becomes master). With --marks FILE',
    'it leaves out what an export with the same FILE wrote before, and records what it writes; keep',
    'git\'s marks too: git fast-import --import-marks-if-exists=G --export-marks=G.',
    '`mirror` brings the bare Git repository GITDIR up to date (made with git init --bare when',
    'missing), keeping the marks in GITDIR/edgesync.marks and GITDIR/edgesync.git-marks.',
  ].join('\n'),
  options: [repoOption, ...gitExportOptions, ...gitMirrorOptions].filter((o, i, all) => all.findIndex((p) => p.name === o.name) === i),
  async run(ctx) {
    const sub = ctx.args.positional[0];
    const fn = sub ? subcommands[sub] : undefined;
    if (!fn) throw new UsageError(sub ? `unknown git subcommand "${sub}"` : `which one: ${Object.keys(subcommands).join(', ')}?`);
    return fn({ ...ctx, args: { ...ctx.args, positional: ctx.args.positional.slice(1) } });
  },
});
