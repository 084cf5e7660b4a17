/**
 * Durable notify delivery over JetStream, shared by the CLI (TCP) and the browser worker
 * (WebSocket). One stream per hub keeps every `notify.>` message, so a peer that was away reads
 * what it missed from the stream sequence after the last one it saw. The stream is created
 * idempotently by whoever needs it first. Only nats-server 2.9 features are used: one filter
 * subject per consumer, stream message get by subject.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { encodeMessage, parseMessage, type NotifyMessage } from './message.ts';
import { filterSubject, messageSubject, NOTIFY_ROOT, NOTIFY_STREAM } from './subjects.ts';

const NS_PER_MS = 1_000_000;

/** JetStream's client, loaded by the first notify operation (most commands never need it). */
const jetstreamLib = () => import('@nats-io/jetstream');
const DAY_MS = 86_400_000;

/** The stream's limits: three months of messages, at most 1 GiB, messages up to 1 MiB. */
export const STREAM_LIMITS = {
  maxAgeMs: 90 * DAY_MS,
  maxBytes: 1024 * 1024 * 1024,
  maxMsgSize: 1024 * 1024,
  /** Republishing the same id within this window is stored once. */
  duplicateWindowMs: 10 * 60_000,
};

/** One received stream entry: the message, or why it was dropped (a foreign or broken body). */
export interface StreamEntry {
  seq: number;
  subject: string;
  message?: NotifyMessage;
  error?: string;
}

export interface NotifyJs {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
}

/**
 * The JetStream handles for notify on a connection, the stream made when it is missing
 * (`replicas`: its copies then, each kept on another node of a cluster).
 */
