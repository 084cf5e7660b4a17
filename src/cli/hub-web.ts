/** The web part of `edgesync hub`: start the app server and print where to open it. */
import type { HubConfig } from '../nats/hub-config.ts';
import type { Member } from '../nats/hub-permissions.ts';
import { startWebServer, type WebServer } from './web-server.ts';

export interface HubWebOptions {
  config: HubConfig;
  /** 0: no web app. */
  webPort: number;
  /** The hub's WebSocket URL(s) as browsers reach them. */
  ws: () => string;
  /** What the hub serves now. */
  repos: () => { name: string; projectCode: string }[];
  /** With --public-read: the reader whose credentials the app may hand out. */
  publicRead?: Member;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

export async function startHubWeb(o: HubWebOptions): Promise<WebServer | undefined> {
  if (o.webPort === 0) return undefined;
  if (!Number.isInteger(o.webPort) || o.webPort < 0 || o.webPort > 65535) throw new Error(`bad web port ${o.webPort}`);
  const c = o.config;
  const read = o.publicRead ? { user: o.publicRead.name, password: o.publicRead.password } : undefined;
  const web = await startWebServer({ host: c.host, port: o.webPort, ws: o.ws, repos: o.repos, read });
  if (!web.built) o.stderr(`the web app is not built in ${web.root} (run: npm run build:web)`);
  o.stdout(`  Web app:   ${web.url}`);
  return web;
}
