// The tabs' workers and their leader (src/peer/leader-link.ts), on in-process fake channels that
// clone each message as a BroadcastChannel does and deliver it, in order, to every other port:
// calls forwarded to the leader, their errors' codes kept, events reaching the followers, and
// what happens to calls under way when the leader goes away.
import * as Comlink from 'comlink';
import { describe, expect, it } from 'vitest';
import { CodedError, codeOf } from '../../src/errors.ts';
import { forwardingApi, LeaderLink, type LinkMessage, type LinkPort } from '../../src/peer/leader-link.ts';
import { isRepeatable } from '../../src/peer/repeatable-calls.ts';
import type { Group } from '../../src/peer/worker-api.ts';
import { sendErrorCodes } from '../../workers/coded-throw.ts';

/** A broadcast channel: each message, cloned, goes to every other open port, in posting order. */
class FakeChannel {
  private readonly ports: FakePort[] = [];
  readonly log: LinkMessage[] = [];
  port(): FakePort {
    const p = new FakePort(this);
    this.ports.push(p);
    return p;
  }
  send(from: FakePort, m: LinkMessage): void {
    if (from.closed) return;
    this.log.push(m);
    const copy = structuredClone(m);
    for (const p of this.ports) if (p !== from) setImmediate(() => p.receive(copy));
  }
}

class FakePort implements LinkPort {
  closed = false;
  private fn: ((m: LinkMessage) => void) | undefined;
  constructor(private readonly channel: FakeChannel) {}
  post(m: LinkMessage): void {
    this.channel.send(this, m);
  }
  listen(fn: (m: LinkMessage) => void): void {
    this.fn = fn;
  }
  receive(m: LinkMessage): void {
    if (!this.closed) this.fn?.(m);
  }
  /** The worker ended (its tab closed): it hears and says nothing more. */
  close(): void {
    this.closed = true;
  }
}

/** A worker's real API: what it ran, and calls that can be held open (as if still running). */
function fakeApi(name: string) {
  const ran: string[] = [];
  const held: { resolve: () => void }[] = [];
  const hold = () => new Promise<void>((resolve) => held.push({ resolve }));
  const api = {
    storage: async () => ({ by: name }),
    repos: {
      list: async () => {
        ran.push('list');
        return [{ name: 'demo', by: name }];
      },
      commit: async (repo: string, comment: string) => {
        ran.push(`commit ${repo} ${comment}`);
        return `${name}:${comment}`;
      },
      slowList: async () => {
        ran.push('slowList');
        await hold();
        return `${name} listed`;
      },
      slowCommit: async (comment: string) => {
        ran.push(`slowCommit ${comment}`);
        await hold();
        return `${name} committed`;
      },
      refuse: async (): Promise<string> => {
        throw new CodedError('read-only', 'You have read access only.');
      },
      crash: async () => {
        throw new TypeError('x is undefined');
      },
    },
  };
  return { api, ran, held };
}

const repeatable = (path: readonly string[]) => ['list', 'slowList'].includes(path[1] ?? '');

function worker(channel: FakeChannel, name: string) {
  const port = channel.port();
  const events: unknown[] = [];
  const { api, ran, held } = fakeApi(name);
  const link = new LeaderLink<unknown>({ port, api, deliver: (e) => events.push(e), repeatable, id: name });
  return { port, link, api, ran, held, events };
}

