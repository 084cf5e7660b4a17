/**
 * The body of an xfer HTTP message, by Content-Type (http.c, cgi.c, blob.c):
 *   application/x-fossil               envelope: 4-byte big-endian size + zlib stream of the card text
 *   application/x-fossil-debug         plain card text
 *   application/x-fossil-uncompressed  plain card text
 * Decoding follows upstream's fallback: an `application/x-fossil` body that does not decompress
 * is taken as plain text (`fossil sync --no-http-compression` sends exactly that).
 */
import { compressBlob } from '../fossil/blob-codec.ts';
import { readU32BE } from '../fossil/bytes.ts';
import { platform } from '../platform/platform.ts';
import { DEFAULT_MAX_MESSAGE_SIZE } from './card-limits.ts';

export const XFER_CONTENT_TYPE = 'application/x-fossil';
export const XFER_DEBUG_CONTENT_TYPE = 'application/x-fossil-debug';
export const XFER_UNCOMPRESSED_CONTENT_TYPE = 'application/x-fossil-uncompressed';

export type XferContentType =
  | typeof XFER_CONTENT_TYPE
  | typeof XFER_DEBUG_CONTENT_TYPE
  | typeof XFER_UNCOMPRESSED_CONTENT_TYPE;

/** zlib level upstream's client uses for requests (blob_compress2); replies use the default. */
export const REQUEST_COMPRESSION_LEVEL = 9;

export class EnvelopeError extends Error {
  override name = 'EnvelopeError';
}

export type BodyEncoding = 'envelope' | 'plain';

/**
 * How a body with this Content-Type is encoded, matched as the 2.21 client does: a
 * case-insensitive prefix match, the two plain types first. Anything else is not a sync message
 * (typically an HTML error page).
 */
export function bodyEncodingOf(contentType: string): BodyEncoding {
  const t = contentType.trim().toLowerCase();
  if (t.startsWith(XFER_DEBUG_CONTENT_TYPE) || t.startsWith(XFER_UNCOMPRESSED_CONTENT_TYPE)) return 'plain';
  if (t.startsWith(XFER_CONTENT_TYPE)) return 'envelope';
  throw new EnvelopeError(`not a fossil sync message: Content-Type ${JSON.stringify(contentType.slice(0, 100))}`);
}

export interface EncodeOptions {
  /** zlib level for the envelope; upstream: 9 for requests, the default for replies. */
  level?: number;
}

/** The HTTP body carrying this card text under the given Content-Type. */
export function encodeBody(cardText: Uint8Array, contentType: XferContentType, options: EncodeOptions = {}): Uint8Array {
  return bodyEncodingOf(contentType) === 'envelope' ? compressBlob(cardText, options.level) : cardText;
}

export interface DecodeOptions {
  /** Largest card text accepted, compressed or not. */
  maxSize?: number;
}

export interface DecodedBody {
  /** The card text. For a plain body this is the body itself, not a copy. */
  text: Uint8Array;
  /** True when the body was an envelope and was inflated. */
  compressed: boolean;
  /** Why an `application/x-fossil` body was taken as plain text, for diagnostics. */
  fallback?: string;
  /**
   * True when the body started like an envelope (size prefix, then a zlib header) but did not
   * inflate: a damaged or truncated envelope rather than plain text.
   */
  damagedEnvelope?: boolean;
}

/** Do the bytes after the size prefix start like a zlib stream (RFC 1950 header check)? */
function looksLikeZlib(body: Uint8Array): boolean {
  if (body.length < 6) return false;
  const cmf = body[4]!;
  const flg = body[5]!;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0;
}

/** The card text of an HTTP body with this Content-Type. */
export function decodeBody(body: Uint8Array, contentType: string, options: DecodeOptions = {}): DecodedBody {
  const maxSize = options.maxSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  const plain = (fallback?: string): DecodedBody => {
    if (body.length > maxSize) {
      throw new EnvelopeError(`message of ${body.length} bytes is over the limit of ${maxSize}`);
    }
    return fallback === undefined ? { text: body, compressed: false } : { text: body, compressed: false, fallback };
  };
  if (bodyEncodingOf(contentType) === 'plain') return plain();
  // Plain text under the envelope type claims an absurd size ("logi" = 1.8 GB), so the size can
  // only be judged once the rest is known to be a zlib stream.
  if (body.length <= 4) return plain('body too short for an envelope');
  if (!looksLikeZlib(body)) return plain('no zlib stream after the size prefix');
  const claimed = readU32BE(body, 0);
  if (claimed > maxSize) {
    throw new EnvelopeError(`envelope claims ${claimed} bytes of card text, over the limit of ${maxSize}`);
  }
  try {
    // Like upstream, output shorter than claimed is accepted; longer fails and falls back.
    return { text: platform().inflate(body.subarray(4), claimed), compressed: true };
  } catch (e) {
    return { ...plain(`cannot inflate: ${(e as Error).message}`), damagedEnvelope: true };
  }
}
