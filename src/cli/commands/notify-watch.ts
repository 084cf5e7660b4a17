/**
 * `notify watch`: first what this device has not seen yet (everything kept, on first use, unless
 * --new-only), then live messages, each once and in stream order. The device's cursor (last
 * sequence and recent ids) is saved after every message, so the next run starts where this one
 * stopped. While watching, this device is online in the project's presence.
 */
import { SeenIds } from '../../notify/dedup.ts';
import { messageLine } from '../../notify/format.ts';
import { messageJson, threadShort } from '../../notify/message.ts';
import { notifyPresence } from '../../notify/presence.ts';
import { NotifyStateFile } from '../../notify/read-state-file.ts';
import { followStream } from '../../notify/stream.ts';
import { openSession, untilSignal, type NotifyContext } from './notify-common.ts';

export async function notifyWatch(ctx: NotifyContext): Promise<number> {
  const o = ctx.args.options;
  const limit = o.count === undefined ? Infinity : Number(o.count);
  const s = await openSession(ctx);
  const stop = untilSignal();
  const thread = o.thread ? threadShort(String(o.thread)) : undefined;
  const key = NotifyStateFile.key(s.url.server, s.project, thread);
  const cursor = s.state.cursor(key);
  const seen = new SeenIds(10_000, cursor.ids);
  // A stream made anew (the hub's store was wiped) numbers from 1 again: start over, ids dedup.
  const last = (await s.n.jsm.streams.info(s.n.stream)).state.last_seq;
  let seq = cursor.seq > last ? 0 : cursor.seq;
  // --new-only on first use: from what the stream holds now on (nothing sent after this look is
  // missed, as it could be between the look and a consumer that delivers only new messages).
  if (o['new-only'] && seq === 0) seq = last;
  let printed = 0;
  let enough!: () => void;
  const done = new Promise<void>((r) => (enough = r));
  const presence = notifyPresence(s.nc, s.project, { peerId: s.self.id, name: `${s.self.name} (cli)`, kind: 'leaf', serves: [] });
  presence.start();
  try {
    if (limit <= 0) return 0;
    const onEntry = (e: { seq: number; subject: string; message?: Parameters<typeof messageLine>[0]; error?: string }) => {
      if (printed >= limit || e.seq <= seq) return;
      seq = e.seq;
      if (e.message && seen.add(e.message.id)) {
        ctx.stdout(o.json ? messageJson(e.message) : messageLine(e.message));
        printed++;
      } else if (e.error) {
        ctx.stderr(`skipped stream message ${e.seq} on ${e.subject}: ${e.error}`);
      }
      s.state.setCursor(key, { seq, ids: seen.newest(500) });
      s.state.save();
      if (printed >= limit) enough();
    };
    // Following can end by itself (its consumer lived on a cluster node that died): follow again
    // from where it was, as soon as the stream can make a consumer again.
    let quit = false;
    void Promise.race([done, stop.promise]).then(() => (quit = true));
    for (let failures = 0; !quit; ) {
      let f: Awaited<ReturnType<typeof followStream>>;
      try {
        f = await followStream(s.n, { project: s.project, thread, fromSeq: seq + 1, livenessMs: 3000 }, onEntry);
      } catch (e) {
        if (failures++ === 0) ctx.stderr(`following the stream: ${(e as Error).message}; trying again`);
        await new Promise((r) => setTimeout(r, Math.min(2000, 250 * failures)));
        continue;
      }
      failures = 0;
      const ended = await Promise.race([done.then(() => 'done'), stop.promise.then(() => 'stop'), f.done.then(() => 'ended')]);
      f.stop();
      if (ended !== 'ended') return 0;
      await new Promise((r) => setTimeout(r, 250));
    }
    return 0;
  } finally {
    stop.dispose();
    presence.stop();
    await s.close();
  }
}
