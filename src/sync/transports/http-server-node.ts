/**
 * HTTP server adapter for Node. Any POST whose Content-Type is one of fossil's sync types is a
 * sync request, whatever the path (upstream routes on the type, and clients post to the bare
 * repository URL). Replies always carry Content-Length (2.21 clients cannot read chunked
 * replies) and close the connection. A GET shows a small status page.
 *
 * Request bodies are bounded before anything is kept (request-body-node.ts): each by its size on
 * the wire and by its card text, all together by a budget of bytes held at once. Too large gets
 * 413, over the budget 503 (try again): a flood costs the server its budget, not its memory.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { xferErrorReply } from '../server-handler.ts';
import type { XferService } from '../transport.ts';
import { ByteBudget, readRequestBody } from './request-body-node.ts';

/** One repository's sync service and its status page. */
export interface XferRoute {
  service: XferService;
  statusPage?: () => string;
}

/**
 * Which repository a request path is for, as `fossil server --repolist` routes (`/NAME/…`):
 * a route, `index` for the list of repositories (`/`), or undefined (404).
 */
export type XferRouter = (path: string) => XferRoute | 'index' | undefined;

export interface NodeServerOptions {
  /** With a router: the HTML list of repositories shown for GET `/`. */
  indexPage?: () => string;
  /** Largest request body on the wire (413 beyond it; default 64 MiB). */
  maxRequestSize?: number;
  /** Largest card text a request may inflate to (413 beyond it; default 64 MiB). */
  maxRequestText?: number;
  /** Bytes all requests in flight may hold together (503 beyond it; default 96 MiB). */
  requestBudget?: number;
  /** HTML body of the status page shown for GET. */
  statusPage?: () => string;
  /** Called after each sync request, e.g. for logging. */
  onRequest?: (info: { remoteAddress?: string; requestBytes: number; replyBytes: number; ms: number }) => void;
  /** Called when handling a request failed unexpectedly. */
  onError?: (e: Error) => void;
}

export const DEFAULT_HTTP_LIMITS = { maxRequestSize: 64 * 1024 * 1024, maxRequestText: 64 * 1024 * 1024, requestBudget: 96 * 1024 * 1024 };

function isSyncType(type: string | undefined): type is string {
  return type !== undefined && type.trim().toLowerCase().startsWith('application/x-fossil');
}

function reply(res: ServerResponse, status: number, type: string, body: Uint8Array | string, extra: Record<string, string> = {}): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, {
    Connection: 'close',
    'Cache-Control': 'no-cache',
    'Content-Type': type,
    'Content-Length': String(bytes.length),
    ...extra,
  });
  res.end(bytes);
}

export interface XferHttpServer extends Server {
  /** The request budget (its peak shows what floods cost). */
  budget: ByteBudget;
}

/** A server for one repository (any path) or several (a router). */
export function createXferHttpServer(target: XferService | XferRouter, opts: NodeServerOptions = {}): XferHttpServer {
  const route: XferRouter = typeof target === 'function' ? target : () => ({ service: target, statusPage: opts.statusPage });
  const limits = {
    maxBody: opts.maxRequestSize ?? DEFAULT_HTTP_LIMITS.maxRequestSize,
    maxText: opts.maxRequestText ?? DEFAULT_HTTP_LIMITS.maxRequestText,
  };
  const budget = new ByteBudget(opts.requestBudget ?? DEFAULT_HTTP_LIMITS.requestBudget);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const type = req.headers['content-type'];
    let path = '/';
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      // a malformed path matches no repository
      path = '\0';
    }
    const where = route(path);
    if (where === undefined || (where === 'index' && req.method === 'POST')) {
      req.resume();
      return reply(res, 404, 'text/plain; charset=utf-8', 'no such repository here\n');
    }
    if (where === 'index') {
      req.resume();
      return reply(res, 200, 'text/html; charset=utf-8', opts.indexPage?.() ?? '<!doctype html><title>edgesync</title>\n');
    }
    const { service, statusPage } = where;
    if (req.method === 'POST' && isSyncType(type)) {
      const started = Date.now();
      readRequestBody(req, type, limits, budget)
        .then(async (body) => {
          if (body.kind === 'too-large') return reply(res, 413, 'text/plain; charset=utf-8', `${body.what}\n`);
          if (body.kind === 'busy') return reply(res, 503, 'text/plain; charset=utf-8', 'too many large requests at once; try again\n', { 'Retry-After': '5' });
          try {
            const remoteAddress = req.socket.remoteAddress;
            const out = body.kind === 'damaged'
              ? xferErrorReply(type, `damaged request envelope (${body.reason})`)
              : await service.handle({ contentType: type, body: body.text, text: body.text }, { remoteAddress });
            reply(res, 200, out.contentType, out.body);
            opts.onRequest?.({ remoteAddress, requestBytes: body.kind === 'text' ? body.wireBytes : 0, replyBytes: out.body.length, ms: Date.now() - started });
          } finally {
            body.release();
          }
        })
        .catch((e: Error) => {
          opts.onError?.(e);
          if (!res.headersSent) reply(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
          else res.destroy();
        });
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      req.resume();
      return reply(res, 200, 'text/html; charset=utf-8', statusPage?.() ?? '<!doctype html><title>edgesync</title><p>edgesync sync server</p>\n');
    }
    req.resume();
    reply(res, 405, 'text/plain; charset=utf-8', 'POST fossil sync messages here (Content-Type application/x-fossil)\n');
  }) as XferHttpServer;
  server.budget = budget;
  return server;
}

/** Listen on host:port (port 0 picks a free one); resolves with the bound address. */
export function listen(server: Server, port: number, host = '127.0.0.1'): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
