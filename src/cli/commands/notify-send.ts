/**
 * `notify send` and `notify ask`: publish one message into the project's stream (new thread, or
 * continue one); `ask` then waits for the first answer in that thread from someone else, prints
 * it (an action's id for a tapped action) and exits 0, or exits 2 when the time is up.
 */
import { UsageError } from '../args.ts';
import { messageJson, newMessage, parseActions, PRIORITIES, type NotifyMessage, type Priority } from '../../notify/message.ts';
import { followStream, lastOnThread, publishMessage } from '../../notify/stream.ts';
import { openSession, untilSignal, type NotifySession, type NotifyContext } from './notify-common.ts';

export const ASK_TIMEOUT_EXIT = 2;

async function resolveThread(s: NotifySession, text: string): Promise<string> {
  if (/^thread-[0-9a-f]{32}$/.test(text)) return text;
  if (/^[0-9a-f]{32}$/.test(text)) return `thread-${text}`;
  const short = text.replace(/^thread-/, '');
  if (!/^[0-9a-f]{8,32}$/.test(short)) throw new UsageError(`--thread wants a thread id (thread-<32 hex>) or at least its first 8 hex digits, got ${JSON.stringify(text)}`);
  const last = await lastOnThread(s.n, s.project, short);
  const thread = last?.message?.thread;
  if (!thread || !thread.startsWith(`thread-${short}`)) throw new Error(`no thread ${short} in project ${s.project}`);
  return thread;
}

function buildMessage(ctx: NotifyContext, s: NotifySession, thread: string | undefined): NotifyMessage {
  const o = ctx.args.options;
  const body = ctx.args.positional.slice(1).join(' ');
  if (!body) throw new UsageError('the message BODY is missing');
  const priority = o.priority as Priority | undefined; // checked below
  if (priority !== undefined && !PRIORITIES.includes(priority)) throw new UsageError(`--priority is one of ${PRIORITIES.join(', ')}`);
  return newMessage({
    project: s.project,
    from: s.self.id,
    fromName: s.self.name,
    body,
    thread,
    priority,
    actions: o.actions ? parseActions(String(o.actions)) : undefined,
    replyTo: o['reply-to'],
    media: o.media,
    actionResponse: Boolean(o['action-response']),
  });
}

export async function notifySend(ctx: NotifyContext): Promise<number> {
  const s = await openSession(ctx);
  try {
    const thread = ctx.args.options.thread ? await resolveThread(s, String(ctx.args.options.thread)) : undefined;
    const m = buildMessage(ctx, s, thread);
    const r = await publishMessage(s.n, m);
    if (ctx.args.options.json) ctx.stdout(JSON.stringify({ ...JSON.parse(messageJson(m)), seq: r.seq }));
    else ctx.stdout(`sent ${m.id} in ${m.thread} (stream seq ${r.seq})`);
    return 0;
  } finally {
    await s.close();
  }
}

/** The first message in the thread after ours that someone else wrote (a reply or a tapped action). */
export function isAnswer(m: NotifyMessage, question: NotifyMessage): boolean {
  return m.thread === question.thread && m.id !== question.id && m.from !== question.from && (!m.reply_to || m.reply_to === question.id);
}

export async function notifyAsk(ctx: NotifyContext): Promise<number> {
  const timeoutS = Number(ctx.args.options.timeout ?? 300);
  if (!(timeoutS > 0)) throw new UsageError('--timeout wants seconds > 0');
  const s = await openSession(ctx);
  const stop = untilSignal();
  try {
    const thread = ctx.args.options.thread ? await resolveThread(s, String(ctx.args.options.thread)) : undefined;
    const q = buildMessage(ctx, s, thread);
    if (!q.priority || q.priority === 'info') q.priority = 'action_required';
    const r = await publishMessage(s.n, q);
    ctx.stderr(`asked ${q.id} in ${q.thread}; waiting up to ${timeoutS} s for an answer`);
    let answer: NotifyMessage | undefined;
    let got!: () => void;
    const answered = new Promise<void>((res) => (got = res));
    const f = await followStream(s.n, { project: s.project, thread: q.thread, fromSeq: r.seq + 1 }, (e) => {
      if (!answer && e.message && isAnswer(e.message, q)) {
        answer = e.message;
        got();
      }
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([answered, stop.promise, new Promise<void>((res) => (timer = setTimeout(res, timeoutS * 1000)))]);
    clearTimeout(timer);
    f.stop();
    if (!answer) {
      ctx.stderr(`no answer to ${q.id} within ${timeoutS} s`);
      return ASK_TIMEOUT_EXIT;
    }
    if (ctx.args.options.json) ctx.stdout(messageJson(answer));
    else ctx.stdout(answer.body);
    return 0;
  } finally {
    stop.dispose();
    await s.close();
  }
}
