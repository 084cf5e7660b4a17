/** The web part of `edgesync hub`: start the app server and print where to open it. */
import { basename } from 'node:path';
import type { HubConfig } from '../nats/hub-config.ts';
import type { NatsAuth } from '../nats/nats-url.ts';
import type { Repository } from '../repo/repository.ts';
import { startWebServer, type WebServer } from './web-server.ts';

export interface HubWebOptions {
  config: HubConfig;
  /** 0: no web app. */
  webPort: number;
  repos: { path: string; repo: Repository }[];
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

export async function startHubWeb(o: HubWebOptions): Promise<WebServer | undefined> {
  if (o.webPort === 0) return undefined;
  if (!Number.isInteger(o.webPort) || o.webPort < 0 || o.webPort > 65535) throw new Error(`bad web port ${o.webPort}`);
  const c = o.config;
  const host = c.host.includes(':') ? `[${c.host}]` : c.host;
  const served = o.repos.map(({ path, repo }) => ({ projectCode: repo.projectCode, name: basename(path).replace(/\.fossil$/, '') }));
  const web = await startWebServer({ host: c.host, port: o.webPort, ws: `${c.tls ? 'wss' : 'ws'}://${host}:${c.wsPort}`, repos: served });
  if (!web.built) o.stderr(`the web app is not built in ${web.root} (run: npm run build:web)`);
  o.stdout(`  Web app:   ${web.url}`);
  const auth: NatsAuth | undefined = c.user !== undefined ? { user: c.user, password: c.password ?? '' } : c.token !== undefined ? { token: c.token } : undefined;
  for (const r of served) {
    // With auth on the hub, a link without credentials cannot connect: print the invite.
    o.stdout(`  share ${r.name}: ${web.share(r, auth)}`);
  }
  return web;
}
