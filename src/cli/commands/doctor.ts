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
import { count } from '../count.ts';
import { LAST_NATS_URL } from '../sync-options.ts';

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

/** `repoCode`: the project of the repository checked too, asked for when the URL names none. */
async function natsChecks(text: string, out: Check[], repoCode: string | undefined): Promise<void> {
  let url;
  try {
    url = parseNatsUrl(text);
  } catch (e) {
    out.push({ level: 'FAIL', what: 'hub', detail: (e as Error).message });
    return;
  }
  if (url.projectCode && repoCode && url.projectCode.toLowerCase() !== repoCode.toLowerCase()) {
    out.push({ level: 'FAIL', what: 'project', detail: `the repository is project ${repoCode}, the hub URL names project ${url.projectCode}: they are different projects, and sync between them is refused` });
  }
  if (!url.projectCode && repoCode) url = { ...url, projectCode: repoCode };
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

/** Returns the repository's project code when it opened. */
function repoChecks(path: string, out: Check[]): string | undefined {
  try {
    const repo = openRepository(path, { readonly: true });
    try {
      const db = repo.db;
      const ok = db.value<string>('PRAGMA quick_check');
      const artifacts = db.value<number>('SELECT count(*) FROM blob WHERE size>=0') ?? 0;
      const phantoms = db.value<number>('SELECT count(*) FROM phantom') ?? 0;
      out.push({ level: ok === 'ok' ? 'OK' : 'FAIL', what: 'repository', detail: `${path}: project ${repo.projectCode}, ${count(artifacts, 'artifact')}, sqlite ${ok}` });
      if (phantoms > 0) out.push({ level: 'WARN', what: 'repository', detail: `${phantoms} phantoms (artifacts known by name only): pull to fill them` });
      // The hub it syncs with when no URL is given: a copy made under another project code never syncs there.
      const remembered = repo.config.get(LAST_NATS_URL);
      if (remembered) {
        try {
          const hubCode = parseNatsUrl(remembered).projectCode;
          if (hubCode && hubCode.toLowerCase() !== repo.projectCode.toLowerCase()) {
            out.push({ level: 'FAIL', what: 'repository', detail: `project ${repo.projectCode} differs from the project ${hubCode} of the hub it syncs with (${parseNatsUrl(remembered).canonical}): sync is refused` });
          }
        } catch {
          // A remembered URL that no longer parses is the sync command's to report.
        }
      }
      return repo.projectCode;
    } finally {
      repo.db.close();
    }
  } catch (e) {
    out.push({ level: 'FAIL', what: 'repository', detail: (e as Error).message });
  }
  return undefined;
}

export const doctorCommand = defineCommand({
  name: 'doctor',
  summary: 'check Node, fossil, nats-server, a hub and a repository',
  usage: 'doctor [--nats URL[/CODE]] [-R FILE]',
  description: [
    'Prints one OK/WARN/FAIL line per check; exits 1 when anything failed. With -R, a repository whose',
    'project code differs from the hub\'s (the one in --nats URL/CODE, or the one it last synced with)',
    'fails; --nats without a code then asks the hub about the repository\'s project.',
  ].join('\n'),
  options: [repoOption, { name: 'nats', type: 'string', value: 'URL', help: 'a hub to reach (with /PROJECT-CODE: also ask for responders and peers)' }],
  async run({ args, stdout }) {
    const out: Check[] = [];
    const major = Number(process.versions.node.split('.')[0]);
    out.push({ level: major >= 20 ? 'OK' : 'FAIL', what: 'node', detail: `v${process.versions.node}${major >= 20 ? '' : ' (20 or later needed)'}` });
    const fossil = tool('fossil', ['version']);
    out.push(fossil ? { level: 'OK', what: 'fossil', detail: fossil } : { level: 'WARN', what: 'fossil', detail: 'not on PATH (only needed to work with fossil checkouts)' });
    const nats = tool('nats-server', ['--version']);
    out.push(nats ? { level: 'OK', what: 'nats-server', detail: nats } : { level: 'WARN', what: 'nats-server', detail: 'not on PATH (needed by `edgesync hub`)' });
    const repoOut: Check[] = [];
    const repoCode = args.options.repository ? repoChecks(String(args.options.repository), repoOut) : undefined;
    if (args.options.nats) await natsChecks(String(args.options.nats), out, repoCode);
    out.push(...repoOut);
    const w = Math.max(...out.map((c) => c.what.length));
    for (const c of out) stdout(`${c.level.padEnd(4)} ${c.what.padEnd(w)}  ${c.detail}`);
    const fails = out.filter((c) => c.level === 'FAIL').length;
    const warns = out.filter((c) => c.level === 'WARN').length;
    stdout(fails ? `${fails} failed, ${count(warns, 'warning')}` : warns ? `all good, ${count(warns, 'warning')}` : 'all good');
    return fails ? 1 : 0;
  },
});
