/**
 * Every tab of the web app works on the same repositories, yet only one worker can hold them (the
 * OPFS pool has one holder, and two writers would corrupt a file). So one worker leads (the one
 * that holds the storage lock) and runs every call; each other tab's worker follows: it sends
 * its page's calls to the leader over a broadcast channel and passes the leader's events on to
 * its page. When the leader's tab closes, another worker gets the lock and leads.
 *
 * A call the old leader may have started and never answered must not silently run twice:
 * - the leader acknowledges a request the moment it gets it, before running it;
 * - a call nobody acknowledged goes to the new leader (or runs here, when this worker leads now);
 * - an acknowledged call still unanswered runs again only when that is harmless (reads, and calls
 *   made to be repeated: `repeatable`); any other fails `owner-changed`, so the person checks.
 *
 * Nothing here knows of workers or BroadcastChannel (workers/tab-leader.ts wires those): the unit
 * tests drive it with in-process fake ports.
 */
import { CodedError, type ErrorCode } from '../errors.ts';
import { errorCodeOf, errorMessage } from './error-report.ts';

/** An error as it crosses the channel: structured clone keeps no `code`, so it travels as data. */
export interface WireError {
  name: string;
  message: string;
  code: ErrorCode;
}

export type LinkMessage =
  /** A worker that just started asks who leads. */
  | { kind: 'hello'; from: string }
  /** The leader, on taking the lead and in answer to `hello`; `since` orders leaders in time. */
  | { kind: 'leader'; from: string; since: number }
  | { kind: 'request'; from: string; to: string; id: string; path: string[]; args: unknown[] }
  | { kind: 'ack'; from: string; to: string; id: string }
  | { kind: 'reply'; from: string; to: string; id: string; value?: unknown; error?: WireError }
  | { kind: 'event'; from: string; event: unknown };

/** A channel every worker of the origin shares; `listen` gets what the others post, never its own. */
export interface LinkPort {
  post(m: LinkMessage): void;
  listen(fn: (m: LinkMessage) => void): void;
}

export type CallPath = readonly string[];

export interface LeaderLinkOptions<E> {
  port: LinkPort;
  /** The calls the leader runs: functions, and groups (objects) of functions, found by path. */
  api: object;
  /** Hand an event to this worker's own page. */
  deliver: (event: E) => void;
  /** May this call run again when the old leader may already have run it? */
  repeatable: (path: CallPath) => boolean;
  /** This worker's name on the channel (random by default). */
  id?: string;
}

interface Pending {
  path: string[];
  args: unknown[];
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  /** The leader it went to (none yet while no leader is known). */
  sentTo?: string;
  /** The leader that acknowledged it: from then on it may be running there. */
  ackedBy?: string;
}

export function ownerChanged(): CodedError {
  return new CodedError('owner-changed', 'The tab that held the repositories closed during this change; check it and try again.');
}

export class LeaderLink<E> {
  readonly id: string;
  private leader: string | undefined;
  private leaderSince = -Infinity;
  private leading = false;
  private readonly pending = new Map<string, Pending>();
  private seq = 0;

  constructor(private readonly opts: LeaderLinkOptions<E>) {
    this.id = opts.id ?? `w${Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('')}`;
    opts.port.listen((m) => this.receive(m));
    opts.port.post({ kind: 'hello', from: this.id });
  }

  /** Does this worker lead (hold the repositories)? */
  get isLeader(): boolean {
    return this.leading;
  }

  /** Run a call of the API: here when leading, else at the leader (once one is known). */
  call(path: CallPath, args: unknown[]): Promise<unknown> {
    if (this.leading) return this.runHere(path, args);
    return new Promise((resolve, reject) => {
      const id = `${this.id}.${++this.seq}`;
      const p: Pending = { path: [...path], args, resolve, reject };
      this.pending.set(id, p);
      if (this.leader !== undefined) this.send(id, p, this.leader);
    });
  }

  /** This worker got the lock: it leads from now on (until it ends), and says so. */
  lead(): void {
    if (this.leading) return;
    this.leading = true;
    this.leader = this.id;
    // Later than any leader this worker has seen, even within the same millisecond.
    this.leaderSince = Math.max(Date.now(), this.leaderSince + 1);
    this.announce();
    this.handOver(this.id);
  }

  /** An event of the leader: to its own page, and to every follower for theirs. */
  emit(event: E): void {
    this.opts.deliver(event);
    if (this.leading) this.post({ kind: 'event', from: this.id, event });
  }

