/**
 * The conversation view of a notify project: messages grouped into threads, in stream order,
 * each id once, with unread counts against a per-device read mark (the last stream sequence read
 * in each thread). Used by the CLI's `threads`/`log` and by the browser worker alike.
 */
import { SeenIds } from './dedup.ts';
import { priorityOf, type NotifyMessage, type Priority } from './message.ts';

export interface StoredMessage {
  seq: number;
  message: NotifyMessage;
}

export interface ThreadSummary {
  thread: string;
  /** The thread's first message (its subject line). */
  first: NotifyMessage;
  last: NotifyMessage;
  lastSeq: number;
  count: number;
  unread: number;
  /** The highest priority among unread messages, or of the first message when all are read. */
  priority: Priority;
  /** An open question: the newest message with actions that has no answer yet. */
  pendingAction?: NotifyMessage;
}

const RANK: Record<Priority, number> = { info: 0, action_required: 1, urgent: 2 };

export class ThreadBook {
  private readonly byThread = new Map<string, StoredMessage[]>();
  private readonly seen: SeenIds;
  lastSeq = 0;

  constructor(limit = 20_000) {
    this.seen = new SeenIds(limit);
  }

  /** Adds a message; false when its id was already here (a duplicate is never shown twice). */
  add(s: StoredMessage): boolean {
    this.lastSeq = Math.max(this.lastSeq, s.seq);
    if (!this.seen.add(s.message.id)) return false;
    let list = this.byThread.get(s.message.thread);
    if (!list) this.byThread.set(s.message.thread, (list = []));
    list.push(s);
    // Arrival is in stream order; a message added from a local outbox may carry a guess, so keep sorted.
    if (list.length > 1 && list[list.length - 2]!.seq > s.seq) list.sort((a, b) => a.seq - b.seq);
    return true;
  }

  has(id: string): boolean {
    return this.seen.has(id);
  }

  messages(thread: string): StoredMessage[] {
    return this.byThread.get(thread) ?? [];
  }

  all(): StoredMessage[] {
    return [...this.byThread.values()].flat().sort((a, b) => a.seq - b.seq);
  }

  /** Resolve a thread given in full, as its 32 hex, or by a prefix of them. */
  findThread(text: string): string | undefined {
    const want = text.startsWith('thread-') ? text : `thread-${text}`;
    if (this.byThread.has(want)) return want;
    const hits = [...this.byThread.keys()].filter((t) => t.startsWith(want));
    return hits.length === 1 ? hits[0] : undefined;
  }

  /** Threads, the most recently active first. `read` maps a thread to its last read sequence. */
  threads(read: Record<string, number> = {}, self?: string): ThreadSummary[] {
    const out: ThreadSummary[] = [];
    for (const [thread, list] of this.byThread) {
      if (!list.length) continue;
      const mark = read[thread] ?? 0;
      const unreadList = list.filter((s) => s.seq > mark && s.message.from !== self);
      const answered = new Set(list.filter((s) => s.message.reply_to).map((s) => s.message.reply_to!));
      const pending = [...list].reverse().find((s) => s.message.actions?.length && !answered.has(s.message.id));
      const ranked = unreadList.length ? unreadList : [list[0]!];
      const priority = ranked.map((s) => priorityOf(s.message)).reduce((a, b) => (RANK[b] > RANK[a] ? b : a), 'info' as Priority);
      const last = list[list.length - 1]!;
      const t: ThreadSummary = { thread, first: list[0]!.message, last: last.message, lastSeq: last.seq, count: list.length, unread: unreadList.length, priority };
      if (pending) t.pendingAction = pending.message;
      out.push(t);
    }
    return out.sort((a, b) => b.lastSeq - a.lastSeq);
  }
}
