import { spawnSync } from 'node:child_process';
import type { NatsConnection } from '@nats-io/nats-core';
import { defineCommand } from '../command.ts';
import { repoOption } from '../command.ts';
import { connectNats, maxPayloadOf } from '../../nats/connect-node.ts';
import { parseNatsUrl } from '../../nats/nats-url.ts';
import { Presence } from '../../nats/presence.ts';
import { NatsBus } from '../../nats/nats-bus.ts';
import { hubRestrictsAnswering } from '../../mesh/trust.ts';
import { Subjects } from '../../nats/subjects.ts';
import { EXT_VERSION, HDR_EXT, HDR_PEER } from '../../nats/wire.ts';
import { CardWriter } from '../../sync/card-writer.ts';
import { encodeBody, XFER_CONTENT_TYPE } from '../../sync/envelope.ts';
import { VERSION_ARGS } from '../../sync/peer-version.ts';
import { openRepository } from '../repo-access.ts';

type Level = 'OK' | 'WARN' | 'FAIL';

interface Check {
  level: Level;
  what: string;
  detail: string;
}

function tool(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  if (r.error || r.status !== 0) return undefined;
  return (r.stdout || r.stderr).trim().split('\n')[0];
}

async function natsChecks(text: string, out: Check[]): Promise<void> {
  let url;
  try {
    url = parseNatsUrl(text);
  } catch (e) {
    out.push({ level: 'FAIL', what: 'hub', detail: (e as Error).message });
    return;
  }
  let nc: NatsConnection;
  try {
    nc = await connectNats(url, { name: 'edgesync doctor', maxReconnectAttempts: 0, timeoutMs: 5000 });
  } catch (e) {
    out.push({ level: 'FAIL', what: 'hub', detail: `${url.canonical}: ${(e as Error).message}` });
    return;
  }
  try {
    const mp = maxPayloadOf(nc);
    out.push({ level: 'OK', what: 'hub', detail: `${url.canonical} reachable, nats-server ${nc.info?.version ?? '?'}, max_payload ${mp}` });
    if (mp < 1024 * 1024) out.push({ level: 'WARN', what: 'hub', detail: `max_payload ${mp} is small: large artifacts need many parts` });
    if (!url.projectCode) return;
    const subjects = new Subjects(url.projectCode, url.prefix);
    const bus = new NatsBus(nc, url.auth.user);
    const vouches = await hubRestrictsAnswering(bus, subjects.syncPeer('unowned-doctor.probe'));
    out.push(vouches
      ? { level: 'OK', what: 'access', detail: 'the hub binds peer ids to users: only the project\'s servers and writers can answer for it' }
      : { level: 'WARN', what: 'access', detail: 'the hub lets anyone answer for the project (no per-user permissions): leaves pull only from peers named with --trust-peer' });
    const presence = new Presence(bus, subjects, undefined);
    presence.start();
    const w = new CardWriter();
    w.pragma('client-version', ...VERSION_ARGS);
    try {
      const m = await bus.request(subjects.sync, encodeBody(w.finish(), XFER_CONTENT_TYPE), { timeoutMs: 5000, headers: { [HDR_EXT]: EXT_VERSION } });
      const peer = m.headers?.get(HDR_PEER);
      out.push({ level: 'OK', what: 'project', detail: `${url.projectCode} answered by ${peer ? `peer ${peer}` : 'a peer without extensions'}` });
    } catch (e) {
      out.push({ level: 'WARN', what: 'project', detail: `nobody answers sync for ${url.projectCode}: ${(e as Error).message}` });
    }
    await new Promise((r) => setTimeout(r, 700));
    const peers = presence.peers();
    presence.stop();
    out.push({
      level: peers.length ? 'OK' : 'WARN',
      what: 'presence',
      detail: peers.length ? peers.map((p) => `${p.name} (${p.kind})`).join(', ') : 'no peer announced itself',
    });
  } finally {
    await nc.close().catch(() => undefined);
  }
}

function repoChecks(path: string, out: Check[]): void {
  try {
    const repo = openRepository(path, { readonly: true });
    try {
      const db = repo.db;
      const ok = db.value<string>('PRAGMA quick_check');
      const artifacts = db.value<number>('SELECT count(*) FROM blob WHERE size>=0') ?? 0;
      const phantoms = db.value<number>('SELECT count(*) FROM phantom') ?? 0;
      out.push({ level: ok === 'ok' ? 'OK' : 'FAIL', what: 'repository', detail: `${path}: project ${repo.projectCode}, ${artifacts} artifacts, sqlite ${ok}` });
      if (phantoms > 0) out.push({ level: 'WARN', what: 'repository', detail: `${phantoms} phantoms (artifacts known by name only): pull to fill them` });
    } finally {
      repo.db.close();
    }
  } catch (e) {
    out.push({ level: 'FAIL', what: 'repository', detail: (e as Error).message });
  }
}

export const doctorCommand = defineCommand({
  name: 'doctor',
  summary: 'check Node, fossil, nats-server, a hub and a repository',
  usage: 'doctor [--nats URL] [-R FILE]',
  description: 'Prints one OK/WARN/FAIL line per check; exits 1 when anything failed.',
  options: [repoOption, { name: 'nats', type: 'string', value: 'URL', help: 'a hub to reach (with /PROJECT-CODE: also ask for responders and peers)' }],
  async run({ args, stdout }) {
    const out: Check[] = [];
    const major = Number(process.versions.node.split('.')[0]);
    out.push({ level: major >= 20 ? 'OK' : 'FAIL', what: 'node', detail: `v${process.versions.node}${major >= 20 ? '' : ' (20 or later needed)'}` });
    const fossil = tool('fossil', ['version']);
    out.push(fossil ? { level: 'OK', what: 'fossil', detail: fossil } : { level: 'WARN', what: 'fossil', detail: 'not on PATH (only needed to work with fossil checkouts)' });
    const nats = tool('nats-server', ['--version']);
    out.push(nats ? { level: 'OK', what: 'nats-server', detail: nats } : { level: 'WARN', what: 'nats-server', detail: 'not on PATH (needed by `edgesync hub`)' });
    if (args.options.nats) await natsChecks(String(args.options.nats), out);
    if (args.options.repository) repoChecks(String(args.options.repository), out);
    const w = Math.max(...out.map((c) => c.what.length));
    for (const c of out) stdout(`${c.level.padEnd(4)} ${c.what.padEnd(w)}  ${c.detail}`);
    const fails = out.filter((c) => c.level === 'FAIL').length;
    const warns = out.filter((c) => c.level === 'WARN').length;
    stdout(fails ? `${fails} failed, ${warns} warnings` : warns ? `all good, ${warns} warnings` : 'all good');
    return fails ? 1 : 0;
  },
});
