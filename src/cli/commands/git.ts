/**
 * `edgesync git`: a two-way bridge between a repository and Git. Each subcommand lives in its own
 * file and brings its usage and options; this file only dispatches.
 */
import { UsageError, type OptionSpec } from '../args.ts';
import { defineCommand, repoOption, type CommandContext } from '../command.ts';
import { gitExport, gitExportOptions } from './git-export.ts';
import { gitImport } from './git-import.ts';
import { gitMirror, gitMirrorOptions } from './git-mirror.ts';

export interface GitSubcommand {
  /** Usage after `edgesync git `. */
  usage: string;
  options: readonly OptionSpec[];
  description?: string;
  /** ctx.args.positional[0] is the subcommand's name. */
  run(ctx: CommandContext): Promise<number | void> | number | void;
}

/** A subcommand whose function sees only the arguments after its name. */
function afterName(fn: (ctx: CommandContext) => Promise<number>): GitSubcommand['run'] {
  return (ctx) => fn({ ...ctx, args: { ...ctx.args, positional: ctx.args.positional.slice(1) } });
}

const subcommands: Record<string, GitSubcommand> = {
  export: {
    usage: 'export -R FILE [--marks FILE] [--mainbranch NAME] > STREAM',
    options: [repoOption, ...gitExportOptions],
    description: [
      '`export` writes every check-in as a commit, the branches and the tags in the format',
      '`git fast-import` reads, as `fossil git export` maps them (trunk becomes master). With --marks FILE',
      'it leaves out what an export with the same FILE wrote before, and records what it writes; keep',
      'git\'s marks too: git fast-import --import-marks-if-exists=G --export-marks=G.',
    ].join('\n'),
    run: afterName(gitExport),
  },
  mirror: {
    usage: 'mirror -R FILE GITDIR [--mainbranch NAME]',
    options: [repoOption, ...gitMirrorOptions],
    description: [
      '`mirror` brings the bare Git repository GITDIR up to date (made with git init --bare when',
      'missing), keeping the marks in GITDIR/edgesync.marks and GITDIR/edgesync.git-marks.',
    ].join('\n'),
    run: afterName(gitMirror),
  },
  import: gitImport,
};

/** Every subcommand's options, each name once (the parser rejects options nobody declares). */
function allOptions(): OptionSpec[] {
  const byName = new Map<string, OptionSpec>();
  for (const s of Object.values(subcommands)) for (const o of s.options) if (!byName.has(o.name)) byName.set(o.name, o);
  return [...byName.values()];
}

const names = Object.keys(subcommands);

export const gitCommand = defineCommand({
  name: 'git',
  summary: 'to and from Git: export (a fast-import stream), mirror (a bare Git repository), import (from Git)',
  usage: Object.values(subcommands).map((s, i) => `${i === 0 ? '' : '       edgesync '}git ${s.usage}`).join('\n'),
  description: Object.values(subcommands).map((s) => s.description).filter(Boolean).join('\n\n'),
  options: allOptions(),
  run(ctx) {
    const sub = ctx.args.positional[0];
    const s = sub ? subcommands[sub] : undefined;
    if (!s) throw new UsageError(sub ? `unknown git subcommand "${sub}"` : `which one: ${names.join(', ')}?`);
    return s.run(ctx as CommandContext);
  },
});
