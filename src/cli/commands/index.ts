/** Every `edgesync` subcommand, in the order `edgesync --help` lists them. */
import type { Command } from '../command.ts';

export const commands: Command[] = [];
