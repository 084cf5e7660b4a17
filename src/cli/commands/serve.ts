import type { Server } from 'node:http';
import { defineCommand } from '../command.ts';
import { repoOption } from '../command.ts';
import { UsageError } from '../args.ts';
import { repoPath } from '../repo-access.ts';
import { ServedRepos, type ServeHook } from '../served-repos.ts';
import { existsSync, statSync } from 'node:fs';
import { XferServer } from '../../sync/server-handler.ts';
import { createXferHttpServer, listen, type XferRoute, type XferRouter } from '../../sync/transports/http-server-node.ts';
import type { XferService } from '../../sync/transport.ts';
import { indexPage, statusPage } from '../status-page.ts';
import { connectNats } from '../../nats/connect-node.ts';
import { parseNatsUrl } from '../../nats/nats-url.ts';
import { checkPeerId, checkPrefix } from '../../nats/subjects.ts';
import { startLeaves, untilSignal } from '../leaf-serving.ts';
import { NatsBus } from '../../nats/nats-bus.ts';
import type { LoginInfo } from '../../sync/client-session.ts';
import { gitMirrorHook } from '../git-mirror-serving.ts';
import { resolve } from 'node:path';

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
 * One repository file answers at every path; several, or a directory of them, are told apart by
 * name, as `fossil server --repolist` does: `/NAME` (and anything under it) is NAME.fossil, `/`
 * lists them, and any other name is a 404, never another repository. Routes follow the served set
 * as a watched directory changes it.
 */
function httpRoutes(single: boolean, repos: ServedRepos): { target: XferService | XferRouter; hook: ServeHook } {
  const byName = new Map<string, XferRoute>();
  const hook: ServeHook = async (r) => {
    byName.set(r.name, { service: new XferServer(r.repo), statusPage: () => statusPage(r.repo) });
    return async () => void byName.delete(r.name);
  };
  if (single) {
    // The one repository, whatever the path (fossil's plain `fossil server FILE`).
    const only = repos.list()[0]!;
    const service = new XferServer(only.repo);
    return { target: service, hook: async () => async () => undefined };
  }
  const target: XferRouter = (path) => {
    const first = path.split('/').filter(Boolean)[0];
    return first === undefined ? 'index' : byName.get(decodeURIComponent(first));
  };
  return { target, hook };
}

export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'serve repositories over NATS (a leaf agent) and/or HTTP',
  usage: 'serve -R FILE|DIR [FILE|DIR...] [--nats URL [--peer-id ID]] [--http [HOST:]PORT] [--git-mirror GITDIR] [-v]',
  description: [
    'With --nats, each repository answers sync on fossil.<project-code>.sync (when the hub lets it),',
    'announces every check-in it gains (also those other processes write to the file), pulls at once',
    'when a peer it trusts announces one, and keeps going through hub restarts. With --http (the',
    'default when --nats is not given), one repository answers at any path; several answer at /NAME',
    '(the file name without .fossil), / lists them and other names are 404. A GET shows a status page.',
    'A directory serves every NAME.fossil in it, picking up files added and removed while it runs.',
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
    { name: 'git-mirror', type: 'string', value: 'GITDIR', help: 'keep a bare Git mirror up to date as check-ins arrive (GITDIR/NAME.git each when several are served)' },
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
    const repos = new ServedRepos(stdout);
    let server: Server | undefined;
    try {
      let dirs = 0;
      for (const path of paths) {
        if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
          await repos.addDir(path);
          dirs++;
        } else {
          if (!existsSync(path)) throw new Error(`repository not found: ${path}`);
          repos.addFile(path);
        }
      }
      const single = dirs === 0 && paths.length === 1;
      if (o['git-mirror'] !== undefined) await repos.serveWith(gitMirrorHook(resolve(String(o['git-mirror'])), () => single, stdout));
      if (httpText) {
        const { host, port } = parseAddress(httpText);
        const routes = httpRoutes(single, repos);
        await repos.serveWith(routes.hook);
        server = createXferHttpServer(routes.target, {
          statusPage: () => statusPage(repos.list()[0]!.repo),
          indexPage: () => indexPage(repos.list().map((r) => r.name)),
          onRequest: o.verbose
            ? (i) => stdout(`${i.remoteAddress ?? '?'}: ${i.requestBytes} B in, ${i.replyBytes} B out, ${i.ms} ms`)
            : undefined,
          onError: (e) => stderr(`request failed: ${e.message}`),
        });
        const addr = await listen(server, port, host);
        const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
        if (single) stdout(`serving ${paths[0]} at http://${shown}:${addr.port}/`);
        else for (const r of repos.list()) stdout(`serving ${r.name} at http://${shown}:${addr.port}/${encodeURIComponent(r.name)}`);
      }
      if (natsUrl) {
        const connected = connectNats(natsUrl, { name: 'edgesync serve', waitOnFirstConnect: true });
        const nc = await Promise.race([connected, stopped.then(() => undefined)]);
        if (!nc) {
          // Stopped before the hub was ever reached (the process exits, taking the attempts with it).
          void connected.then((c) => c.close(), () => undefined);
          return;
        }
        const bus = new NatsBus(nc, natsUrl.auth.user);
        await repos.serveWith(async (r) => {
          const [leaf] = await startLeaves(bus, [r], {
            peerId: o['peer-id'],
            name: o.name,
            prefix: natsUrl.prefix,
            safetySyncMs: o['safety-sync'] === undefined ? undefined : Number(o['safety-sync']) * 1000,
            login,
            trust: { named: o['trust-peer'] ?? [] },
            log: o.verbose ? stdout : undefined,
          });
          const a = leaf!.agent;
          const role = a.serving ? '' : ' (not answering: the hub does not let this user serve it)';
          stdout(`serving ${a.repo.projectCode} on ${natsUrl.canonical} as peer ${a.peerId}${role}`);
          if (o.verbose) stdout(`  pulls: ${a.trust.describe()}`);
          return () => leaf!.stop();
        });
        await stopped;
        await repos.close();
        await nc.drain().catch(() => undefined);
      } else {
        await stopped;
      }
    } finally {
      if (server) await new Promise<void>((r) => server!.close(() => r()));
      await repos.close();
    }
  },
});
