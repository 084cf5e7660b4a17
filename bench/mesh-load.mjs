#!/usr/bin/env node
/**
 * Load on a hub: hundreds of peers (the same MeshAgent the browser runs, from dist/, each with
 * its own repository file and its own NATS connection over WebSocket), spread over many
 * repositories, on one `edgesync hub` or on a three-node cluster of them. Check-ins are made on
 * peers picked at random (seeded), one every 1/RATE s; every other peer of that repository must
 * get each. Prints the propagation latency from commit to each peer having it (p50, p99, max),
 * the time until the last peer of the repository has it, deliveries that never came, failed
 * syncs, and the hub's peak memory and CPU (nats-server; with --cluster, per node).
 *
 * Usage: node bench/mesh-load.mjs [--peers 300] [--repos 50] [--commits 100] [--rate 5]
 *                                 [--procs 6] [--cluster] [--seed 1]
 * Needs the built CLI and dist/ (npm run build:cli), fossil and nats-server. Loopback only.
 */
import { fork, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, requireBuilt, scratchDir } from './lib.mjs';
import { freePort, percentile } from './nats-lib.mjs';

requireBuilt();
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : dflt;
};
const PEERS = opt('peers', 300);
const REPOS = opt('repos', 50);
const COMMITS = opt('commits', 100);
const RATE = opt('rate', 5);
const PROCS = opt('procs', 6);
const SEED = opt('seed', 1);
const CLUSTER = args.includes('--cluster');

let seed = SEED;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const dir = scratchDir();
const stops = [];
const env = { ...process.env, HOME: dir, USER: 'bench' };

