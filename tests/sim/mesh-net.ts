/**
 * An in-memory NATS for the mesh simulation: subjects with `*` and `>`, queue groups, request and
 * reply with inboxes, headers, no-responders and timeouts, and each connection's subject
 * permissions exactly as the hub writes them (src/nats/hub-permissions.ts): a publish or
 * subscription the permissions refuse is dropped and recorded, as nats-server does. Everything
 * runs on a virtual clock and a seeded generator, so a run is a function of its seed.
 */
import { BusError, headersOf, type BusMessage, type BusStatus, type BusSubscription, type MeshBus } from '../../src/mesh/bus.ts';
import type { Clock } from '../../src/mesh/clock.ts';
import { allows, subjectMatches, type SubjectPermissions } from '../../src/nats/hub-permissions.ts';
import type { Prng } from './prng.ts';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  every?: number;
  cancelled?: boolean;
}

/** Virtual time: timers run only when the simulation advances the clock. */
export class VirtualClock implements Clock {
  private t = Date.parse('2026-01-01T00:00:00Z');
  private seq = 0;
  private timers: Timer[] = [];

  now(): number {
    return this.t;
  }

  private add(fn: () => void, ms: number, every?: number): () => void {
    const timer: Timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, every };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  setTimeout(fn: () => void, ms: number): () => void {
    return this.add(fn, ms);
  }

  setInterval(fn: () => void, ms: number): () => void {
    return this.add(fn, ms, Math.max(1, ms));
  }

  sleep(ms: number): Promise<void> {
    return new Promise((r) => this.add(r, ms));
  }

  /** Run every timer due up to now + ms, in time order, letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      this.timers = this.timers.filter((x) => !x.cancelled);
      const next = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.t = Math.max(this.t, next.at);
      if (next.every) next.at = this.t + next.every;
      else next.cancelled = true;
      next.fn();
    }
    this.t = end;
    await settle();
  }
}

/** Run the clock until the promise settles (a sync in simulation needs time to pass). */
export async function drive<T>(clock: VirtualClock, p: Promise<T>, stepMs = 20, maxMs = 30 * 60_000): Promise<T> {
  let settled = false;
  const watched = p.finally(() => {
    settled = true;
  });
  watched.catch(() => undefined);
  for (let spent = 0; !settled && spent < maxMs; spent += stepMs) await clock.advance(stepMs);
  if (!settled) throw new Error(`still not done after ${maxMs} ms of simulated time`);
  return watched;
}

/** Let every promise chain that can move, move (the engine's work is synchronous between awaits). */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}

interface Sub {
  conn: SimConnection;
  pattern: string;
  queue?: string;
  fn: (m: BusMessage) => void;
  closed: boolean;
}

export class SimNet {
  readonly subs: Sub[] = [];
  /** Permission violations, as the server would report them. */
  readonly violations: string[] = [];
  private inbox = 0;

  constructor(
    readonly clock: VirtualClock,
    readonly rng: Prng,
    readonly maxPayload = 1024 * 1024,
  ) {}

  connect(user: string | undefined, perms: SubjectPermissions | undefined): SimConnection {
    return new SimConnection(this, user, perms);
  }

  nextInbox(user: string | undefined): string {
    return `_INBOX.${user ?? 'anon'}.${++this.inbox}`;
  }

  /** Deliver a message to matching subscribers: each plain one, and one member per queue group. */
  deliver(subject: string, data: Uint8Array, headers: Record<string, string> | undefined, replyTo: string | undefined): number {
    const live = this.subs.filter((s) => !s.closed && subjectMatches(s.pattern, subject));
    const targets: Sub[] = live.filter((s) => !s.queue);
    const groups = new Map<string, Sub[]>();
    for (const s of live) if (s.queue) groups.set(s.queue, [...(groups.get(s.queue) ?? []), s]);
    for (const members of groups.values()) targets.push(this.rng.pick(members));
    for (const s of targets) {
      const msg: BusMessage = {
        subject,
        data: data.slice(),
        headers: headersOf(headers),
        replyTo,
        respond: (d, h) => {
          if (!replyTo) return false;
          // allow_responses: a reply to a request this connection received.
          if (!s.conn.perms || s.conn.perms.allowResponses || allows(s.conn.perms, 'publish', replyTo)) this.publish(replyTo, d, h, undefined);
          else this.violations.push(`${s.conn.user}: response to ${replyTo}`);
          return true;
        },
      };
      // A little latency, drawn from the seed, so messages interleave differently per run.
      this.clock.setTimeout(() => {
        if (!s.closed) s.fn(msg);
      }, 1 + this.rng.int(5));
    }
    return targets.length;
  }

  publish(subject: string, data: Uint8Array, headers: Record<string, string> | undefined, replyTo: string | undefined): number {
    return this.deliver(subject, data, headers, replyTo);
  }
}

export class SimConnection implements MeshBus {
  private closed = false;

  constructor(
    private readonly net: SimNet,
    readonly user: string | undefined,
    readonly perms: SubjectPermissions | undefined,
  ) {}

  get maxPayload(): number {
    return this.net.maxPayload;
  }

  publish(subject: string, data: Uint8Array): void {
    if (this.closed) return;
    if (!allows(this.perms, 'publish', subject)) {
      this.net.violations.push(`${this.user}: publish to ${subject}`);
      return;
    }
    this.net.publish(subject, data, undefined, undefined);
  }

  subscribe(pattern: string, fn: (m: BusMessage) => void, opts: { queue?: string } = {}): BusSubscription {
    const refused = !allows(this.perms, 'subscribe', pattern);
    const sub: Sub = { conn: this, pattern, queue: opts.queue, fn, closed: refused };
    if (refused) this.net.violations.push(`${this.user}: subscription to ${pattern}`);
    else this.net.subs.push(sub);
    return {
      unsubscribe: () => {
        sub.closed = true;
      },
      refusal: refused ? new Error(`Permissions Violation for Subscription to "${pattern}"`) : undefined,
    };
  }

  request(subject: string, data: Uint8Array, opts: { timeoutMs: number; headers?: Record<string, string> }): Promise<BusMessage> {
    if (!allows(this.perms, 'publish', subject)) {
      this.net.violations.push(`${this.user}: request to ${subject}`);
      return Promise.reject(new BusError('refused', `the hub does not let this user request ${subject}`));
    }
    const inbox = this.net.nextInbox(this.user);
    return new Promise((resolve, reject) => {
      let done = false;
      const sub = this.subscribe(inbox, (m) => {
        if (done) return;
        done = true;
        sub.unsubscribe();
        cancel();
        resolve(m);
      });
      const cancel = this.net.clock.setTimeout(() => {
        if (done) return;
        done = true;
        sub.unsubscribe();
        reject(new BusError('timeout', `no reply on ${subject} in time`));
      }, opts.timeoutMs);
      const n = this.net.publish(subject, data, opts.headers, inbox);
      if (n === 0) {
        done = true;
        sub.unsubscribe();
        cancel();
        reject(new BusError('no-responders', `no responder on ${subject}`));
      }
    });
  }

  async flush(): Promise<void> {
    // Refusals are known at once here.
  }

  onStatus(_fn: (s: BusStatus) => void): () => void {
    return () => undefined;
  }

  isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    for (const s of this.net.subs) if (s.conn === this) s.closed = true;
  }
}
