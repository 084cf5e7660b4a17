// What stops a clone and what bounds its waits: the jobs by project (a second request joins the
// running clone, Cancel reaches it by its project code), promises raced with a signal or a
// deadline, a transport whose exchanges fail `cancelled` once the signal fires, and the NATS
// transport that tells a hub serving no such project at once (virtual clock, no real time).
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../src/errors.ts';
import { CLONE_CONNECT_TIMEOUT_MS, CLONE_FIRST_CONTACT_MS, CloneJobs } from '../../src/peer/clone-jobs.ts';
import { cancellableTransport, raceSignal, withDeadline } from '../../src/peer/cancel.ts';
import { BusError, type BusMessage, type MeshBus } from '../../src/mesh/bus.ts';
import type { Clock } from '../../src/mesh/clock.ts';
import { NatsTransport } from '../../src/nats/client-transport.ts';
import { Subjects } from '../../src/nats/subjects.ts';
import { encodeBody, XFER_CONTENT_TYPE } from '../../src/sync/envelope.ts';
import type { SyncTransport, WireMessage } from '../../src/sync/transport.ts';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const request: WireMessage = { contentType: XFER_CONTENT_TYPE, body: encodeBody(new TextEncoder().encode('pull\n'), XFER_CONTENT_TYPE) };

