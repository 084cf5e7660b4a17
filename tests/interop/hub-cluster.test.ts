// A hub that outgrows one machine, with nats-server's own machinery: three `edgesync hub` nodes
// in one cluster (real nats-server processes, routes between them, JetStream clustered), sharing
// one hub directory and so one set of members.
//  - the notify stream the hub makes has three replicas, one per node;
//  - a leaf serves a repository through node A; a CLI clone goes through node C; node A is killed
//    (its hub and its nats-server) in the middle of the clone: the leaf moves to a live node by
//    itself and the clone finishes through it, passing fossil test-integrity;
//  - a commit made at the leaf reaches a second leaf on node B live;
//  - notify messages sent while a node is killed and restarted reach a watcher exactly once, and
//    the restarted node's copy of the stream has each of them once too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { CLI, edgesync } from '../helpers/cli.ts';
import { startCliPeer, waitFor, type RunningPeer } from '../helpers/nats-peers.ts';
import { freePort } from '../helpers/servers.ts';
import { loadMembers } from '../../src/nats/hub-members.ts';
import { clusterMemberUrl, startClusterNode, type ClusterNode as Node } from '../helpers/hub-cluster.ts';
import { artifactSet, expectIntegrity } from '../helpers/sync-fixtures.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';
import { editText, randomText, rng } from '../helpers/edits.ts';
import { openNodeDb } from '../../src/db/better-sqlite3.ts';
import { Repository } from '../../src/repo/repository.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { createCheckin } from '../../src/repo/authoring/checkin.ts';
import { tipCheckin } from '../../src/repo/queries/resolve.ts';

const ready = haveTool('fossil') && haveTool('nats-server');
const enc = (s: string) => new TextEncoder().encode(s);
const tmp = tempDir('edgesync-cluster-');
const d = (p: string) => join(tmp.dir, p);
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const s of stops.reverse()) await s().catch(() => undefined);
  tmp.cleanup();
});

/** A repository of many check-ins that answers clones in rounds of about 1 kB (many rounds). */
function makeRepo(path: string, checkins: number): void {
  const repo = Repository.create(openNodeDb(path, { create: true }), { adminUser: 'alice', crosslinker: crosslinkerFactory });
  const r = rng(11);
  const texts = Array.from({ length: 4 }, () => randomText(r, 40));
  let parent = tipCheckin(repo.db)!;
  for (let c = 0; c < checkins; c++) {
    const i = c % texts.length;
    texts[i] = editText(r, texts[i]!, 2);
    const files = texts.map((t, k) => ({ name: `src/file-${k}.txt`, content: enc(t) }));
    parent = createCheckin(repo, { parent, comment: `change ${c}`, user: 'alice', files, date: new Date(Date.UTC(2026, 0, 1, 0, c)) }).rid;
  }
  repo.config.set('max-download', 1000);
  repo.db.close();
}

const startNode = async (name: string, clusterPort: number, routes: number[]) => {
  const n = await startClusterNode(d('hub'), name, clusterPort, routes);
  stops.push(() => n.stop());
  return n;
};
const memberUrl = (name: string, port: number, code = '') => clusterMemberUrl(d('hub'), name, port, code);

/** Wait until the notify stream answers through the node at port, with its three replicas placed. */
async function waitForStream(port: number): Promise<void> {
  const hubMember = loadMembers(d('hub')).find((m) => m.role === 'hub')!;
  const nc = await connect({ servers: `127.0.0.1:${port}`, user: hubMember.name, pass: hubMember.password });
  try {
    await expect.poll(async () => {
      // While JetStream elects its leader even this may time out: ask again.
      const info = await jetstreamManager(nc).then((jsm) => jsm.streams.info('NOTIFY')).catch(() => undefined);
      return info ? [info.cluster?.leader, ...(info.cluster?.replicas ?? []).filter((r) => r.current).map((r) => r.name)].filter(Boolean).length : 0;
    }).toBe(3);
  } finally {
    await nc.close();
  }
}

