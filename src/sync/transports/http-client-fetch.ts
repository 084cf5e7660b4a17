/**
 * HTTP client transport on fetch, for browsers (and any host with fetch). The browser decides
 * the framing itself; a body of known length goes out with Content-Length. Credentials travel
 * in the login card, never in the URL.
 */
import { parseSyncUrl, type SyncUrl } from '../sync-url.ts';
import { TransportError, type SyncTransport, type WireMessage } from '../transport.ts';
import { describeNonSyncReply, isSyncContentType } from './reply-check.ts';

export interface FetchTransportOptions {
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  maxReplySize?: number;
}

export class FetchTransport implements SyncTransport {
  private readonly url: SyncUrl;

  constructor(
    url: string | SyncUrl,
    private readonly opts: FetchTransportOptions = {},
  ) {
    this.url = typeof url === 'string' ? parseSyncUrl(url) : url;
  }

  get label(): string {
    return this.url.canonical;
  }

  async exchange(message: WireMessage): Promise<WireMessage> {
    const doFetch = this.opts.fetch ?? globalThis.fetch;
    let res: Response;
    try {
      res = await doFetch(this.url.canonical, {
        method: 'POST',
        headers: { 'Content-Type': message.contentType },
        body: message.body as unknown as RequestInit['body'],
        redirect: 'follow',
        credentials: 'omit',
      });
    } catch (e) {
      throw new TransportError(`${this.url.canonical}: ${(e as Error).message}`, undefined, undefined, { cause: e });
    }
    const body = new Uint8Array(await res.arrayBuffer());
    const max = this.opts.maxReplySize;
    if (max !== undefined && body.length > max) {
      throw new TransportError(`${this.url.canonical}: reply of ${body.length} bytes is over the limit of ${max}`);
    }
    if (res.status !== 200) throw new TransportError(`${this.url.canonical}: server says: ${res.status} ${res.statusText}`, res.status);
    const type = res.headers.get('content-type') ?? '';
    if (!isSyncContentType(type)) throw new TransportError(describeNonSyncReply(this.url.canonical, type, body), res.status, undefined, { code: 'peer-bad-data' });
    return { contentType: type, body };
  }
}
