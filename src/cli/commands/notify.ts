/**
 * `edgesync notify`: durable two-way messages between people and agents on the hub's mesh
 * (`notify.<project>.<thread8>`, kept by the hub's JetStream), compatible with the Go peers.
 */
import { UsageError } from '../args.ts';
import { defineCommand } from '../command.ts';
import { DEFAULT_NATS, notifyOptions, type NotifyContext } from './notify-common.ts';
import { notifyLog, notifyThreads, notifyWho } from './notify-read.ts';
import { notifyAsk, notifySend } from './notify-send.ts';
import { notifyWatch } from './notify-watch.ts';

/** Each subcommand's own --help (`notify watch --help`): its usage, what it does, its options. */
const CONNECT = ['nats', 'user', 'password', 'token', 'project', 'name'];
const subHelp: Record<string, { usage: string; summary: string; description?: string; options: string[] }> = {
  send: { usage: 'notify send --project P [--thread T] [--priority info|action_required|urgent] [--actions a,b] [--reply-to MSG] [--action-response] [--media NAME] BODY', summary: 'post a message: a new thread, or continue one (--thread: its id or first 8+ hex digits)', options: [...CONNECT, 'thread', 'priority', 'actions', 'reply-to', 'action-response', 'media'] },
  ask: { usage: 'notify ask --project P [--thread T] [--actions a,b] [--timeout S] BODY', summary: 'post a question and wait for the first answer from someone else in its thread', description: 'Prints the answer (an action\'s id when an action was tapped); exit 2 when none came within --timeout.', options: [...CONNECT, 'thread', 'priority', 'actions', 'timeout'] },
  watch: { usage: 'notify watch --project P [--thread T] [--new-only] [--count N]', summary: 'print what this device has not seen yet (everything, on first use), then live messages, each once and in order', description: 'What it has seen is remembered in notify-state.json under $EDGESYNC_CONFIG_DIR (default ~/.config/edgesync).', options: [...CONNECT, 'thread', 'new-only', 'count'] },
  threads: { usage: 'notify threads --project P', summary: 'list the project\'s threads', options: CONNECT },
  log: { usage: 'notify log --project P THREAD', summary: 'print one thread\'s messages', options: CONNECT },
  who: { usage: 'notify who --project P [--wait MS]', summary: 'list who is online in the project', options: [...CONNECT, 'wait'] },
};

const subcommands: Record<string, (ctx: NotifyContext) => Promise<number>> = {
  send: notifySend,
  ask: notifyAsk,
  watch: notifyWatch,
  threads: notifyThreads,
  log: notifyLog,
  who: notifyWho,
};

export const notifyCommand = defineCommand({
  name: 'notify',
  summary: 'messages between people and agents: send, ask, watch, threads, log, who',
  usage: [
    'notify send --project P [--thread T] [--priority info|action_required|urgent] [--actions a,b] BODY',
    '       edgesync notify ask --project P [--thread T] [--actions a,b] [--timeout S] BODY   (exit 2 on timeout)',
    '       edgesync notify watch --project P [--thread T] [--new-only] [--count N]',
    '       edgesync notify threads --project P',
    '       edgesync notify log --project P THREAD',
    '       edgesync notify who --project P',
  ].join('\n'),
  description: [
    `Every subcommand takes --nats URL (default $EDGESYNC_NATS or ${DEFAULT_NATS}); NATS credentials go`,
    'in the URL (nats://USER:PW@HOST:PORT, nats://TOKEN@HOST:PORT) or in --user/--password/--token.',
    'Messages are kept by the hub (a JetStream stream over notify.>), so nothing sent while a device',
    'is away is lost. `watch` prints what this device has not seen yet, then live messages; what it',
    'has seen is remembered in notify-state.json under $EDGESYNC_CONFIG_DIR (default ~/.config/edgesync).',
    '`ask` prints the first answer in its thread from someone else (an action\'s id when an action',
    'was tapped). --actions takes ids, each optionally with a label: approve:Approve it,reject.',
  ].join('\n'),
  options: notifyOptions,
  subcommandHelp(positional) {
    const h = positional[0] ? subHelp[positional[0]] : undefined;
    if (!h) return undefined;
    return { usage: h.usage, summary: h.summary, description: h.description, options: notifyOptions.filter((o) => h.options.includes(o.name)) };
  },
  async run(ctx) {
    const sub = ctx.args.positional[0];
    const fn = sub ? subcommands[sub] : undefined;
    if (!fn) throw new UsageError(sub ? `unknown notify subcommand "${sub}"` : 'which one: send, ask, watch, threads, log or who?');
    return fn(ctx);
  },
});
