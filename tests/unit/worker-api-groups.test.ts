// The worker API's groups through real comlink over a MessageChannel: `api.group.call()` reaches
// the group's function by its path, and Comlink.Remote<WorkerApi> types the calls (checked by tsc,
// no cast at the call).
import * as Comlink from 'comlink';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { RepoSummary } from '../../src/peer/api-types.ts';
import type { AnnotatedLine } from '../../src/peer/browse-types.ts';
import type { Group, RepoCalls, WorkerApi } from '../../src/peer/worker-api.ts';

describe('worker API groups', () => {
  const channels: MessageChannel[] = [];
  afterEach(() => {
    for (const c of channels.splice(0)) {
      c.port1.close();
      c.port2.close();
    }
  });

  it('a call on a group reaches its function with its arguments, and its errors come back', async () => {
    const calls: unknown[] = [];
    const repos: Pick<RepoCalls, 'list' | 'remove'> = {
      async list() {
        return [{ name: 'a' } as RepoSummary];
      },
      async remove(name) {
        calls.push(name);
        if (name === 'missing') throw new Error('There is no repository named “missing” in this browser.');
      },
    };
    const c = new MessageChannel();
    channels.push(c);
    Comlink.expose({ repos: Comlink.proxy(repos) }, c.port1 as unknown as Comlink.Endpoint);
    const remote = Comlink.wrap<{ repos: Group<Pick<RepoCalls, 'list' | 'remove'>> }>(c.port2 as unknown as Comlink.Endpoint);
    expect(await remote.repos.list()).toEqual([{ name: 'a' }]);
    await remote.repos.remove('b');
    expect(calls).toEqual(['b']);
    await expect(remote.repos.remove('missing')).rejects.toThrow(/no repository named/);
  });

  it('Comlink.Remote<WorkerApi> gives each group call its own types', () => {
    type Api = Comlink.Remote<WorkerApi>;
    expectTypeOf<ReturnType<Api['browse']['annotate']>>().toEqualTypeOf<Promise<AnnotatedLine[]>>();
    expectTypeOf<Parameters<Api['browse']['annotate']>>().toEqualTypeOf<[name: string, checkinName: string, path: string, depth?: number | undefined]>();
    expectTypeOf<ReturnType<Api['repos']['list']>>().toEqualTypeOf<Promise<RepoSummary[]>>();
    expectTypeOf<Parameters<Api['hub']['join']>[0]>().toEqualTypeOf<string>();
  });
});
