/**
 * The web app served by `edgesync hub`: the built app (dist/web) with the headers it needs
 * (cross-origin isolation for SQLite-WASM, no caching of the entry points so the service worker
 * sees updates, long caching of hashed assets), `/edgesync-hub.json` telling the app where the
 * hub's WebSocket is and what it serves (and, with `hub --public-read`, the read credentials).
 */
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { checkoutRoot } from './checkout-root.ts';
import type { AddressInfo } from 'node:net';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json',
  '.webmanifest': 'application/manifest+json', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8',
};

/** dist/web of this checkout. */
export function defaultWebRoot(): string {
  return join(checkoutRoot(), 'dist', 'web');
}

/**
 * The app's Content-Security-Policy: only its own scripts and WebAssembly run (so nothing from a
 * repository can, even in a document of this origin), images come only from itself, data: and
 * blob:, and nothing is fetched from elsewhere but the hubs' WebSockets. index.html carries the
 * same policy as a meta tag for servers that cannot send headers.
 */
export const APP_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self' ws: wss:; worker-src 'self' blob:; manifest-src 'self'; frame-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'";

export interface ServedRepo {
  projectCode: string;
  /** File name without `.fossil`: the name a clone gets. */
  name: string;
}

export interface WebServerOptions {
  host: string;
  port: number;
  /** ws:// URL of the hub as a browser reaches it (a cluster's nodes, comma-separated; a function when that changes). */
  ws: string | (() => string);
  /** What the hub serves now (a function when a watched directory changes it). */
  repos: ServedRepo[] | (() => ServedRepo[]);
  /** Read credentials the app may use for the served repositories (hub --public-read). */
  read?: { user: string; password: string };
  root?: string;
}

export interface WebServer {
  url: string;
  root: string;
  built: boolean;
  close(): Promise<void>;
}

export async function startWebServer(o: WebServerOptions): Promise<WebServer> {
  const root = o.root ?? defaultWebRoot();
  const served = typeof o.repos === 'function' ? o.repos : () => o.repos as ServedRepo[];
  const ws = typeof o.ws === 'function' ? o.ws : () => o.ws as string;
  const hubJson = () => JSON.stringify({ ws: ws(), repos: served(), ...(o.read ? { read: o.read } : {}) });
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const common = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': APP_CSP,
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...common, Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/edgesync-hub.json') {
      res.writeHead(200, { ...common, 'Content-Type': TYPES['.json']!, 'Cache-Control': 'no-store' }).end(hubJson());
      return;
    }
    let file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    // Never outside the root; any route without a file extension is the app itself.
    if (!file.startsWith(root + sep)) file = join(root, 'index.html');
    if (!existsSync(file) && !extname(path)) file = join(root, 'index.html');
    readFile(file).then(
      (body) => {
        const hashed = file.includes(`${sep}assets${sep}`);
        res.writeHead(200, {
          ...common,
          'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
          'Content-Length': body.length,
          'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
          ...(file.endsWith(`${sep}sw.js`) ? { 'Service-Worker-Allowed': '/' } : {}),
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      () => res.writeHead(404, { ...common, 'Content-Type': 'text/plain' }).end('not found\n'),
    );
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port, o.host, () => ok());
  });
  const { port } = server.address() as AddressInfo;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  const url = `http://${host}:${port}/`;
  return {
    url,
    root,
    built: existsSync(join(root, 'index.html')),
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
