#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=4
/** `edgesync`: the command-line face over the EdgeSync core. Argument parsing and printing only. */
import { setFlagsFromString } from 'node:v8';
import { codeOf } from '../errors.ts';
import { installNodePlatform } from '../platform/node.ts';
import { formatOptions, parseArgs, UsageError, type OptionSpec } from './args.ts';
import type { Command } from './command.ts';
import { commands } from './commands/index.ts';

/**
 * V8 lets its heap grow to several times what is live before it collects, which suits programs
 * that keep much; ours stream a repository through (a clone, a rebuild, a server answering a
 * clone) and keep little, so that slack was a third of their peak memory. Growing by a fifth of
 * what is live cut a rebuild of the 60k-artifact history from 338 to 237 MB, for some more time
 * spent collecting.
 * The flag has been in V8 for years; it is set only on the Node versions it was measured on.
 */
/*
 * The young generation's size can only be set when V8 starts, hence the first line: 4 MiB
 * semi-spaces (instead of up to 16) collect the short-lived buffers of a clone sooner. Measured
 * on a clone of the 60k-artifact history: 213 MB peak instead of 256, about the same time (2 MiB
 * saved little more and cost a quarter more time). It applies when `edgesync` is run as a
 * program (as npm installs it), not as `node dist/cli/main.js`.
 * So does MALLOC_ARENA_MAX=2, for glibc's malloc (Node's buffers, SQLite's pages): each thread
 * that allocates (the hashing thread, libuv's pool) otherwise gets an arena of its own, whose
 * freed memory no other thread reuses. The same clone peaked at 198-199 MB instead of 215-217,
 * no slower (51 s twice, against 54-60). Other C libraries ignore the variable.
 * MALLOC_MMAP_THRESHOLD_ keeps glibc's own default (128 KiB) but stops it from rising: glibc
 * raises it to the size of each large block freed, up to 32 MiB, so that after the first few
 * multi-megabyte buffers a clone's later ones came from the heap, where freed space stays
 * resident between smaller blocks. The same clone peaked at 192-199 MB instead of 212-214, no
 * slower (49-52 s against 54-64 on the same busy machine).
 */
const nodeMajor = Number(process.versions.node.split('.')[0]);
if (nodeMajor >= 20 && nodeMajor <= 24) setFlagsFromString('--heap-growing-percent=20');

/** Said after a failure of this computer's storage, which a sync's message must not leave to doubt. */
const LOCAL_STORAGE_NOTE = "This is a problem with this computer's storage (disk full, read only or failing), not with any peer; the step that failed left the repository as it was.";

const helpOption: OptionSpec = { name: 'help', short: 'h', type: 'boolean', help: 'show help for this command' };

/** The list of commands with their summaries (the one place every command's code is loaded). */
async function overview(): Promise<string> {
  const all = await Promise.all(commands.map((c) => c.load()));
  const w = Math.max(...all.map((c) => c.name.length));
  return [
    'edgesync: Fossil repositories anywhere, synced over NATS and HTTP.',
    '',
    'Usage: edgesync COMMAND [OPTIONS] [ARGS]',
    '',
    'Commands:',
    ...all.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    'Run `edgesync COMMAND --help` for the options of a command.',
  ].join('\n');
}

function commandHelp(c: Command): string {
  const lines = [`Usage: edgesync ${c.usage}`, '', c.summary];
  if (c.description) lines.push('', c.description);
  lines.push('', 'Options:', formatOptions([...c.options, helpOption]));
  return lines.join('\n');
}

/** Output into a closed pipe (`edgesync timeline | head`) ends the command quietly, as it does for fossil. */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

export async function main(argv: readonly string[]): Promise<number> {
  installNodePlatform();
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  const out = (s: string) => void process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
  const err = (s: string) => void process.stderr.write(s.endsWith('\n') ? s : `${s}\n`);
  const [name, ...rest] = argv;
  // No command at all is a mistake (as fossil treats it): the overview goes to stderr, exit 2.
  if (!name) {
    err(await overview());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    out(target ? commandHelp(await target.load()) : await overview());
    return 0;
  }
  if (name === '--version' || name === 'version') {
    out('edgesync 0.1.0');
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    err(`edgesync: unknown command "${name}"\n\n${await overview()}`);
    return 2;
  }
  const cmd = await entry.load();
  try {
    const args = parseArgs(rest, [...cmd.options, helpOption]);
    if (args.options.help) {
      const sub = cmd.subcommandHelp?.(args.positional);
      out(commandHelp(sub ? { ...cmd, ...sub, options: sub.options ?? cmd.options } : cmd));
      return 0;
    }
    const code = await cmd.run({ args, stdout: out, stderr: err, isTTY: Boolean(process.stdout.isTTY) });
    return code ?? 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`edgesync ${cmd.name}: ${e.message}\nUsage: edgesync ${cmd.usage}\nRun \`edgesync ${cmd.name} --help\` for details.`);
      return 2;
    }
    err(`edgesync ${cmd.name}: ${(e as Error).message}`);
    if (codeOf(e) === 'local-storage') err(LOCAL_STORAGE_NOTE);
    if (process.env.EDGESYNC_DEBUG) err(String((e as Error).stack));
    return 1;
  }
}

// A command is over when it returns: whatever it left running (a NATS client retrying a server
// that is not there, a timer) must not keep the process alive after its answer or its error.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`edgesync: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
