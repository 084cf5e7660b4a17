/** The shape every `edgesync` subcommand has: its help, its options, and a run function. */
import type { OptionSpec, ParsedArgs } from './args.ts';

export interface CommandContext {
  args: ParsedArgs;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** True when stdout is a terminal (progress output is shown only then). */
  isTTY: boolean;
}

export interface Command {
  name: string;
  summary: string;
  /** Usage line(s) after `edgesync`, e.g. 'info -R FILE [--json]'. */
  usage: string;
  /** Longer description shown by --help. */
  description?: string;
  options: readonly OptionSpec[];
  /**
   * Help for a subcommand (`notify watch --help`), by the positional arguments given with --help;
   * undefined for the command's own help.
   */
  subcommandHelp?(positional: readonly string[]): SubcommandHelp | undefined;
  /** Returns the exit code (0 when omitted). Throw UsageError for bad arguments, Error for failures. */
  run(ctx: CommandContext): Promise<number | void> | number | void;
}

/** What `--help` shows for one subcommand. */
export interface SubcommandHelp {
  usage: string;
  summary: string;
  description?: string;
  /** The options that apply to it (default: the command's). */
  options?: readonly OptionSpec[];
}

/** What an option parses to (args.ts): a list when repeatable, else its type. */
export type OptionValue<S extends OptionSpec> = S extends { repeat: true } ? string[] : S['type'] extends 'boolean' ? boolean : S['type'] extends 'number' ? number : string;

/** A command's parsed options, each by its name with the type its spec gives it. */
export type OptionsOf<Specs extends readonly OptionSpec[]> = { [S in Specs[number] as S['name']]?: OptionValue<S> };

export interface TypedContext<Specs extends readonly OptionSpec[]> extends Omit<CommandContext, 'args'> {
  args: { options: OptionsOf<Specs>; positional: string[] };
}

export interface TypedCommand<Specs extends readonly OptionSpec[]> extends Omit<Command, 'options' | 'run'> {
  options: Specs;
  run(ctx: TypedContext<Specs>): Promise<number | void> | number | void;
}

/**
 * A command whose run sees its options typed from its own option specs. parseArgs makes the
 * values from these very specs (unknown options are errors), which is what makes the types true.
 */
export function defineCommand<const Specs extends readonly OptionSpec[]>(c: TypedCommand<Specs>): Command {
  return { ...c, run: (ctx) => c.run(ctx as TypedContext<Specs>) };
}

/** Options many commands share. */
export const repoOption = { name: 'repository', short: 'R', type: 'string', value: 'FILE', help: 'the .fossil repository file' } as const satisfies OptionSpec;
export const jsonOption = { name: 'json', type: 'boolean', help: 'print data as JSON' } as const satisfies OptionSpec;