  private receive(m: LinkMessage): void {
    switch (m.kind) {
      case 'hello':
        if (this.leading) this.announce();
        return;
      case 'leader':
        // A leader's message that trails its successor's (`since`) is old news.
        if (this.leading || m.from === this.leader || m.since < this.leaderSince) return;
        this.leader = m.from;
        this.leaderSince = m.since;
        this.handOver(m.from);
        return;
      case 'request':
        if (this.leading && m.to === this.id) this.serve(m);
        return;
      case 'ack': {
        const p = m.to === this.id ? this.pending.get(m.id) : undefined;
        if (p && p.sentTo === m.from) p.ackedBy = m.from;
        return;
      }
      case 'reply': {
        const p = m.to === this.id ? this.pending.get(m.id) : undefined;
        if (!p) return;
        this.pending.delete(m.id);
        if (m.error) p.reject(fromWire(m.error));
        else p.resolve(m.value);
        return;
      }
      case 'event':
        if (!this.leading && m.from === this.leader) this.opts.deliver(m.event as E);
        return;
    }
  }

  /**
   * A new leader (another worker, or this one): what the old one never acknowledged goes to it;
   * what it acknowledged and never answered goes too when it may run again, else fails.
   */
  private handOver(to: string): void {
    for (const [id, p] of [...this.pending]) {
      if (p.sentTo === to) continue;
      if (p.ackedBy !== undefined && !this.opts.repeatable(p.path)) {
        this.pending.delete(id);
        p.reject(ownerChanged());
      } else if (to === this.id) {
        this.pending.delete(id);
        this.runHere(p.path, p.args).then(p.resolve, p.reject);
      } else {
        this.send(id, p, to);
      }
    }
  }

  private send(id: string, p: Pending, to: string): void {
    p.sentTo = to;
    p.ackedBy = undefined;
    this.post({ kind: 'request', from: this.id, to, id, path: p.path, args: p.args });
  }

  private serve(m: Extract<LinkMessage, { kind: 'request' }>): void {
    // Acknowledged before anything runs: from here on the caller treats it as possibly made.
    this.post({ kind: 'ack', from: this.id, to: m.from, id: m.id });
    const reply = { kind: 'reply', from: this.id, to: m.from, id: m.id } as const;
    this.runHere(m.path, m.args).then(
      (value) => {
        try {
          this.opts.port.post({ ...reply, value });
        } catch (e) {
          // A value the channel cannot carry (a bug): the caller hears of it instead of waiting.
          this.post({ ...reply, error: toWire(e) });
        }
      },
      (e: unknown) => this.post({ ...reply, error: toWire(e) }),
    );
  }

  private announce(): void {
    this.post({ kind: 'leader', from: this.id, since: this.leaderSince });
  }

  private post(m: LinkMessage): void {
    try {
      this.opts.port.post(m);
    } catch {
      // A closed channel (the worker is ending): nobody is left to tell.
    }
  }

  /** Find the function at `path` in the API (own properties only) and call it on its group. */
  private async runHere(path: CallPath, args: unknown[]): Promise<unknown> {
    let self: unknown;
    let target: unknown = this.opts.api;
    for (const key of path) {
      if (typeof target !== 'object' || target === null || !Object.hasOwn(target, key)) {
        throw new CodedError('not-found', `The worker has no call ${path.join('.')}.`);
      }
      self = target;
      target = (target as Record<string, unknown>)[key];
    }
    if (typeof target !== 'function') throw new CodedError('not-found', `The worker has no call ${path.join('.')}.`);
    return (target as (...a: unknown[]) => unknown).apply(self, args);
  }
}

/**
 * The API a page sees, made from the real one: each function (top level or in a group) becomes a
 * call through `call`, by its path; `group` marks each group as the real one is (Comlink.proxy).
 */
export function forwardingApi<T extends object>(
  real: T,
  call: (path: CallPath, args: unknown[]) => Promise<unknown>,
  group: <G extends object>(g: G) => G = (g) => g,
): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(real)) {
    if (typeof value === 'function') {
      out[key] = (...args: unknown[]) => call([key], args);
    } else if (typeof value === 'object' && value !== null) {
      const calls: Record<string, unknown> = {};
      for (const [name, fn] of Object.entries(value)) {
        if (typeof fn === 'function') calls[name] = (...args: unknown[]) => call([key, name], args);
      }
      out[key] = group(calls);
    }
  }
  return out as T;
}

function toWire(e: unknown): WireError {
  return { name: e instanceof Error ? e.name : 'Error', message: errorMessage(e), code: errorCodeOf(e) };
}

function fromWire(w: WireError): Error {
  const e = new CodedError(w.code, w.message);
  e.name = w.name;
  return e;
}
