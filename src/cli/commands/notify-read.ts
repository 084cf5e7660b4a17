/**
 * `notify threads`, `notify log` and `notify who`: read the project's stored messages (from the
 * hub's stream, not from this device's cursor, so they never mark anything seen) and presence.
 */
import { UsageError } from '../args.ts';
import { messageLine } from '../../notify/format.ts';
import { messageJson, priorityOf, threadShort } from '../../notify/message.ts';
import { notifyPresence } from '../../notify/presence.ts';
import { readStored } from '../../notify/stream.ts';
import { ThreadBook } from '../../notify/threads.ts';
import { openSession, type NotifySession, type NotifyContext } from './notify-common.ts';

async function book(s: NotifySession, thread?: string): Promise<ThreadBook> {
  const b = new ThreadBook();
  for (const e of await readStored(s.n, { project: s.project, thread, fromSeq: 1 })) if (e.message) b.add({ seq: e.seq, message: e.message });
  return b;
}

export async function notifyThreads(ctx: NotifyContext): Promise<number> {
  const s = await openSession(ctx);
  try {
    const threads = (await book(s)).threads({}, s.self.id);
    if (ctx.args.options.json) {
      ctx.stdout(JSON.stringify(threads.map((t) => ({ thread: t.thread, count: t.count, last_seq: t.lastSeq, first: JSON.parse(messageJson(t.first)), last: JSON.parse(messageJson(t.last)), pending_action: t.pendingAction?.id ?? null }))));
      return 0;
    }
    if (!threads.length) ctx.stdout(`no messages in project ${s.project}`);
    for (const t of threads) {
      const p = priorityOf(t.first);
      const open = t.pendingAction ? '  (waiting for an answer)' : '';
      ctx.stdout(`${threadShort(t.thread)}  ${String(t.count).padStart(4)} msg  ${t.last.timestamp}  ${p === 'info' ? '' : `[${p}] `}${t.first.from_name || t.first.from}: ${oneLine(t.first.body)}${open}`);
    }
    return 0;
  } finally {
    await s.close();
  }
}

function oneLine(s: string, max = 70): string {
  const l = s.replace(/\s+/g, ' ').trim();
  return l.length > max ? `${l.slice(0, max - 1)}…` : l;
}

export async function notifyLog(ctx: NotifyContext): Promise<number> {
  const want = ctx.args.positional[1];
  if (!want) throw new UsageError('which THREAD? (its id or first 8 hex digits; see notify threads)');
  const s = await openSession(ctx);
  try {
    const b = await book(s, threadShort(want));
    const thread = b.findThread(want.replace(/^thread-/, ''));
    if (!thread) throw new Error(`no thread ${want} in project ${s.project}`);
    for (const { message } of b.messages(thread)) ctx.stdout(ctx.args.options.json ? messageJson(message) : messageLine(message));
    return 0;
  } finally {
    await s.close();
  }
}

export async function notifyWho(ctx: NotifyContext): Promise<number> {
  const s = await openSession(ctx);
  try {
    const p = notifyPresence(s.nc, s.project, undefined);
    p.start();
    await new Promise((r) => setTimeout(r, Number(ctx.args.options.wait ?? 1000)));
    const peers = p.peers();
    p.stop();
    if (ctx.args.options.json) ctx.stdout(JSON.stringify(peers.map((x) => ({ peer_id: x.peer_id, name: x.name, kind: x.kind }))));
    else if (!peers.length) ctx.stdout(`nobody is online in ${s.project}`);
    else for (const x of peers) ctx.stdout(`${x.name} (${x.kind}, ${x.peer_id})`);
    return 0;
  } finally {
    await s.close();
  }
}