/** Start one hub (node `name` of a cluster when given), resolving once it is ready. */
async function startHub(name, clusterPort, routes) {
  const [port, wsPort] = [await freePort(), await freePort()];
  const a = ['hub', '--dir', join(dir, 'hub'), '--port', String(port), '--ws-port', String(wsPort), '--web-port', '0'];
  if (name) a.push('--node', name, '--cluster-port', String(clusterPort), ...routes.flatMap((r) => ['--route', `127.0.0.1:${r}`]));
  const child = spawn(CLI, a, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  while (!/^hub ready/m.test(out)) {
    if (child.exitCode !== null) throw new Error(`edgesync hub exited:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const pidFile = name ? join(dir, 'hub', 'nodes', name, 'nats-server.pid') : join(dir, 'hub', 'nats-server.pid');
  const hub = { name: name ?? 'hub', wsPort, out: () => out, natsPid: Number(readFileSync(pidFile, 'utf8').trim()) };
  stops.push(() => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  }));
  return hub;
}

function procStat(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { cpuTicks: Number(stat[11]) + Number(stat[12]), peakMB: Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024 };
}

try {
  let hubs;
  if (CLUSTER) {
    const ports = [await freePort(), await freePort(), await freePort()];
    const a = await startHub('a', ports[0], [ports[1], ports[2]]);
    hubs = [a, ...(await Promise.all([startHub('b', ports[1], [ports[0], ports[2]]), startHub('c', ports[2], [ports[0], ports[1]])]))];
  } else {
    hubs = [await startHub(undefined, 0, [])];
  }
  spawnSync(CLI, ['member', 'add', 'load', '--role', 'server', '--all', '--dir', join(dir, 'hub')], { env });
  for (const h of hubs) while (!/member load \(server\) added/.test(h.out())) await new Promise((r) => setTimeout(r, 50));
  const members = JSON.parse(readFileSync(join(dir, 'hub', 'members.json'), 'utf8'));
  const load = (members.members ?? members).find((m) => m.name === 'load');

  // Repositories, and one copy of its repository per peer.
  mkdirSync(join(dir, 'repos'));
  mkdirSync(join(dir, 'peers'));
  const repos = [];
  for (let r = 0; r < REPOS; r++) {
    const f = join(dir, 'repos', `r${r}.fossil`);
    spawnSync('fossil', ['init', f], { env });
    repos.push(f);
  }
  const peers = [];
  for (let i = 0; i < PEERS; i++) {
    const repo = join(dir, 'peers', `p${i}.fossil`);
    copyFileSync(repos[i % REPOS], repo);
    const hub = hubs[i % hubs.length];
    peers.push({ id: `load.p${i}`, repo, repoIndex: i % REPOS, url: `ws://load:${encodeURIComponent(load.password)}@127.0.0.1:${hub.wsPort}` });
  }

  // The peers, in PROCS processes.
  const arrivals = new Map();
  const committed = new Map();
  const failed = [];
  const procs = [];
  const byPeer = new Map();
  const started = performance.now();
  await Promise.all(Array.from({ length: PROCS }, (_, k) => new Promise((resolve, reject) => {
    const mine = peers.filter((_, i) => i % PROCS === k);
    const child = fork(join(ROOT, 'bench', 'mesh-load-peers.mjs'), { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    procs.push(child);
    for (const p of mine) byPeer.set(p.id, child);
    child.on('message', (m) => {
      if (m.type === 'ready') resolve();
      else if (m.type === 'error') reject(new Error(m.message));
      else if (m.type === 'committed') committed.get(m.n).resolve(m);
      else if (m.type === 'failed') failed.push(m);
      else if (m.type === 'arrived') for (const u of m.uuids) arrivals.set(`${u} ${m.peer}`, m.at);
    });
    child.send({ type: 'start', peers: mine });
  })));
  const startSeconds = (performance.now() - started) / 1000;
  // Presence settles (every peer hears its repository's others within one interval).
  await new Promise((r) => setTimeout(r, 12_000));

  const cpuBefore = hubs.map((h) => procStat(h.natsPid).cpuTicks);
  const t0 = performance.now();
  const made = [];
  for (let n = 0; n < COMMITS; n++) {
    const p = peers[Math.floor(rand() * PEERS)];
    let resolve;
    committed.set(n, { promise: new Promise((r) => (resolve = r)), resolve: (m) => resolve(m) });
    byPeer.get(p.id).send({ type: 'commit', peer: p.id, n });
    made.push({ peer: p, done: committed.get(n).promise });
    await new Promise((r) => setTimeout(r, 1000 / RATE));
  }
  const commits = await Promise.all(made.map(async (c) => {
    const m = await c.done;
    return { peer: c.peer, uuid: m.uuid, at: m.at };
  }));
  // Every delivery expected: each other peer of the repository.
  const expected = [];
  for (const c of commits) for (const q of peers) if (q.repoIndex === c.peer.repoIndex && q.id !== c.peer.id) expected.push({ c, q });
  const until = Date.now() + 60_000;
  while (Date.now() < until && expected.some(({ c, q }) => !arrivals.has(`${c.uuid} ${q.id}`))) await new Promise((r) => setTimeout(r, 200));
  const wall = (performance.now() - t0) / 1000;
  const hubStats = hubs.map((h, i) => ({ name: h.name, ...procStat(h.natsPid), cpuSeconds: (procStat(h.natsPid).cpuTicks - cpuBefore[i]) / 100 }));

  const latencies = [];
  const lastPeer = new Map();
  let missing = 0;
  for (const { c, q } of expected) {
    const at = arrivals.get(`${c.uuid} ${q.id}`);
    if (at === undefined) {
      missing++;
      continue;
    }
    latencies.push(at - c.at);
    lastPeer.set(c.uuid, Math.max(lastPeer.get(c.uuid) ?? 0, at - c.at));
  }
  const last = [...lastPeer.values()];
  const row = (name, xs) => console.log(`${name.padEnd(40)}${percentile(xs, 50).toFixed(0).padStart(8)}${percentile(xs, 99).toFixed(0).padStart(8)}${Math.max(...xs).toFixed(0).padStart(8)}`);
  console.log(`\nMesh load: ${PEERS} peers (WebSocket, ${PROCS} processes), ${REPOS} repositories, ${COMMITS} check-ins at ${RATE}/s, ${CLUSTER ? 'a three-node cluster' : 'one hub'}`);
  console.log(`peers started in ${startSeconds.toFixed(1)} s; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  console.log(`${'propagation (ms)'.padEnd(40)}${'p50'.padStart(8)}${'p99'.padStart(8)}${'max'.padStart(8)}`);
  if (latencies.length) row('commit -> each other peer has it', latencies);
  if (last.length) row('commit -> the last peer has it', last);
  console.log(`deliveries: ${latencies.length} of ${expected.length} (${missing} never came); failed syncs: ${failed.length}`);
  for (const h of hubStats) console.log(`nats-server ${h.name}: peak ${h.peakMB.toFixed(0)} MB, CPU ${h.cpuSeconds.toFixed(1)} s over ${wall.toFixed(1)} s (${((100 * h.cpuSeconds) / wall).toFixed(0)}%)`);
  if (failed.length) console.log(`first failures:\n${failed.slice(0, 5).map((f) => `  ${f.peer}: ${f.line}`).join('\n')}`);
  console.log(`goal: p50 < 100 ms, p99 < 500 ms, no failed sync -> ${percentile(latencies, 50) < 100 && percentile(latencies, 99) < 500 && failed.length === 0 && missing === 0 ? 'met' : 'not met'}`);
  for (const p of procs) p.send({ type: 'stop' });
  await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r() : p.once('exit', r)))));
} finally {
  for (const s of stops.reverse()) await s().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
