// Notify throughput and delivery latency through a real nats-server with JetStream (as
// `edgesync hub` runs it): an agent publishing over TCP (as the CLI does), a receiver following
// the stream over TCP and over WebSocket (as the browser does). Latency is publish start to
// delivery, in one process (one clock); also one message at a time. Then the catch-up rate of a device that was offline.
//   node bench/notify.mjs [MESSAGES=2000] [IN_FLIGHT=64]
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect } from '@nats-io/transport-node';
import { wsconnect } from '@nats-io/nats-core';
import WebSocket from 'ws';
import { requireBuilt, ROOT, scratchDir } from './lib.mjs';
import { freePort, percentile } from './nats-lib.mjs';

requireBuilt();
const { newMessage } = await import(join(ROOT, 'dist/notify/message.js'));
const { openNotifyJs, publishMessage, followStream } = await import(join(ROOT, 'dist/notify/stream.js'));

const N = Number(process.argv[2] ?? 2000);
const IN_FLIGHT = Number(process.argv[3] ?? 64);
globalThis.WebSocket ??= WebSocket;

async function startJetStream(dir) {
  const [port, wsPort] = [await freePort(), await freePort()];
  mkdirSync(join(dir, 'jetstream'), { recursive: true });
  const conf = join(dir, 'nats.conf');
  writeFileSync(conf, [
    `listen: "127.0.0.1:${port}"`,
    `websocket { listen: "127.0.0.1:${wsPort}", no_tls: true }`,
    `jetstream { store_dir: ${JSON.stringify(join(dir, 'jetstream'))} }`,
  ].join('\n'));
  const child = spawn('nats-server', ['-c', conf], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    try {
      const nc = await connect({ servers: `127.0.0.1:${port}`, timeout: 500 });
      await nc.close();
      break;
    } catch (e) {
      if (i > 100 || child.exitCode !== null) throw new Error(`nats-server did not start: ${e.message}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    tcp: `127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${wsPort}`,
    stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', r), process.kill(child.pid, 'SIGTERM')))),
  };
}

async function live(server, receiverConnect, project, N, IN_FLIGHT) {
  const pubNc = await connect({ servers: server.tcp });
  const subNc = await receiverConnect();
  const pub = await openNotifyJs(pubNc);
  const sub = await openNotifyJs(subNc);
  const sentAt = new Map();
  const latencies = [];
  let firstSend = 0;
  let lastRecv = 0;
  let done;
  const all = new Promise((r) => (done = r));
  const f = await followStream(sub, { project, fromSeq: 1 }, (e) => {
    const t0 = e.message && sentAt.get(e.message.id);
    if (t0 === undefined) return;
    lastRecv = performance.now();
    latencies.push(lastRecv - t0);
    if (latencies.length === N) done();
  });
  const thread = newMessage({ project, from: 'bench', fromName: 'bench', body: 'x' }).thread;
  firstSend = performance.now();
  const inFlight = new Set();
  for (let i = 0; i < N; i++) {
    const m = newMessage({ project, from: 'bench-agent', fromName: 'bench agent', body: `build ${i} passed; see the log for details`, thread });
    sentAt.set(m.id, performance.now());
    const p = publishMessage(pub, m).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  // The deadline's timer is cleared once everything arrived: a pending timer keeps Node running.
  let deadline;
  try {
    await Promise.race([all, new Promise((_, rej) => (deadline = setTimeout(() => rej(new Error(`only ${latencies.length}/${N} delivered`)), 60_000)))]);
  } finally {
    clearTimeout(deadline);
  }
  f.stop();
  await pubNc.close();
  await subNc.close();
  const secs = (lastRecv - firstSend) / 1000;
  return { rate: N / secs, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) };
}

async function catchUp(server, project) {
  const nc = await connect({ servers: server.tcp });
  const n = await openNotifyJs(nc);
  let got = 0;
  let done;
  const all = new Promise((r) => (done = r));
  const t0 = performance.now();
  const f = await followStream(n, { project, fromSeq: 1 }, () => {
    if (++got === N) done();
  });
  await all;
  const secs = (performance.now() - t0) / 1000;
  f.stop();
  await nc.close();
  return N / secs;
}

const dir = scratchDir();
const server = await startJetStream(dir);
try {
  console.log(`notify: ${N} messages, ${IN_FLIGHT} in flight, nats-server with JetStream (file store), loopback`);
  const rows = [
    [`receiver over TCP (CLI)`, await live(server, () => connect({ servers: server.tcp }), 'bench-tcp', N, IN_FLIGHT)],
    [`receiver over WebSocket (browser)`, await live(server, () => wsconnect({ servers: server.ws, noEcho: true }), 'bench-ws', N, IN_FLIGHT)],
    // One message at a time, as people and agents write: latency without queueing.
    [`one at a time, WebSocket receiver`, await live(server, () => wsconnect({ servers: server.ws, noEcho: true }), 'bench-single', Math.min(N, 300), 1)],
  ];
  for (const [name, r] of rows) {
    console.log(`${name.padEnd(34)} ${r.rate.toFixed(0).padStart(6)} msg/s   delivery p50 ${r.p50.toFixed(1)} ms   p99 ${r.p99.toFixed(1)} ms   max ${r.max.toFixed(1)} ms`);
  }
  const rate = await catchUp(server, 'bench-tcp');
  console.log(`${'catch-up after being offline'.padEnd(34)} ${rate.toFixed(0).padStart(6)} msg/s   (${N} stored messages read from sequence 1)`);
  console.log('(msg/s: first publish to last delivery; delivery: publish start to the receiver\'s callback)');
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
