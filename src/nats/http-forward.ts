/**
 * Answering NATS sync requests by forwarding them to an unmodified `fossil server` over HTTP.
 * NATS always carries the compressed envelope; fossil answers a clone with plain text
 * (`application/x-fossil-uncompressed`), so replies are re-framed. Cards only EdgeSync peers
 * know are dropped on the way, since fossil stops at a card it does not know.
 */
import { CardReader } from '../sync/card-parser.ts';
import { decodeBody, encodeBody, XFER_CONTENT_TYPE } from '../sync/envelope.ts';
import type { SyncTransport } from '../sync/transport.ts';
import { joinParts } from './parts.ts';
import type { SyncAnswerer } from './responder.ts';

/** Request text without cards fossil does not know (Go EdgeSync's schema, xigot, xgimme, …). */
export function withoutUnknownCards(text: Uint8Array): Uint8Array {
  const reader = new CardReader(text);
  const keep: Uint8Array[] = [];
  let start = 0;
  let dropping = false;
  let dropped = false;
  for (let c = reader.next(); c !== undefined; c = reader.next()) {
    if (dropping) start = c.offset;
    dropping = c.kind === 'unknown';
    if (dropping) {
      keep.push(text.subarray(start, c.offset));
      dropped = true;
    }
  }
  if (!dropped) return text;
  if (!dropping) keep.push(text.subarray(start));
  return joinParts(keep);
}

export class HttpForwardAnswerer implements SyncAnswerer {
  constructor(private readonly http: SyncTransport) {}

  async answer(request: Uint8Array): Promise<Uint8Array> {
    const decoded = decodeBody(request, XFER_CONTENT_TYPE);
    const text = withoutUnknownCards(decoded.text);
    // Forward the client's bytes untouched when nothing was dropped: its login signs them.
    const body = text === decoded.text ? request : encodeBody(text, XFER_CONTENT_TYPE, { level: 9 });
    const reply = await this.http.exchange({ contentType: XFER_CONTENT_TYPE, body });
    const t = reply.contentType.split(';')[0]!.trim().toLowerCase();
    if (t === XFER_CONTENT_TYPE) return reply.body;
    return encodeBody(decodeBody(reply.body, reply.contentType).text, XFER_CONTENT_TYPE);
  }
}
