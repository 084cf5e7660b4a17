import type { Server } from 'node:http';
import { defineCommand } from '../command.ts';
import { repoOption } from '../command.ts';
import { UsageError } from '../args.ts';
import { openRepository, repoPath } from '../repo-access.ts';
import { XferServer } from '../../sync/server-handler.ts';
import { createXferHttpServer, listen, type XferRoute, type XferRouter } from '../../sync/transports/http-server-node.ts';
import type { XferService } from '../../sync/transport.ts';
import { basename } from 'node:path';
import { indexPage, statusPage } from '../status-page.ts';
import { connectNats } from '../../nats/connect-node.ts';
import { parseNatsUrl } from '../../nats/nats-url.ts';
import { checkPeerId, checkPrefix } from '../../nats/subjects.ts';
import type { Repository } from '../../repo/repository.ts';
import { startLeaves, untilSignal } from '../leaf-serving.ts';
import { NatsBus } from '../../nats/nats-bus.ts';
import type { LoginInfo } from '../../sync/client-session.ts';

/** [host:]port, host defaulting to the loopback address. */
function parseAddress(text: string): { host: string; port: number } {
  const m = /^(?:(.*):)?([0-9]{1,5})$/.exec(text);
  if (!m) throw new UsageError(`--http needs [HOST:]PORT, got ${JSON.stringify(text)}`);
  const host = (m[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
  const port = Number(m[2]);
  if (port > 65535) throw new UsageError(`port out of range: ${port}`);
  return { host, port };
}

/**
 * One repository answers at every path; several are told apart by name, as `fossil server
 * --repolist` does: `/NAME` (and anything under it) is NAME.fossil, `/` lists them, and any
 * other name is a 404, never another repository.
 */
function httpRoutes(repos: { path: string; repo: Repository }[]): { target: XferService | XferRouter; names: string[] } {
  if (repos.length === 1) return { target: new XferServer(repos[0]!.repo), names: [] };
  const byName = new Map<string, XferRoute>();
  for (const { path, repo } of repos) {
    const name = basename(path).replace(/\.fossil$/, '');
    if (byName.has(name)) throw new UsageError(`two repositories are named ${name}: give them different file names`);
    byName.set(name, { service: new XferServer(repo), statusPage: () => statusPage(repo) });
  }
  const target: XferRouter = (path) => {
    const first = path.split('/').filter(Boolean)[0];
    return first === undefined ? 'index' : byName.get(first);
  };
  return { target, names: [...byName.keys()] };
}

export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'serve repositories over NATS (a leaf agent) and/or HTTP',
  usage: 'serve -R FILE [FILE...] [--nats URL [--peer-id ID]] [--http [HOST:]PORT] [-v]',
  description: [
    'With --nats, each repository answers sync on fossil.<project-code>.sync (when the hub lets it),',
    'announces every check-in it gains (also those other processes write to the file), pulls at once',
    'when a peer it trusts announces one, and keeps going through hub restarts. With --http (the',
    'default when --nats is not given), one repository answers at any path; several answer at /NAME',
    '(the file name without .fossil), / lists them and other names are 404. A GET shows a status page.',
  ].join('\n'),
  options: [
    repoOption,
    { name: 'http', type: 'string', value: 'ADDR', help: 'listen on [HOST:]PORT (default 127.0.0.1:8080 without --nats)' },
    { name: 'nats', type: 'string', value: 'URL', help: 'join the NATS mesh at nats://, tls://, ws:// or wss:// URL' },
    { name: 'peer-id', type: 'string', value: 'ID', help: 'this leaf\'s peer id (default: [NATS-USER.]host name and a hash of the file)' },
    { name: 'trust-peer', type: 'string', repeat: true, value: 'ID', help: 'also pull from this peer when it announces check-ins (repeatable; on a hub that vouches for its servers every server is trusted)' },
    { name: 'name', type: 'string', value: 'NAME', help: 'display name in presence announcements' },
    { name: 'safety-sync', type: 'number', value: 'SECONDS', help: 'full sync with every known peer this often (default 300, 0 = off)' },
    { name: 'user', type: 'string', value: 'LOGIN', help: 'fossil login for the syncs this leaf starts (pushes to bridges)' },
    { name: 'password', type: 'string', value: 'PW', help: 'password for --user' },
    { name: 'verbose', short: 'v', type: 'boolean', help: 'log every request and sync' },
  ],
  async run({ args, stdout, stderr }) {
    const o = args.options;
    const paths = [repoPath(o), ...args.positional];
    const natsText = o.nats;
    const httpText = o.http ?? (natsText ? undefined : '8080');
    let login: LoginInfo | undefined;
    if (o.user) {
      if (o.password === undefined) throw new UsageError('--user needs --password');
      login = { user: String(o.user), password: String(o.password) };
    }
    const natsUrl = natsText ? parseNatsUrl(natsText) : undefined;
    // Everything that can be wrong with the arguments is found before anything connects.
    if (o['peer-id'] !== undefined) checkPeerId(String(o['peer-id']));
    for (const id of o['trust-peer'] ?? []) checkPeerId(id);
    if (natsUrl) checkPrefix(natsUrl.prefix);
    // Listening for Ctrl-C and SIGTERM from the start: a hub that is down must not make us deaf.
    const stopped = untilSignal();
    const repos: { path: string; repo: Repository }[] = [];
    let server: Server | undefined;
    try {
      for (const path of paths) repos.push({ path, repo: openRepository(path) });
      if (httpText) {
        const { host, port } = parseAddress(httpText);
        const routes = httpRoutes(repos);
        server = createXferHttpServer(routes.target, {
          statusPage: () => statusPage(repos[0]!.repo),
          indexPage: () => indexPage([...routes.names]),
          onRequest: o.verbose
            ? (i) => stdout(`${i.remoteAddress ?? '?'}: ${i.requestBytes} B in, ${i.replyBytes} B out, ${i.ms} ms`)
            : undefined,
          onError: (e) => stderr(`request failed: ${e.message}`),
        });
        const addr = await listen(server, port, host);
        const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
        if (repos.length === 1) stdout(`serving ${paths[0]} at http://${shown}:${addr.port}/`);
        else for (const n of routes.names) stdout(`serving ${n} at http://${shown}:${addr.port}/${encodeURIComponent(n)}`);
      }
      if (natsUrl) {
        const connected = connectNats(natsUrl, { name: 'edgesync serve', waitOnFirstConnect: true });
        const nc = await Promise.race([connected, stopped.then(() => undefined)]);
        if (!nc) {
          // Stopped before the hub was ever reached (the process exits, taking the attempts with it).
          void connected.then((c) => c.close(), () => undefined);
          return;
        }
        const leaves = await startLeaves(new NatsBus(nc, natsUrl.auth.user), repos, {
          peerId: o['peer-id'],
          name: o.name,
          prefix: natsUrl.prefix,
          safetySyncMs: o['safety-sync'] === undefined ? undefined : Number(o['safety-sync']) * 1000,
          login,
          trust: { named: o['trust-peer'] ?? [] },
          log: o.verbose ? stdout : undefined,
        });
        for (const { agent: a } of leaves) {
          const role = a.serving ? '' : ' (not answering: the hub does not let this user serve it)';
          stdout(`serving ${a.repo.projectCode} on ${natsUrl.canonical} as peer ${a.peerId}${role}`);
          if (o.verbose) stdout(`  pulls: ${a.trust.describe()}`);
        }
        await stopped;
        for (const l of leaves) await l.stop();
        await nc.drain().catch(() => undefined);
      } else {
        await stopped;
      }
    } finally {
      if (server) await new Promise<void>((r) => server!.close(() => r()));
      for (const { repo } of repos) repo.db.close();
    }
  },
});
