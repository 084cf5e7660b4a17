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
  async run(ctx) {
    const sub = ctx.args.positional[0];
    const fn = sub ? subcommands[sub] : undefined;
    if (!fn) throw new UsageError(sub ? `unknown notify subcommand "${sub}"` : 'which one: send, ask, watch, threads, log or who?');
    return fn(ctx);
  },
});