/** Let every queued message arrive (and the answers they cause). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

describe('leader link', () => {
  it('a follower forwards its calls to the leader, which runs them on its own API', async () => {
    const ch = new FakeChannel();
    const a = worker(ch, 'a');
    const b = worker(ch, 'b');
    // Called before anyone leads: it waits for a leader.
    const early = b.link.call(['repos', 'commit'], ['demo', 'early']);
    await settle();
    expect(a.ran).toEqual([]);
    a.link.lead();
    expect(await early).toBe('a:early');
    // A worker that starts later finds the leader by asking.
    const c = worker(ch, 'c');
    expect(await c.link.call(['repos', 'list'], [])).toEqual([{ name: 'demo', by: 'a' }]);
    expect(await c.link.call(['storage'], [])).toEqual({ by: 'a' });
    expect(a.ran).toEqual(['commit demo early', 'list']);
    expect(b.ran).toEqual([]);
    expect(c.ran).toEqual([]);
    expect([a.link.isLeader, b.link.isLeader, c.link.isLeader]).toEqual([true, false, false]);
    // The leader's own page calls straight into its API.
    const sent = ch.log.length;
    expect(await a.link.call(['repos', 'commit'], ['demo', 'own'])).toBe('a:own');
    expect(ch.log.length).toBe(sent);
  });

  it('an error keeps its code and message on the way back; an unnamed one is internal', async () => {
    const ch = new FakeChannel();
    const a = worker(ch, 'a');
    const b = worker(ch, 'b');
    a.link.lead();
    const refused = await b.link.call(['repos', 'refuse'], []).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
    expect(codeOf(refused)).toBe('read-only');
    expect((refused as Error).message).toBe('You have read access only.');
    const crashed = await b.link.call(['repos', 'crash'], []).catch((e: unknown) => e);
    expect(codeOf(crashed)).toBe('internal');
    expect((crashed as Error).name).toBe('TypeError');
    expect((crashed as Error).message).toBe('x is undefined');
    // A path that is not a call of the API (nor anything on its prototypes).
    for (const path of [['repos', 'nothing'], ['repos', 'list', 'call'], ['toString'], ['repos', 'constructor']]) {
      const missing = await b.link.call(path, []).catch((e: unknown) => e);
      expect(codeOf(missing), path.join('.')).toBe('not-found');
    }
  });

  it('the leader’s events reach its own page and every follower’s; a follower sends none', async () => {
    const ch = new FakeChannel();
    const a = worker(ch, 'a');
    const b = worker(ch, 'b');
    const c = worker(ch, 'c');
    a.link.lead();
    await settle();
    a.link.emit({ type: 'repo', name: 'demo', n: 1 });
    a.link.emit({ type: 'checkins', uuids: ['abc'] });
    await settle();
    b.link.emit({ type: 'log', text: 'only mine' });
    await settle();
    expect(a.events).toEqual([{ type: 'repo', name: 'demo', n: 1 }, { type: 'checkins', uuids: ['abc'] }]);
    expect(b.events).toEqual([{ type: 'repo', name: 'demo', n: 1 }, { type: 'checkins', uuids: ['abc'] }, { type: 'log', text: 'only mine' }]);
    expect(c.events).toEqual([{ type: 'repo', name: 'demo', n: 1 }, { type: 'checkins', uuids: ['abc'] }]);
  });

  describe('when the leader goes away', () => {
    it('a call it never acknowledged goes to the new leader', async () => {
      const ch = new FakeChannel();
      const a = worker(ch, 'a');
      const b = worker(ch, 'b');
      const c = worker(ch, 'c');
      a.link.lead();
      await settle();
      a.port.close();
      const write = b.link.call(['repos', 'commit'], ['demo', 'in between']);
      await settle();
      expect(a.ran).toEqual([]);
      c.link.lead();
      expect(await write).toBe('c:in between');
      expect(c.ran).toEqual(['commit demo in between']);
      // New calls go to the new leader too.
      expect(await b.link.call(['repos', 'list'], [])).toEqual([{ name: 'demo', by: 'c' }]);
    });

    it('a read it acknowledged and never answered is asked again of the new leader', async () => {
      const ch = new FakeChannel();
      const a = worker(ch, 'a');
      const b = worker(ch, 'b');
      const c = worker(ch, 'c');
      a.link.lead();
      const read = b.link.call(['repos', 'slowList'], []);
      await settle();
      expect(a.ran).toEqual(['slowList']);
      expect(ch.log.some((m) => m.kind === 'ack' && m.from === 'a' && m.to === 'b')).toBe(true);
      a.port.close();
      a.held[0]!.resolve(); // its answer is lost with it
      c.link.lead();
      await settle();
      c.held[0]!.resolve();
      expect(await read).toBe('c listed');
    });

    it('a write it acknowledged and never answered fails owner-changed, and is not made again', async () => {
      const ch = new FakeChannel();
      const a = worker(ch, 'a');
      const b = worker(ch, 'b');
      const c = worker(ch, 'c');
      a.link.lead();
      const write = b.link.call(['repos', 'slowCommit'], ['maybe made']);
      await settle();
      expect(a.ran).toEqual(['slowCommit maybe made']);
      a.port.close();
      c.link.lead();
      const failed = await write.catch((e: unknown) => e);
      expect(codeOf(failed)).toBe('owner-changed');
      await settle();
      expect(c.ran).toEqual([]);
      // The new leader works on.
      expect(await b.link.call(['repos', 'commit'], ['demo', 'after'])).toBe('c:after');
    });

    it('when the follower itself leads next, its calls run here: the unacknowledged and reads again, writes not', async () => {
      const ch = new FakeChannel();
      const a = worker(ch, 'a');
      const b = worker(ch, 'b');
      a.link.lead();
      const read = b.link.call(['repos', 'slowList'], []);
      const write = b.link.call(['repos', 'slowCommit'], ['maybe made']);
      await settle();
      a.port.close();
      const unsent = b.link.call(['repos', 'commit'], ['demo', 'never reached a']);
      await settle();
      b.link.lead();
      expect(await unsent).toBe('b:never reached a');
      expect(codeOf(await write.catch((e: unknown) => e))).toBe('owner-changed');
      await settle();
      b.held[0]!.resolve();
      expect(await read).toBe('b listed');
      expect(b.ran.sort()).toEqual(['commit demo never reached a', 'slowList']);
    });

    it('followers take their events from the new leader, not from the old one', async () => {
      const ch = new FakeChannel();
      const a = worker(ch, 'a');
      const b = worker(ch, 'b');
      const c = worker(ch, 'c');
      a.link.lead();
      await settle();
      c.link.lead(); // (as if a had ended: the lock went to c)
      await settle();
      a.link.emit({ from: 'a' });
      c.link.emit({ from: 'c' });
      await settle();
      expect(b.events).toEqual([{ from: 'c' }]);
      // The old leader's word arriving late (as a message it sent before it ended might): it is
      // older than the new leader's, so calls still go to the new one.
      const stale = ch.log.find((m) => m.kind === 'leader' && m.from === 'a')!;
      a.port.post(stale);
      await settle();
      expect(await b.link.call(['repos', 'list'], [])).toEqual([{ name: 'demo', by: 'c' }]);
      expect(a.ran).toEqual([]);
    });
  });

  it('the page’s API is the real one walked: every call of every group, by its path', async () => {
    const { api } = fakeApi('real');
    const calls: string[] = [];
    const marked: object[] = [];
    const page = forwardingApi(api, async (path, args) => calls.push(`${path.join('.')}(${args.join(',')})`), (g) => {
      marked.push(g);
      return g;
    });
    expect(Object.keys(page).sort()).toEqual(Object.keys(api).sort());
    expect(Object.keys(page.repos).sort()).toEqual(Object.keys(api.repos).sort());
    expect(marked).toEqual([page.repos]);
    await page.storage();
    await page.repos.commit('demo', 'hello');
    expect(calls).toEqual(['storage()', 'repos.commit(demo,hello)']);
  });

  it('a follower’s page, through real comlink, gets the leader’s answers and its errors’ codes', async () => {
    sendErrorCodes();
    const ch = new FakeChannel();
    const a = worker(ch, 'a');
    const b = worker(ch, 'b');
    a.link.lead();
    const mc = new MessageChannel();
    try {
      Comlink.expose(forwardingApi(b.api, (path, args) => b.link.call(path, args), Comlink.proxy), mc.port1 as unknown as Comlink.Endpoint);
      const page = Comlink.wrap<{ repos: Group<typeof b.api.repos> }>(mc.port2 as unknown as Comlink.Endpoint);
      expect(await page.repos.commit('demo', 'from the page')).toBe('a:from the page');
      const refused = await page.repos.refuse().catch((e: unknown) => e);
      expect(codeOf(refused)).toBe('read-only');
      expect((refused as Error).message).toBe('You have read access only.');
      expect(b.ran).toEqual([]);
    } finally {
      mc.port1.close();
      mc.port2.close();
    }
  });

  it('reads and calls made to be repeated may run again; changes may not', () => {
    for (const path of [['browse', 'timeline'], ['browse', 'fileHistory'], ['repos', 'list'], ['repos', 'checkins'], ['repos', 'exportFile'], ['repos', 'exportGit'], ['repos', 'clone'], ['hub', 'info'], ['notify', 'view'], ['author', 'draft'], ['author', 'wikiSource'], ['storage']]) {
      expect(isRepeatable(path), path.join('.')).toBe(true);
    }
    for (const path of [['repos', 'commit'], ['repos', 'create'], ['repos', 'importFile'], ['repos', 'mergeFile'], ['repos', 'remove'], ['hub', 'join'], ['hub', 'signIn'], ['hub', 'invite'], ['notify', 'send'], ['author', 'commit'], ['author', 'writeWiki'], ['author', 'writeTicket'], ['author', 'writeFile'], ['author', 'addTag']]) {
      expect(isRepeatable(path), path.join('.')).toBe(false);
    }
  });
});