describe('clone jobs', () => {
  it('a second clone of the same project joins the running one; another project runs on its own', async () => {
    const jobs = new CloneJobs<string>();
    const first = deferred<string>();
    let started = 0;
    const a = jobs.run('p1', 'hub-a', () => {
      started++;
      return first.promise;
    });
    const again = jobs.run('p1', 'hub-a', () => {
      started++;
      return Promise.resolve('second');
    });
    const other = jobs.run('p2', 'hub-b', async () => 'other');
    expect(await other).toBe('other');
    expect(jobs.running('p1')).toBe(true);
    expect(jobs.inUse('hub-a')).toBe(true);
    first.resolve('first');
    expect(await a).toBe('first');
    expect(await again).toBe('first');
    expect(started).toBe(1);
    // Once it ended it is forgotten: the next request starts anew.
    expect(jobs.running('p1')).toBe(false);
    expect(jobs.inUse('hub-a')).toBe(false);
    expect(await jobs.run('p1', 'hub-a', async () => 'anew')).toBe('anew');
  });

  it('cancel fires the running clone’s signal, and says whether one ran', async () => {
    const jobs = new CloneJobs<string>();
    let seen: AbortSignal | undefined;
    const run = jobs.run('p', 'h', (signal) => {
      seen = signal;
      return raceSignal(new Promise<string>(() => undefined), signal, 'The clone');
    });
    await Promise.resolve();
    expect(seen?.aborted).toBe(false);
    expect(jobs.cancel('p')).toBe(true);
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(seen?.aborted).toBe(true);
    expect(jobs.running('p')).toBe(false);
    expect(jobs.cancel('p')).toBe(false);
  });

  it('a failed clone is forgotten too', async () => {
    const jobs = new CloneJobs<string>();
    await expect(jobs.run('p', 'h', async () => {
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(jobs.running('p')).toBe(false);
  });

  it('a clone is told within 10 s that its hub cannot be reached or serves no such project', () => {
    expect(CLONE_CONNECT_TIMEOUT_MS).toBeGreaterThan(0);
    expect(CLONE_CONNECT_TIMEOUT_MS).toBeLessThanOrEqual(10_000);
    expect(CLONE_FIRST_CONTACT_MS).toBeGreaterThan(0);
    expect(CLONE_FIRST_CONTACT_MS).toBeLessThanOrEqual(10_000);
  });
});

describe('racing a signal or a deadline', () => {
  it('raceSignal passes the value or the error through, and rejects `cancelled` when the signal fires', async () => {
    expect(await raceSignal(Promise.resolve(1), new AbortController().signal)).toBe(1);
    await expect(raceSignal(Promise.reject(new Error('x')), new AbortController().signal)).rejects.toThrow('x');
    expect(await raceSignal(Promise.resolve(2), undefined)).toBe(2);
    const c = new AbortController();
    const pending = raceSignal(new Promise(() => undefined), c.signal, 'Waiting');
    c.abort();
    const e = await pending.catch((x: unknown) => x);
    expect(codeOf(e)).toBe('cancelled');
    expect((e as Error).message).toMatch(/^Waiting was cancelled/);
    // A signal fired before: rejected at once.
    await expect(raceSignal(Promise.resolve(3), c.signal)).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('withDeadline rejects with the late error when the promise does not settle in time', async () => {
    expect(await withDeadline(Promise.resolve('on time'), 1000, () => new Error('late'))).toBe('on time');
    await expect(withDeadline(new Promise(() => undefined), 1, () => new Error('late'))).rejects.toThrow('late');
    await expect(withDeadline(Promise.reject(new Error('own')), 1000, () => new Error('late'))).rejects.toThrow('own');
  });
});

describe('cancellable transport', () => {
  it('passes exchanges through until the signal fires; one under way then fails `cancelled`', async () => {
    const replies: ReturnType<typeof deferred<WireMessage>>[] = [];
    let calls = 0;
    const inner: SyncTransport = {
      label: 'inner',
      exchange() {
        calls++;
        const d = deferred<WireMessage>();
        replies.push(d);
        return d.promise;
      },
    };
    const c = new AbortController();
    const t = cancellableTransport(inner, c.signal, 'The clone');
    expect(t.label).toBe('inner');
    const first = t.exchange(request);
    replies[0]!.resolve(request);
    expect(await first).toBe(request);
    const second = t.exchange(request);
    c.abort();
    await expect(second).rejects.toMatchObject({ code: 'cancelled' });
    // After: not even sent.
    await expect(t.exchange(request)).rejects.toMatchObject({ code: 'cancelled' });
    expect(calls).toBe(2);
  });
});

/** A clock whose time moves only when someone sleeps. */
function virtualClock(): Clock & { t: number } {
  const c = {
    t: 0,
    now: () => c.t,
    setTimeout: () => () => undefined,
    setInterval: () => () => undefined,
    sleep: async (ms: number) => {
      c.t += ms;
    },
  };
  return c;
}

/** A bus whose requests get the answers given, in turn (the last one over and over). */
function scriptedBus(answers: (() => BusMessage)[]): MeshBus & { requests: number } {
  let i = 0;
  const bus = {
    requests: 0,
    maxPayload: 1024 * 1024,
    user: undefined,
    publish: () => undefined,
    subscribe: () => ({ unsubscribe: () => undefined, refusal: undefined }),
    async request() {
      bus.requests++;
      const answer = answers[Math.min(i++, answers.length - 1)]!;
      return answer();
    },
    flush: async () => undefined,
    onStatus: () => () => undefined,
    isClosed: () => false,
  };
  return bus;
}

const noResponders = (): BusMessage => {
  throw new BusError('no-responders', 'no responder');
};
const reply = (): BusMessage => ({ subject: 'x', data: request.body, respond: () => false });
const code = 'ab'.repeat(20);

describe('NATS transport: a hub that serves no such project', () => {
  it('fails `no-peer` once firstContactMs passed with nobody listening, long before retryForMs', async () => {
    const clock = virtualClock();
    const bus = scriptedBus([noResponders]);
    const t = new NatsTransport(bus, new Subjects(code), { clock, retryForMs: 60_000, firstContactMs: 3000 });
    const e = await t.exchange(request).catch((x: unknown) => x);
    expect(codeOf(e)).toBe('no-peer');
    expect((e as Error).message).toContain(code);
    expect(clock.t).toBeGreaterThan(3000);
    // One pause past the bound at most (the pauses grow to 2 s).
    expect(clock.t).toBeLessThanOrEqual(3000 + 2000);
    expect(bus.requests).toBeGreaterThan(1);
  });

  it('without it, keeps asking for retryForMs (a leaf rejoining a restarted hub)', async () => {
    const clock = virtualClock();
    const t = new NatsTransport(scriptedBus([noResponders]), new Subjects(code), { clock, retryForMs: 20_000 });
    const e = await t.exchange(request).catch((x: unknown) => x);
    expect(codeOf(e)).toBe('no-peer');
    expect(clock.t).toBeGreaterThan(20_000);
  });

  it('once a responder answered, the project is served: its going away is retried for retryForMs', async () => {
    const clock = virtualClock();
    const t = new NatsTransport(scriptedBus([reply, noResponders]), new Subjects(code), { clock, retryForMs: 20_000, firstContactMs: 1000 });
    expect((await t.exchange(request)).body).toEqual(request.body);
    const e = await t.exchange(request).catch((x: unknown) => x);
    expect(codeOf(e)).toBe('no-peer');
    expect(clock.t).toBeGreaterThan(20_000);
  });

  it('a responder that appears within firstContactMs is used', async () => {
    const clock = virtualClock();
    const t = new NatsTransport(scriptedBus([noResponders, noResponders, reply]), new Subjects(code), { clock, retryForMs: 20_000, firstContactMs: 3000 });
    expect((await t.exchange(request)).body).toEqual(request.body);
  });
});
