import { resolve } from 'node:path';
import type { Command } from '../command.ts';
import { UsageError } from '../args.ts';
import { connectNats } from '../../nats/connect-node.ts';
import { HUB_MAX_PAYLOAD, type HubConfig } from '../../nats/hub-config.ts';
import { startHubServer } from '../../nats/hub-process.ts';
import { parseNatsUrl } from '../../nats/nats-url.ts';
import type { Repository } from '../../repo/repository.ts';
import { openRepository } from '../repo-access.ts';
import { startLeaves, untilSignal } from '../leaf-serving.ts';
import { startHubWeb } from '../hub-web.ts';

export const hubCommand: Command = {
  name: 'hub',
  summary: 'run a NATS hub (nats-server) and serve repositories on it',
  usage: 'hub [--dir DIR] [--port N] [--ws-port N] [--serve FILE...] [--user U --password P | --token T] [--tls-cert PEM --tls-key PEM [--tls-ca PEM]]',
  description: [
    'Starts nats-server with a generated config in DIR: a client port, a WebSocket port for browsers',
    '(TLS on both with --tls-cert/--tls-key: tls:// and wss://; else plain, for loopback or behind a',
    'TLS proxy), max_payload raised to 8 MiB, JetStream stored in DIR/jetstream and optional auth.',
    'Each --serve repository is served as a leaf in this process.',
    'Ctrl-C stops the leaves, then nats-server.',
  ].join('\n'),
  options: [
    { name: 'dir', type: 'string', value: 'DIR', help: 'where the config and the JetStream store live (default .edgesync-hub)' },
    { name: 'host', type: 'string', value: 'ADDR', help: 'address to listen on (default 127.0.0.1)' },
    { name: 'port', type: 'number', value: 'N', help: 'client port (default 4222)' },
    { name: 'ws-port', type: 'number', value: 'N', help: 'WebSocket port (default 8222)' },
    { name: 'max-payload', type: 'number', value: 'BYTES', help: `largest message (default ${HUB_MAX_PAYLOAD}; 0 = nats-server's 1 MiB)` },
    { name: 'serve', type: 'string', repeat: true, value: 'FILE', help: 'serve this repository (repeatable)' },
    { name: 'user', type: 'string', value: 'U', help: 'require this NATS user…' },
    { name: 'password', type: 'string', value: 'P', help: '…with this password' },
    { name: 'token', type: 'string', value: 'T', help: 'require this NATS token' },
    { name: 'tls-cert', type: 'string', value: 'PEM', help: 'certificate (chain) for TLS on both ports' },
    { name: 'tls-key', type: 'string', value: 'PEM', help: 'its private key' },
    { name: 'tls-ca', type: 'string', value: 'PEM', help: 'CA the served leaves trust the hub by (a private CA)' },
    { name: 'web-port', type: 'number', value: 'N', help: 'serve the web app and share links on this port (default 8080; 0 = no web app)' },
    { name: 'peer-id', type: 'string', value: 'ID', help: 'peer id of the served repositories' },
    { name: 'verbose', short: 'v', type: 'boolean', help: 'log what the leaves do' },
  ],
  async run({ args, stdout, stderr }) {
    const o = args.options;
    if (args.positional.length) throw new UsageError('repositories go after --serve');
    if (o.user !== undefined && o.token !== undefined) throw new UsageError('give --user/--password or --token, not both');
    if (o.user !== undefined && o.password === undefined) throw new UsageError('--user needs --password');
    const port = Number(o.port ?? 4222);
    const wsPort = Number(o['ws-port'] ?? 8222);
    for (const p of [port, wsPort]) if (!Number.isInteger(p) || p < 1 || p > 65535) throw new UsageError(`bad port ${p}`);
    const config: HubConfig = {
      dir: resolve(String(o.dir ?? '.edgesync-hub')),
      host: String(o.host ?? '127.0.0.1'),
      port,
      wsPort,
      maxPayload: o['max-payload'] === undefined ? HUB_MAX_PAYLOAD : Number(o['max-payload']),
    };
    if (o.user !== undefined) {
      config.user = String(o.user);
      config.password = String(o.password);
    }
    if (o.token !== undefined) config.token = String(o.token);
    if ((o['tls-cert'] === undefined) !== (o['tls-key'] === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
    if (o['tls-cert'] !== undefined) config.tls = { cert: resolve(String(o['tls-cert'])), key: resolve(String(o['tls-key'])) };
    const [natsScheme, wsScheme] = config.tls ? ['tls', 'wss'] : ['nats', 'ws'];
    const ca = o['tls-ca'] === undefined ? '' : `?ca=${encodeURIComponent(resolve(String(o['tls-ca'])))}`;
    const files = (o.serve as string[] | undefined) ?? [];
    const repos: { path: string; repo: Repository }[] = [];
    for (const path of files) repos.push({ path, repo: openRepository(path) });
    const hub = await startHubServer(config);
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    const cred = config.user !== undefined ? `${encodeURIComponent(config.user)}:***@` : config.token !== undefined ? '***@' : '';
    stdout(`nats-server running (pid ${hub.pid}), config ${hub.configFile}`);
    stdout(`  NATS:      ${natsScheme}://${cred}${host}:${port}`);
    stdout(`  WebSocket: ${wsScheme}://${cred}${host}:${wsPort}`);
    const stopped = untilSignal();
    try {
      const auth = config.user !== undefined ? { user: config.user, password: config.password } : config.token !== undefined ? { token: config.token } : {};
      const nc = await connectNats(parseNatsUrl(`${natsScheme}://${host}:${port}${ca}`), { name: 'edgesync hub', auth });
      const agents = startLeaves(nc, repos, { kind: 'hub', peerId: o['peer-id'] as string | undefined, log: o.verbose ? stdout : undefined });
      for (const a of agents) stdout(`  serving ${a.repo.projectCode}: ${natsScheme}://${cred}${host}:${port}/${a.repo.projectCode}`);
      const web = await startHubWeb({ config, webPort: o['web-port'] === undefined ? 8080 : Number(o['web-port']), repos, stdout, stderr });
      const why = await Promise.race([stopped, hub.exited.then((c) => `nats-server exited (${c})`)]);
      if (why.startsWith('nats-server')) stderr(`${why}\n${hub.output()}`);
      await web?.close();
      for (const a of agents) await a.stop();
      await nc.close().catch(() => undefined);
    } finally {
      await hub.stop();
      for (const { repo } of repos) repo.db.close();
      stdout('hub stopped');
    }
  },
};