export async function openNotifyJs(nc: NatsConnection, opts: { timeoutMs?: number; replicas?: number; electionMs?: number } = {}): Promise<NotifyJs> {
  const timeout = opts.timeoutMs ?? 5000;
  const { jetstream, jetstreamManager } = await jetstreamLib();
  // A cluster that just lost or regained a node may be electing JetStream's leader: its API then
  // times out for a few seconds (a hub with no JetStream at all says so at once: no responders).
  const until = Date.now() + (opts.electionMs ?? 30_000);
  for (let attempt = 0; ; attempt++) {
    let jsm: JetStreamManager;
    try {
      jsm = await jetstreamManager(nc, { timeout });
    } catch (e) {
      if (!isTimeout(e) || Date.now() > until) {
        throw new Error(`the hub has no JetStream (start it with edgesync hub, or nats-server -js): ${(e as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, Math.min(2000, 200 * 2 ** attempt)));
      continue;
    }
    try {
      const stream = await ensureNotifyStream(jsm, opts.replicas);
      return { nc, js: jetstream(nc, { timeout }), jsm, stream };
    } catch (e) {
      if (!isTimeout(e) || Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, Math.min(2000, 200 * 2 ** attempt)));
    }
  }
}

/** JetStream is there but busy (electing a leader, a node rejoining): worth asking again. */
function isTimeout(e: unknown): boolean {
  const err = e as { name?: string; message?: string };
  return err?.name === 'TimeoutError' || /timeout|timed out|temporarily unavailable|jetstream is not enabled/i.test(err?.message ?? '');
}

export async function ensureNotifyStream(jsm: JetStreamManager, replicas = 1): Promise<string> {
  const subject = `${NOTIFY_ROOT}.>`;
  const { DiscardPolicy, RetentionPolicy, StorageType } = await jetstreamLib();
  try {
    await jsm.streams.info(NOTIFY_STREAM);
    return NOTIFY_STREAM;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  try {
    await jsm.streams.add({
      name: NOTIFY_STREAM,
      subjects: [subject],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: STREAM_LIMITS.maxAgeMs * NS_PER_MS,
      max_bytes: STREAM_LIMITS.maxBytes,
      max_msg_size: STREAM_LIMITS.maxMsgSize,
      duplicate_window: STREAM_LIMITS.duplicateWindowMs * NS_PER_MS,
      num_replicas: replicas,
    });
    return NOTIFY_STREAM;
  } catch (e) {
    // Another peer made it at the same moment, or an operator keeps notify.> in a stream of
    // their own: either way use the stream that holds the subjects.
    return await jsm.streams.find(subject).catch(() => {
      throw e;
    });
  }
}

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; code?: number; message?: string; api_error?: { code?: number } };
  return err?.name === 'StreamNotFoundError' || err?.api_error?.code === 404 || /not found/i.test(err?.message ?? '');
}

export interface PublishResult {
  seq: number;
  /** The stream already had this id (a retry): stored once. */
  duplicate: boolean;
}

/**
 * Publish and wait for the stream to store it; the id doubles as `Nats-Msg-Id` for dedup. On a
 * cluster that just lost a node the stream may be electing a new leader for a few seconds: the
 * publish is tried again meanwhile, and the id makes a retry of a message that was stored after
 * all come back as a duplicate, never a second copy.
 */
export async function publishMessage(n: NotifyJs, m: NotifyMessage, retryForMs = 30_000): Promise<PublishResult> {
  const until = Date.now() + retryForMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const ack = await n.js.publish(messageSubject(m.project, m.thread), encodeMessage(m), {
        msgID: m.id,
        expect: { streamName: n.stream },
      });
      return { seq: ack.seq, duplicate: ack.duplicate };
    } catch (e) {
      if (!isNotStoredYet(e) || Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
    }
  }
}

/** The stream did not answer (no leader yet, or it timed out): the message may be tried again. */
function isNotStoredYet(e: unknown): boolean {
  const err = e as { name?: string; code?: string | number; message?: string };
  return err?.name === 'TimeoutError' || err?.name === 'NoRespondersError' || String(err?.code) === '503' ||
    /timeout|no responders|temporarily unavailable/i.test(err?.message ?? '');
}

export function toEntry(m: JsMsg): StreamEntry {
  try {
    return { seq: m.seq, subject: m.subject, message: parseMessage(m.data) };
  } catch (e) {
    return { seq: m.seq, subject: m.subject, error: (e as Error).message };
  }
}

export interface ReadOptions {
  project: string;
  thread?: string;
  /** The first stream sequence to read (1 = everything kept). */
  fromSeq: number;
}

/**
 * Everything stored for the project (or thread) from `fromSeq` on, up to what the stream held
 * when asked: an ephemeral consumer says how many messages are pending, and exactly that many
 * are fetched, so an empty range answers at once.
 */
export async function readStored(n: NotifyJs, o: ReadOptions): Promise<StreamEntry[]> {
  const { AckPolicy, DeliverPolicy } = await jetstreamLib();
  const ci = await n.jsm.consumers.add(n.stream, {
    filter_subject: filterSubject(o.project, o.thread),
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: Math.max(1, o.fromSeq),
    ack_policy: AckPolicy.None,
    inactive_threshold: 30_000 * NS_PER_MS,
    mem_storage: true,
  });
  const out: StreamEntry[] = [];
  try {
    const c = await n.js.consumers.get(n.stream, ci.name);
    let left = ci.num_pending;
    while (left > 0) {
      const batch = await c.fetch({ max_messages: Math.min(left, 500), expires: 5000 });
      let got = 0;
      for await (const m of batch) {
        out.push(toEntry(m));
        got++;
      }
      if (got === 0) break;
      left -= got;
    }
  } finally {
    await n.jsm.consumers.delete(n.stream, ci.name).catch(() => undefined);
  }
  return out;
}

export interface Follower {
  stop(): void;
  /** Resolves when following ended (stopped, or the connection closed). */
  done: Promise<void>;
}

/**
 * Every message from `fromSeq` on (or only new ones), in stream order, stored ones first, then
 * live. An ordered consumer: the client recreates it after a reconnect from the last sequence it
 * delivered, so nothing is skipped or repeated across hub restarts and network loss.
 */
export async function followStream(
  n: NotifyJs,
  o: ReadOptions & { newOnly?: boolean; livenessMs?: number },
  onEntry: (e: StreamEntry) => void | Promise<void>,
): Promise<Follower> {
  const { DeliverPolicy } = await jetstreamLib();
  const c = await n.js.consumers.get(n.stream, {
    filter_subjects: filterSubject(o.project, o.thread),
    ...(o.newOnly
      ? { deliver_policy: DeliverPolicy.New }
      : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Math.max(1, o.fromSeq) }),
  });
  let msgs: ConsumerMessages | undefined;
  let stopped = false;
  msgs = await c.consume({ max_messages: 256 });
  const done = (async () => {
    for await (const m of msgs) {
      if (stopped) break;
      await onEntry(toEntry(m));
    }
  })().catch(() => undefined);
  // With livenessMs, ask the server now and then whether the consumer is still there: one kept
  // on a cluster node that died is gone, and the client may not notice for a long while. Its
  // end ends the following (the caller follows again from where it was).
  let alive: ReturnType<typeof setInterval> | undefined;
  if (o.livenessMs) {
    alive = setInterval(() => {
      void c.info(false).catch(() => {
        if (stopped) return;
        void msgs?.close().catch(() => undefined);
      });
    }, o.livenessMs);
    void done.then(() => clearInterval(alive));
  }
  return {
    stop() {
      stopped = true;
      if (alive) clearInterval(alive);
      void msgs?.close().catch(() => undefined);
    },
    done,
  };
}

/** The newest message stored on a thread's subject (to continue a thread known by 8 hex digits). */
export async function lastOnThread(n: NotifyJs, project: string, thread: string): Promise<StreamEntry | undefined> {
  try {
    const sm = await n.jsm.streams.getMessage(n.stream, { last_by_subj: messageSubject(project, thread) });
    if (!sm) return undefined;
    try {
      return { seq: sm.seq, subject: sm.subject, message: parseMessage(sm.data) };
    } catch (e) {
      return { seq: sm.seq, subject: sm.subject, error: (e as Error).message };
    }
  } catch {
    return undefined;
  }
}
