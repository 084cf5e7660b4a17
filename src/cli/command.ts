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
  options: OptionSpec[];
  /** Returns the exit code (0 when omitted). Throw UsageError for bad arguments, Error for failures. */
  run(ctx: CommandContext): Promise<number | void> | number | void;
}

/** Options many commands share. */
export const repoOption: OptionSpec = { name: 'repository', short: 'R', type: 'string', value: 'FILE', help: 'the .fossil repository file' };
export const jsonOption: OptionSpec = { name: 'json', type: 'boolean', help: 'print data as JSON' };
