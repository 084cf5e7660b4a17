/**
 * `edgesync git`: bridges between Git and Fossil. Each subcommand lives in its own file and
 * brings its usage and options; this file only dispatches.
 */
import { UsageError, type OptionSpec } from '../args.ts';
import { defineCommand, type CommandContext } from '../command.ts';
import { gitImport } from './git-import.ts';

export interface GitSubcommand {
  /** Usage after `edgesync git `. */
  usage: string;
  options: readonly OptionSpec[];
  description?: string;
  /** ctx.args.positional[0] is the subcommand's name. */
  run(ctx: CommandContext): Promise<number | void> | number | void;
}

const subcommands: Record<string, GitSubcommand> = {
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
  summary: `between Git and Fossil: ${names.join(', ')}`,
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
