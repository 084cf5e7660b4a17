/**
 * HTTP server adapter for Node. Any POST whose Content-Type is one of fossil's sync types is a
 * sync request, whatever the path (upstream routes on the type, and clients post to the bare
 * repository URL). Replies always carry Content-Length (2.21 clients cannot read chunked
 * replies) and close the connection. A GET shows a small status page.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_MAX_MESSAGE_SIZE } from '../card-limits.ts';
import type { XferService } from '../transport.ts';

export interface NodeServerOptions {
  /** Largest request body accepted (413 beyond it). */
  maxRequestSize?: number;
  /** HTML body of the status page shown for GET. */
  statusPage?: () => string;
  /** Called after each sync request, e.g. for logging. */
  onRequest?: (info: { remoteAddress?: string; requestBytes: number; replyBytes: number; ms: number }) => void;
  /** Called when handling a request failed unexpectedly. */
  onError?: (e: Error) => void;
}

function isSyncType(type: string | undefined): type is string {
  return type !== undefined && type.trim().toLowerCase().startsWith('application/x-fossil');
}

function reply(res: ServerResponse, status: number, type: string, body: Uint8Array | string): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, {
    Connection: 'close',
    'Cache-Control': 'no-cache',
    'Content-Type': type,
    'Content-Length': String(bytes.length),
  });
  res.end(bytes);
}

function readBody(req: IncomingMessage, max: number): Promise<Uint8Array | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > max) {
      resolve('too-large');
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      if (tooLarge) return resolve('too-large');
      const buf = Buffer.concat(chunks);
      resolve(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
    });
    req.on('error', reject);
  });
}

export function createXferHttpServer(service: XferService, opts: NodeServerOptions = {}): Server {
  const max = opts.maxRequestSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  return createServer((req, res) => {
    const type = req.headers['content-type'];
    if (req.method === 'POST' && isSyncType(type)) {
      const started = Date.now();
      readBody(req, max)
        .then(async (body) => {
          if (body === 'too-large') return reply(res, 413, 'text/plain; charset=utf-8', `request larger than ${max} bytes\n`);
          const remoteAddress = req.socket.remoteAddress;
          const out = await service.handle({ contentType: type, body }, { remoteAddress });
          reply(res, 200, out.contentType, out.body);
          opts.onRequest?.({ remoteAddress, requestBytes: body.length, replyBytes: out.body.length, ms: Date.now() - started });
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
      return reply(res, 200, 'text/html; charset=utf-8', opts.statusPage?.() ?? '<!doctype html><title>edgesync</title><p>edgesync sync server</p>\n');
    }
    req.resume();
    reply(res, 405, 'text/plain; charset=utf-8', 'POST fossil sync messages here (Content-Type application/x-fossil)\n');
  });
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
