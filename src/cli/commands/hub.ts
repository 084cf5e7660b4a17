import { resolve } from 'node:path';
import { defineCommand } from '../command.ts';
import { UsageError } from '../args.ts';
import { connectNats } from '../../nats/connect-node.ts';
import { HUB_MAX_PAYLOAD, type HubConfig } from '../../nats/hub-config.ts';
import { ensureStanding, loadMembers, memberNameFor, saveHubState, type HubState } from '../../nats/hub-members.ts';
import { startHubServer } from '../../nats/hub-process.ts';
import { NatsBus } from '../../nats/nats-bus.ts';
import { parseNatsUrl } from '../../nats/nats-url.ts';
import { openNotifyJs } from '../../notify/stream.ts';
import { clusterWebSockets, hubTopology } from '../hub-topology.ts';
import type { NatsConnection } from '@nats-io/nats-core';
import { startLeaves, untilSignal } from '../leaf-serving.ts';
import { startHubWeb } from '../hub-web.ts';
import { HubAccess, memberLinks } from '../hub-access.ts';
import { ServedRepos, type ServedRepo } from '../served-repos.ts';
import { gitMirrorHook } from '../git-mirror-serving.ts';

export const hubCommand = defineCommand({
  name: 'hub',
  summary: 'run a NATS hub (nats-server) and serve repositories on it',
  usage: 'hub [--dir DIR] [--port N] [--ws-port N] [--web-port N] [--serve FILE...] [--repos DIR] [--user U --password P] [--public-read] [--tls-cert PEM --tls-key PEM [--tls-ca PEM]] [--git-mirror GITDIR]',
  description: [
    'Starts nats-server with a generated config in DIR: a client port, a WebSocket port for browsers',
    '(TLS on both with --tls-cert/--tls-key: tls:// and wss://; else plain, for loopback or behind a',
    'TLS proxy), max_payload raised to 8 MiB and JetStream stored in DIR/jetstream.',
    '',
    'Who may do what is the hub\'s members (DIR/members.json, managed with `edgesync member`): every',
    'member is a NATS user whose subject permissions follow its role. Readers may clone, pull and',
    'chat; writers and servers may also answer for their projects and announce check-ins, each',
    'under its own peer ids; writers get a fossil login in the repositories served here. The hub',
    'keeps a `reader` member (the read links it prints) and a `NAME-writer` per served repository',
    '(the write invite it prints); `edgesync member rm` revokes either for good.',
    '',
    'Each --serve repository is served as a leaf in this process, and with --repos DIR every NAME.fossil',
    'in DIR: a file added there is served within seconds (once it holds still), one removed stops being',
    'served, without a restart. Ctrl-C stops the leaves, then nats-server.',
  ].join('\n'),
  options: [
    { name: 'dir', type: 'string', value: 'DIR', help: 'where the config, members and the JetStream store live (default .edgesync-hub)' },
    { name: 'host', type: 'string', value: 'ADDR', help: 'address to listen on (default 127.0.0.1)' },
    { name: 'port', type: 'number', value: 'N', help: 'client port (default 4222)' },
    { name: 'ws-port', type: 'number', value: 'N', help: 'WebSocket port (default 8222)' },
    { name: 'max-payload', type: 'number', value: 'BYTES', help: `largest message (default ${HUB_MAX_PAYLOAD}; 0 = nats-server's 1 MiB)` },
    { name: 'serve', type: 'string', repeat: true, value: 'FILE', help: 'serve this repository (repeatable)' },
    { name: 'repos', type: 'string', value: 'DIR', help: 'serve every NAME.fossil in DIR, picking up files added and removed' },
    { name: 'user', type: 'string', value: 'U', help: 'the hub\'s own NATS user (default hub, with a generated password)…' },
    { name: 'password', type: 'string', value: 'P', help: '…and its password' },
    { name: 'public-read', type: 'boolean', help: 'let the web app clone served repositories without a link (it hands out the read credentials)' },
    { name: 'tls-cert', type: 'string', value: 'PEM', help: 'certificate (chain) for TLS on both ports' },
    { name: 'tls-key', type: 'string', value: 'PEM', help: 'its private key' },
    { name: 'tls-ca', type: 'string', value: 'PEM', help: 'CA the served leaves trust the hub by (a private CA)' },
    { name: 'web-port', type: 'number', value: 'N', help: 'serve the web app and share links on this port (default 8080; 0 = no web app)' },
    { name: 'peer-id', type: 'string', value: 'ID', help: 'peer id of the served repositories' },
    { name: 'node', type: 'string', value: 'NAME', help: 'this hub is node NAME of a cluster whose nodes share --dir (their own files go in DIR/nodes/NAME)' },
    { name: 'cluster-port', type: 'number', value: 'N', help: 'listen for the other nodes\' routes on this port' },
    { name: 'route', type: 'string', repeat: true, value: 'HOST:PORT', help: 'another node\'s --cluster-port (repeatable)' },
    { name: 'cluster-name', type: 'string', value: 'NAME', help: 'the cluster\'s name (default edgesync)' },
    { name: 'leafnode-port', type: 'number', value: 'N', help: 'accept site hubs as leafnodes on this port (they log in as a member whose role is hub)' },
    { name: 'leafnode-advertise', type: 'string', value: 'HOST:PORT', help: 'where site hubs reach the leafnode port, when not at its own address (a proxy, NAT)' },
    { name: 'upstream', type: 'string', repeat: true, value: 'URL', help: 'join this upstream hub as a leafnode: nats-leaf://USER:PASSWORD@HOST:PORT (repeatable)' },
    { name: 'notify-replicas', type: 'number', value: 'N', help: 'replicas of the notify stream when the hub makes it (default 3 on a cluster of three or more nodes, else 1)' },
    { name: 'git-mirror', type: 'string', value: 'GITDIR', help: 'keep a bare Git mirror of each served repository up to date (GITDIR/NAME.git; GITDIR itself for one --serve FILE)' },
    { name: 'verbose', short: 'v', type: 'boolean', help: 'log what the leaves do' },
  ],
  async run({ args, stdout, stderr }) {
    const o = args.options;
    if (args.positional.length) throw new UsageError('repositories go after --serve; members are managed with `edgesync member`');
    if ((o.user === undefined) !== (o.password === undefined)) throw new UsageError('--user and --password go together');
    const port = Number(o.port ?? 4222);
    const wsPort = Number(o['ws-port'] ?? 8222);
    for (const p of [port, wsPort]) if (!Number.isInteger(p) || p < 1 || p > 65535) throw new UsageError(`bad port ${p}`);
    const dir = resolve(String(o.dir ?? '.edgesync-hub'));
    // Told of every repository a watched directory adds or drops once the hub runs (set below).
    let onChange: (added?: ServedRepo) => void = () => undefined;
    const repos = new ServedRepos(stdout, (added) => onChange(added));
    for (const path of o.serve ?? []) repos.addFile(path);
    if (o.repos !== undefined) await repos.addDir(resolve(String(o.repos)));
    const servedNow = () => repos.list().map((r) => ({ name: r.name, projectCode: r.repo.projectCode }));
    const topology = hubTopology(dir, o);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(topology.nodeDir, { recursive: true, mode: 0o700 });
    const standing = { hubUser: o.user, hubPassword: o.password };
    const members = ensureStanding(dir, { ...standing, served: servedNow() });
    const self = members.find((m) => m.role === 'hub')!;
    const config: HubConfig = {
      dir: topology.nodeDir,
      host: String(o.host ?? '127.0.0.1'),
      port,
      wsPort,
      maxPayload: o['max-payload'] === undefined ? HUB_MAX_PAYLOAD : Number(o['max-payload']),
      members,
      serverName: topology.serverName,
      // Every node shares the members, so the hub member's password is a secret they all know.
      cluster: topology.cluster && { ...topology.cluster, secret: self.password },
      leafnodePort: topology.leafnodePort,
      leafnodeAdvertise: topology.leafnodeAdvertise,
      upstreams: topology.upstreams,
    };
    if ((o['tls-cert'] === undefined) !== (o['tls-key'] === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
    if (o['tls-cert'] !== undefined) config.tls = { cert: resolve(String(o['tls-cert'])), key: resolve(String(o['tls-key'])) };
    const [natsScheme, wsScheme] = config.tls ? ['tls', 'wss'] : ['nats', 'ws'];
    const ca = o['tls-ca'] === undefined ? '' : `?ca=${encodeURIComponent(resolve(String(o['tls-ca'])))}`;
    let hub = await startHubServer(config);
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    stdout(`nats-server running (pid ${hub.pid}), config ${hub.configFile}`);
    stdout(`  NATS:      ${natsScheme}://${host}:${port}`);
    stdout(`  WebSocket: ${wsScheme}://${host}:${wsPort}`);
    stdout(`  Members:   ${dir}/members.json (edgesync member ls|add|rm --dir ${dir})`);
    if (config.cluster) stdout(`  Cluster:   ${config.cluster.name}, node ${topology.serverName}, routes on ${host}:${config.cluster.port}${config.cluster.routes.length ? ` to ${config.cluster.routes.join(', ')}` : ''}`);
    if (config.leafnodePort !== undefined) stdout(`  Leafnodes: ${host}:${config.leafnodePort} (site hubs log in as a member whose role is hub)`);
    for (const u of config.upstreams ?? []) stdout(`  Upstream:  ${u.replace(/\/\/[^@/]*@/, '//')}`);
    // A cluster's share links name every node's WebSocket that has said where it is.
    const sockets = clusterWebSockets(dir, topology.serverName, `${wsScheme}://${host}:${wsPort}`);
    sockets.publish();
    const stopped = untilSignal();
    const access = new HubAccess(dir, config, hub, () => repos.list(), stdout);
    try {
      const auth = { user: self.name, password: self.password };
      const nc = await connectNats(parseNatsUrl(`${natsScheme}://${host}:${port}${ca}`), { name: 'edgesync hub', auth });
      // Members may read and write the notify stream but not make it: the hub does. A cluster's
      // JetStream takes a moment to elect its leader; the hub keeps trying meanwhile.
      void makeNotifyStream(nc, topology.notifyReplicas, stopped).catch((e: Error) => stderr(`notify stream: ${e.message}`));
      const bus = new NatsBus(nc, self.name);
      let started = false;
      await repos.serveWith(async (r) => {
        // One that came later: its standing write invite, applied before anyone asks for it.
        if (started) {
          ensureStanding(dir, { ...standing, served: servedNow() });
          await access.reload();
        }
        access.applyLoginsTo(r);
        const [leaf] = await startLeaves(bus, [r], {
          kind: 'hub',
          peerId: o['peer-id'],
          // The hub wrote the permissions itself: whoever may answer on it is vouched for.
          trust: { hubVouches: true },
          log: o.verbose ? stdout : undefined,
        });
        return () => leaf!.stop();
      });
      if (o['git-mirror'] !== undefined) {
        const single = (o.serve ?? []).length === 1 && o.repos === undefined;
        await repos.serveWith(gitMirrorHook(resolve(String(o['git-mirror'])), () => single, stdout));
      }
      const web = await startHubWeb({ config, webPort: o['web-port'] === undefined ? 8080 : Number(o['web-port']), ws: () => sockets.list(), repos: servedNow, publicRead: o['public-read'] ? members.find((m) => m.name === 'reader' && !m.revoked) : undefined, stdout, stderr });
      const state: HubState = { nats: `${natsScheme}://${host}:${port}${ca}`, ws: sockets.list(), repos: servedNow() };
      if (web) state.web = web.url;
      saveHubState(dir, state);
      printLinks(state, state.repos, loadMembers(dir), stdout);
      started = true;
      onChange = (added) => {
        state.repos = servedNow();
        state.ws = sockets.list();
        saveHubState(dir, state);
        if (added) printLinks(state, [{ name: added.name, projectCode: added.repo.projectCode }], loadMembers(dir), stdout);
      };
      const unwatch = access.watch();
      const noInvites = access.serveInvites(nc);
      stdout('hub ready (Ctrl-C stops it)');
      // Supervise nats-server: if it dies, start it again (with a growing pause while it keeps
      // dying); the leaves reconnect by themselves and the web app never stops.
      let pause = 1000;
      let since = Date.now();
      for (;;) {
        const why = await Promise.race([stopped.then(() => undefined), hub.exited.then((code) => code ?? 'a signal')]);
        if (why === undefined) break;
        // A server that ran a good while is started again quickly; one that keeps dying, slower.
        if (Date.now() - since > 60_000) pause = 1000;
        stderr(`nats-server exited (${why}); starting it again in ${pause / 1000} s. The leaves and the web app carry on.\n${hub.output().slice(-2000)}`);
        const again = await Promise.race([stopped.then(() => false), new Promise<true>((r) => setTimeout(() => r(true), pause))]);
        if (!again) break;
        try {
          hub = await startHubServer(config);
          since = Date.now();
          access.useServer(hub);
          stdout(`nats-server running again (pid ${hub.pid})`);
          pause = Math.min(30_000, pause * 2);
        } catch (e) {
          stderr(`cannot start nats-server: ${(e as Error).message}`);
          pause = Math.min(30_000, pause * 2);
          hub = { ...hub, exited: Promise.resolve(null) };
        }
      }
      unwatch();
      noInvites();
      await web?.close();
      await repos.close();
      await nc.close().catch(() => undefined);
    } finally {
      await repos.close();
      await hub.stop();
      stdout('hub stopped');
    }
  },
});

/** Per repository: its read link, its standing write invite, and a CLI clone URL. */
function printLinks(state: HubState, which: HubState['repos'], members: ReturnType<typeof ensureStanding>, stdout: (s: string) => void): void {
  const reader = members.find((m) => m.name === 'reader' && !m.revoked);
  for (const r of which) {
    stdout(`  ${r.name} (${r.projectCode})`);
    const writer = members.find((m) => m.name === memberNameFor(r.name, 'writer') && !m.revoked);
    if (reader) {
      const l = memberLinks(state, reader, r);
      if (l.link) stdout(`    read ${r.name}: ${l.link}`);
      stdout(`    clone ${r.name}: ${l.nats}`);
    }
    if (writer?.login) {
      const l = memberLinks(state, writer, r);
      if (l.link) stdout(`    write ${r.name}: ${l.link}`);
    }
  }
}

/** Make (or find) the notify stream, trying again while JetStream is not ready (a cluster still forming). */
async function makeNotifyStream(nc: NatsConnection, replicas: number, stopped: Promise<unknown>): Promise<void> {
  let done = false;
  void stopped.then(() => (done = true));
  for (let attempt = 0; ; attempt++) {
    try {
      await openNotifyJs(nc, { replicas });
      return;
    } catch (e) {
      if (done || attempt >= 60) throw e;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
