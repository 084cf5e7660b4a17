// A clone that asks for a head start (src/sync/head-start.ts) from a stock `fossil server` on the
// mesh, through `edgesync bridge`: fossil ignores the pragma it does not know, nothing comes back
// ahead of the rounds, and the clone goes on as without one, to a file fossil finds whole and
// equal to its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';
import { startFossilServer } from '../helpers/servers.ts';
import { startNats } from '../helpers/nats.ts';
import { startBridge } from '../helpers/nats-peers.ts';
import { artifactSet, expectIntegrity } from '../helpers/sync-fixtures.ts';
import { openNodeDb } from '../../src/db/better-sqlite3.ts';
import { Repository } from '../../src/repo/repository.ts';
import { cloneInto, isUnfinishedClone, prepareCloneTarget } from '../../src/sync/clone-client.ts';
import { decodeBody } from '../../src/sync/envelope.ts';
import { HEAD_START_PRAGMA } from '../../src/sync/head-start.ts';
import type { SyncTransport, WireMessage } from '../../src/sync/transport.ts';
import { connectNats } from '../../src/nats/connect-node.ts';
import { parseNatsUrl } from '../../src/nats/nats-url.ts';
import { NatsBus } from '../../src/nats/nats-bus.ts';
import { NatsTransport } from '../../src/nats/client-transport.ts';
import { Subjects } from '../../src/nats/subjects.ts';

const ready = haveTool('fossil') && haveTool('nats-server');
const tmp = tempDir('edgesync-headstart-bridge-');
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const s of stops.reverse()) await s();
  tmp.cleanup();
});

/** Remembers the card text of every request it passes on. */
class RecordingTransport implements SyncTransport {
  readonly requests: string[] = [];
  constructor(private readonly inner: SyncTransport) {}
  get label() {
    return this.inner.label;
  }
  exchange(m: WireMessage): Promise<WireMessage> {
    this.requests.push(new TextDecoder().decode(decodeBody(m.body, m.contentType).text));
    return this.inner.exchange(m);
  }
}

describe.skipIf(!ready)('a head start asked of a stock fossil server through a bridge', () => {
  const d = (p: string) => join(tmp.dir, p);
  let url = '';
  let code = '';

  beforeAll(async () => {
    fossil(['init', d('f.fossil')]);
    mkdirSync(d('co'));
    fossil(['open', d('f.fossil'), '--nosync'], { cwd: d('co') });
    for (let i = 0; i < 12; i++) {
      writeFileSync(d('co/README.md'), `# project\nversion ${i}\n`);
      writeFileSync(d('co/main.c'), `int main() { return ${i}; }\n`.repeat(20));
      if (i === 0) fossil(['add', 'README.md', 'main.c'], { cwd: d('co') });
      fossil(['commit', '--no-warnings', '--hash', '-m', `change ${i}`], { cwd: d('co') });
    }
    fossil(['close'], { cwd: d('co') });
    // Small replies, so the clone takes several rounds, each with a chance to bring a head start.
    fossil(['sql', '-R', d('f.fossil'), "REPLACE INTO config(name, value, mtime) VALUES('max-download', 2000, now())"]);
    code = /project-code:\s+([0-9a-f]+)/.exec(fossil(['info', '-R', d('f.fossil')]).stdout)![1]!;
    const nats = await startNats(tmp.dir, { members: [{ name: 'bridge', role: 'server', projects: '*' }, { name: 'reader', role: 'reader', projects: '*' }] });
    stops.push(() => nats.stop());
    const server = await startFossilServer(d('f.fossil'));
    stops.push(() => server.stop());
    const bridge = await startBridge(nats.urlAs('bridge'), server.url);
    stops.push(() => bridge.stop());
    url = nats.urlAs('reader');
  });

  it('clones as without one', async () => {
    const nc = await connectNats(parseNatsUrl(url));
    stops.push(() => nc.close());
    const transport = new RecordingTransport(new NatsTransport(new NatsBus(nc), new Subjects(code), { retryForMs: 30_000 }));
    const file = d('clone.fossil');
    const target = Repository.create(openNodeDb(file, { create: true }), { date: null, adminUser: 'me' });
    prepareCloneTarget(target);
    let headStarts = 0;
    const result = await cloneInto(target, transport, {
      headStart: { checkins: 50, fileBytes: 100_000 },
      events: { headStart: () => headStarts++ },
    });
    expect(isUnfinishedClone(target)).toBe(false);
    target.db.close();
    // It was asked for, and nothing came of it.
    expect(transport.requests[0]).toContain(`pragma ${HEAD_START_PRAGMA} 50 100000`);
    expect(result.rounds).toBeGreaterThan(2);
    expect(headStarts).toBe(0);
    expectIntegrity(file);
    expect(artifactSet(file)).toEqual(artifactSet(d('f.fossil')));
    expect(fossil(['timeline', '-n', '0', '-R', file]).stdout).toBe(fossil(['timeline', '-n', '0', '-R', d('f.fossil')]).stdout);
  });
});
