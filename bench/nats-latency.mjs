// Propagation latency over NATS: N check-ins written by stock `fossil commit` into leaf A's file;
// for each, when A announces it and when leaf B (which gets it carried with the announcement, or
// pulls it, with no periodic sync) has it stored (B's file, polled every millisecond). Reference in the same run: how long a stock `fossil pull` of
// one new check-in from `fossil server` takes (what a polling fossil peer pays per poll at best).
// Usage: node bench/nats-latency.mjs [N=50]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import Database from 'better-sqlite3';
import { CLI, median, requireBuilt, scratchDir } from './lib.mjs';
import { percentile, run, startFossilServer, startLeaf, startNats } from './nats-lib.mjs';

requireBuilt();
const N = Number(process.argv[2] ?? 50);
const dir = scratchDir();
const env = { ...process.env, HOME: dir, USER: 'bench', FOSSIL_USER: 'bench' };
const fossil = (args, cwd) => run('fossil', args, { cwd, env });
/**
 * `fossil commit`, again when a leaf held the write lock at that moment (fossil does not wait
 * for a lock once its transaction has read: SQLite would deadlock).
 */
async function commit(args, cwd) {
  for (let i = 0; ; i++) {
    try {
      return await fossil(['commit', ...args], cwd);
    } catch (e) {
      if (i > 20 || !/database is locked/.test(e.message)) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
const stops = [];

try {
  // Leaves log in as server members of a hub's permissions, so they vouch for each other.
  const nats = await startNats(dir, { members: [{ name: 'a', role: 'server', projects: '*' }, { name: 'b', role: 'server', projects: '*' }] });
  stops.push(nats.stop);
  const a = join(dir, 'a.fossil');
  await fossil(['init', a]);
  const code = /project-code:\s+([0-9a-f]+)/.exec((await fossil(['info', '-R', a])).stdout)[1];
  const co = join(dir, 'co');
  mkdirSync(co);
  await fossil(['open', a, '--nosync'], co);
  const leafA = await startLeaf(a, nats.urlAs('a'), ['--safety-sync', '0']);
  stops.push(leafA.stop);
  await run(CLI, ['clone', `${nats.urlAs('b')}/${code}`, join(dir, 'b.fossil')], { env });
  const leafB = await startLeaf(join(dir, 'b.fossil'), nats.urlAs('b'), ['--safety-sync', '0']);
  stops.push(leafB.stop);

  const nc = await connect({ servers: `127.0.0.1:${nats.port}`, user: 'hub', pass: nats.member('hub').password });
  const seen = new Map();
  const waiters = new Map();
  nc.subscribe(`fossil.${code}.commit`, {
    callback: (_e, m) => {
      const t = performance.now();
      const j = JSON.parse(new TextDecoder().decode(m.data));
      const key = `${j.peer_id} ${j.uuid}`;
      if (!seen.has(key)) seen.set(key, t);
      waiters.get(key)?.(t);
    },
  });
  const when = (peer, uuid) =>
    seen.has(`${peer} ${uuid}`)
      ? Promise.resolve(seen.get(`${peer} ${uuid}`))
      : new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no announcement from ${peer} for ${uuid}`)), 10000);
          waiters.set(`${peer} ${uuid}`, (t) => (clearTimeout(timer), resolve(t)));
        });

  /** When B's file has the check-in (committed by B's leaf), polled. */
  const stored = async (file, uuid) => {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const q = db.prepare('SELECT 1 FROM blob WHERE uuid=? AND size>=0');
      const until = performance.now() + 10_000;
      for (;;) {
        if (q.get(uuid)) return performance.now();
        if (performance.now() > until) throw new Error(`B never stored ${uuid}`);
        await new Promise((r) => setTimeout(r, 1));
      }
    } finally {
      db.close();
    }
  };
  const detect = [];
  const hop = [];
  const total = [];
  for (let i = 0; i < N; i++) {
    writeFileSync(join(co, `f${i}.txt`), `change ${i}\n`);
    await fossil(['add', `f${i}.txt`], co);
    const r = await commit(['--nosync', '--no-warnings', '-m', `c${i}`], co);
    const done = performance.now();
    const uuid = /New_Version: ([0-9a-f]+)/.exec(r.stdout)[1];
    const tA = await when(leafA.peerId, uuid);
    const tB = await stored(join(dir, 'b.fossil'), uuid);
    detect.push(tA - done);
    hop.push(tB - tA);
    total.push(tB - done);
  }
  await nc.close();

  // Reference: one stock fossil pull of one new check-in.
  const f = join(dir, 'f.fossil');
  await fossil(['init', f]);
  const server = await startFossilServer(f, env);
  stops.push(server.stop);
  const fc = join(dir, 'fc.fossil');
  await fossil(['clone', server.url, fc]);
  const fco = join(dir, 'fco');
  mkdirSync(fco);
  await fossil(['open', f, '--nosync'], fco);
  const pulls = [];
  for (let i = 0; i < Math.min(N, 20); i++) {
    writeFileSync(join(fco, `g${i}.txt`), `change ${i}\n`);
    await fossil(['add', `g${i}.txt`], fco);
    await commit(['--nosync', '--no-warnings', '-m', `g${i}`], fco);
    const t0 = performance.now();
    await fossil(['pull', server.url, '-R', fc]);
    pulls.push(performance.now() - t0);
  }

  const row = (name, xs) =>
    console.log(`${name.padEnd(44)}${percentile(xs, 50).toFixed(1).padStart(8)}${percentile(xs, 90).toFixed(1).padStart(8)}${percentile(xs, 99).toFixed(1).padStart(8)}${Math.max(...xs).toFixed(1).padStart(8)}`);
  console.log(`\nPropagation over NATS on loopback, ${N} check-ins (ms)`);
  console.log(`${''.padEnd(44)}${'p50'.padStart(8)}${'p90'.padStart(8)}${'p99'.padStart(8)}${'max'.padStart(8)}`);
  row('fossil commit exits -> A announces', detect);
  row('A announces -> B has it', hop);
  row('fossil commit exits -> B has it (end to end)', total);
  row('reference: stock fossil pull of 1 check-in', pulls);
  console.log(`\nratio end-to-end p50 / fossil pull p50: ${(percentile(total, 50) / median(pulls)).toFixed(2)}`);
} finally {
  try {
    for (const s of stops.reverse()) await s();
  } finally {
    // The scratch folder (repositories, the leaves' state, nats-server's config) goes, also after a failure.
    rmSync(dir, { recursive: true, force: true });
  }
}