describe.skipIf(!ready)('three hub nodes in one cluster', () => {
  let a: Node;
  let b: Node;
  let c: Node;
  let source: string;
  let code: string;

  beforeAll(async () => {
    source = d('source.fossil');
    makeRepo(source, 600);
    code = /project-code:\s+([0-9a-f]+)/.exec(fossil(['info', '-R', source]).stdout)![1]!;
    const [pa, pb, pc] = [await freePort(), await freePort(), await freePort()];
    // The first node makes the shared members; the others join it.
    a = await startNode('a', pa, [pb, pc]);
    [b, c] = await Promise.all([startNode('b', pb, [pa, pc]), startNode('c', pc, [pa, pb])]);
    edgesync(['member', 'add', 'leaf-one', '--role', 'server', '--project', code, '--dir', d('hub')]);
    edgesync(['member', 'add', 'leaf-two', '--role', 'server', '--project', code, '--dir', d('hub')]);
    // Every node applies the shared members by itself.
    for (const n of [a, b, c]) await waitFor(() => /member leaf-two \(server\) added/.test(n.out()), 60_000, `node ${n.name} to let the leaves in`);
  }, 300_000);

  it('keeps the notify stream on three nodes', async () => {
    const hubMember = loadMembers(d('hub')).find((m) => m.role === 'hub')!;
    const nc = await connect({ servers: `127.0.0.1:${b.port}`, user: hubMember.name, pass: hubMember.password });
    try {
      const jsm = await jetstreamManager(nc);
      // The hub makes it once JetStream has its meta leader, and the stream its own leader.
      const placed = async () => {
        const info = await jsm.streams.info('NOTIFY').catch(() => undefined);
        if (!info) return undefined;
        return { replicas: info.config.num_replicas, nodes: [info.cluster?.leader, ...(info.cluster?.replicas ?? []).map((r) => r.name)].sort() };
      };
      await expect.poll(placed).toEqual({ replicas: 3, nodes: ['a', 'b', 'c'] });
    } finally {
      await nc.close();
    }
  });

  it('a clone through node C finishes through another node when node A dies under it; commits reach node B live', async () => {
    // Members reach every node's users within a second or so of `member add`.
    const leaf: RunningPeer = await startCliPeer(['serve', '-R', source, '--nats', memberUrl('leaf-one', a.port), '-v', '--safety-sync', '0'], /as peer (\S+)\n/);
    stops.push(() => leaf.stop());
    expect(leaf.output()).not.toMatch(/not answering/);

    const out = d('clone.fossil');
    const clone = spawn(process.execPath, [CLI, 'clone', '-v', memberUrl('reader', c.port, code), out], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, USER: 'alice' } });
    let log = '';
    clone.stdout.on('data', (x: Buffer) => (log += x.toString()));
    clone.stderr.on('data', (x: Buffer) => (log += x.toString()));
    const exited = new Promise<number | null>((r) => clone.once('close', (code) => r(code)));
    await waitFor(() => /^round 5:/m.test(log) || clone.exitCode !== null, 180_000, 'the clone to be under way');
    expect(clone.exitCode).toBeNull();
    a.kill();
    const status = await exited;
    expect({ status, log: status === 0 ? '' : `${log}\n--- leaf\n${leaf.output()}` }).toEqual({ status: 0, log: '' });
    expect(log).toMatch(/^round \d+:/m);
    expect(artifactSet(out)).toEqual(artifactSet(source));
    expectIntegrity(out);

    // The clone, served as a leaf on node B, gets a commit made at the first leaf live.
    const second = await startCliPeer(['serve', '-R', out, '--nats', memberUrl('leaf-two', b.port), '-v', '--safety-sync', '0'], /as peer (\S+)\n/);
    stops.push(() => second.stop());
    const work = d('work');
    mkdirSync(work);
    fossil(['open', source, '--force', '--nosync'], { cwd: work });
    writeFileSync(join(work, 'live.txt'), 'made after node A died\n');
    fossil(['add', 'live.txt'], { cwd: work });
    fossil(['commit', '--nosync', '--no-warnings', '--allow-fork', '-m', 'live across the cluster'], { cwd: work });
    const tip = fossil(['timeline', '-R', source, '-t', 'ci', '-n', '1', '-F', '%H']).stdout.split('\n')[0]!.trim();
    await waitFor(() => artifactSet(out).includes(tip), 120_000, 'the commit on the second leaf').catch((e: Error) => {
      throw new Error(`${e.message}\n--- first\n${leaf.output()}\n--- second\n${second.output()}`);
    });
    expectIntegrity(out);
  });

  it('notify: messages sent while a node is killed and restarted are each delivered exactly once', async () => {
    // Node A died above: bring it back (its JetStream store is kept in DIR/nodes/a).
    a = await startNode('a', a.clusterPort, [b.clusterPort, c.clusterPort]);
    // Until node A has rejoined, the cluster's JetStream may answer that it is not ready.
    await waitForStream(c.port);
    const dev = (name: string) => ({ EDGESYNC_CONFIG_DIR: d(`dev-${name}`), EDGESYNC_NAME: name, USER: 'alice' });
    const send = (node: Node, body: string) => edgesync(['notify', 'send', '--project', 'ops', '--nats', memberUrl('reader', node.port), body], { env: dev('sender') });
    const watcher = spawn(process.execPath, [CLI, 'notify', 'watch', '--project', 'ops', '--json', '--nats', memberUrl('reader', b.port)], { env: { ...process.env, ...dev('watcher') }, stdio: ['ignore', 'pipe', 'pipe'] });
    stops.push(async () => void watcher.kill('SIGTERM'));
    let seen = '';
    watcher.stdout.on('data', (x: Buffer) => (seen += x.toString()));
    const bodies = () => seen.trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { body: string }).body);

    send(c, 'one, all nodes up');
    await expect.poll(bodies).toEqual(['one, all nodes up']);
    c.kill();
    send(a, 'two, node C down');
    send(b, 'three, node C down');
    await expect.poll(bodies).toEqual(['one, all nodes up', 'two, node C down', 'three, node C down']);
    c = await startNode('c', c.clusterPort, [a.clusterPort, b.clusterPort]);
    await waitForStream(c.port);
    send(c, 'four, node C back');
    const all = ['one, all nodes up', 'two, node C down', 'three, node C down', 'four, node C back'];
    await expect.poll(bodies).toEqual(all);
    // Nothing comes twice later either (a redelivery would show up here).
    await new Promise((r) => setTimeout(r, 2000));
    expect(bodies()).toEqual(all);
    // The restarted node serves the whole stream, each message once.
    const fresh = edgesync(['notify', 'watch', '--project', 'ops', '--json', '--count', '4', '--nats', memberUrl('reader', c.port)], { env: dev('fresh') });
    expect(fresh.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { body: string }).body)).toEqual(all);
  });
});
