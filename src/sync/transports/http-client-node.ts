/**
 * HTTP client transport for Node: one POST per round, to the URL's path, with an explicit
 * Content-Length (never chunked) and a fresh connection each time, as upstream's client does.
 * Follows redirects (at most 20, dropping a trailing /xfer, never from https to http).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { DEFAULT_MAX_MESSAGE_SIZE } from '../card-limits.ts';
import { hostHeader, parseSyncUrl, redirectTarget, type SyncUrl } from '../sync-url.ts';
import { TransportError, type SyncTransport, type WireMessage } from '../transport.ts';
import { describeNonSyncReply, isSyncContentType } from './reply-check.ts';

/** What upstream 2.21 sends; servers do not look at it, but it keeps our requests recognizable. */
export const FOSSIL_2_21_USER_AGENT = 'Fossil/2.21 (2023-02-26 19:24:24 [3c53b6364e])';

const MAX_REDIRECTS = 20;

export interface NodeHttpOptions {
  /** Largest reply body accepted. */
  maxReplySize?: number;
  /** Milliseconds without progress before a round is abandoned. */
  timeout?: number;
  userAgent?: string;
}

export class NodeHttpTransport implements SyncTransport {
  private url: SyncUrl;

  constructor(
    url: string | SyncUrl,
    private readonly opts: NodeHttpOptions = {},
  ) {
    this.url = typeof url === 'string' ? parseSyncUrl(url) : url;
  }

  get label(): string {
    return this.url.canonical;
  }

  async exchange(message: WireMessage): Promise<WireMessage> {
    let url = this.url;
    for (let hop = 0; ; hop++) {
      const res = await this.post(url, message);
      if ([301, 302, 307, 308].includes(res.status)) {
        if (hop >= MAX_REDIRECTS) throw new TransportError(`too many redirects from ${this.url.canonical}`, res.status);
        if (!res.location) throw new TransportError(`redirect without a Location from ${url.canonical}`, res.status);
        const next = parseSyncUrl(redirectTarget(res.location, url));
        if (url.protocol === 'https:' && next.protocol === 'http:') {
          throw new TransportError(`refusing a redirect from https to http (${next.canonical})`, res.status);
        }
        // Credentials stay with the repository, not the URL; keep the user's for the new place.
        url = { ...next, user: url.user, password: url.password };
        if (res.status === 301 || res.status === 308) this.url = url;
        continue;
      }
      if (res.status !== 200) {
        throw new TransportError(`${url.canonical}: server says: ${res.status} ${res.reason}`, res.status);
      }
      const type = res.contentType ?? '';
      if (!isSyncContentType(type)) throw new TransportError(describeNonSyncReply(url.canonical, type, res.body), res.status, undefined, { code: 'peer-bad-data' });
      return { contentType: type, body: res.body };
    }
  }

  private async post(url: SyncUrl, message: WireMessage): Promise<{ status: number; reason: string; location?: string; contentType?: string; body: Uint8Array }> {
    const maxReply = this.opts.maxReplySize ?? DEFAULT_MAX_MESSAGE_SIZE;
    // TLS is loaded only for an https URL (it is a noticeable part of a small command's start-up).
    const send = url.protocol === 'https:' ? (await import('node:https')).request : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        {
          host: url.host,
          port: url.port,
          method: 'POST',
          path: url.path,
          agent: false,
          headers: {
            Host: hostHeader(url),
            'User-Agent': this.opts.userAgent ?? FOSSIL_2_21_USER_AGENT,
            'Content-Type': message.contentType,
            'Content-Length': String(message.body.length),
            Connection: 'close',
          },
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const declared = Number(res.headers['content-length'] ?? NaN);
          if (declared > maxReply) {
            res.destroy();
            reject(new TransportError(`${url.canonical}: reply of ${declared} bytes is over the limit of ${maxReply}`));
            return;
          }
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > maxReply) {
              res.destroy();
              reject(new TransportError(`${url.canonical}: reply is over the limit of ${maxReply} bytes`));
              return;
            }
            chunks.push(c);
          });
          res.on('error', (e) => reject(new TransportError(`${url.canonical}: ${e.message}`, undefined, undefined, { cause: e })));
          res.on('end', () => {
            const buf = Buffer.concat(chunks);
            const body = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
            if (Number.isFinite(declared) && body.length < declared) {
              reject(new TransportError(`${url.canonical}: reply truncated (${body.length} of ${declared} bytes)`));
              return;
            }
            resolve({
              status: res.statusCode ?? 0,
              reason: res.statusMessage ?? '',
              location: typeof res.headers.location === 'string' ? res.headers.location : undefined,
              contentType: res.headers['content-type'],
              body,
            });
          });
        },
      );
      req.setTimeout(this.opts.timeout ?? 300_000, () => req.destroy(new Error('timed out')));
      req.on('error', (e) => reject(new TransportError(`${url.canonical}: ${e.message}`, undefined, undefined, { cause: e })));
      req.end(message.body);
    });
  }
}
