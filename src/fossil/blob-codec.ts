/**
 * Fossil's compressed blob format (blob.c blob_compress/blob_uncompress), used both for
 * `blob.content` and for the xfer envelope: a 4-byte big-endian uncompressed length, then a
 * zlib (RFC 1950) stream.
 */
import { platform } from '../platform/platform.ts';
import { readU32BE, writeU32BE } from './bytes.ts';

/** Largest artifact we agree to expand; a claimed size above it is refused before allocating. */
export const MAX_ARTIFACT_SIZE = 1024 * 1024 * 1024;

export class BlobFormatError extends Error {
  override name = 'BlobFormatError';
}

export function compressBlob(data: Uint8Array, level?: number): Uint8Array {
  const z = platform().deflate(data, level);
  const out = new Uint8Array(4 + z.length);
  writeU32BE(data.length, out, 0);
  out.set(z, 4);
  return out;
}

/** The uncompressed size a compressed blob claims, without inflating it. */
export function claimedSize(blob: Uint8Array): number {
  if (blob.length < 4) throw new BlobFormatError(`compressed blob too short (${blob.length} bytes)`);
  return readU32BE(blob, 0);
}

/**
 * Inflate a compressed blob. The claimed size bounds the allocation (and may not exceed maxSize);
 * the result must have exactly the claimed size. `alloc` makes the output buffer (see
 * Platform.inflate).
 */
export function uncompressBlob(blob: Uint8Array, maxSize = MAX_ARTIFACT_SIZE, alloc?: (size: number) => Uint8Array): Uint8Array {
  const n = claimedSize(blob);
  if (n > maxSize) throw new BlobFormatError(`compressed blob claims ${n} bytes, over the limit of ${maxSize}`);
  let out: Uint8Array;
  try {
    out = platform().inflate(blob.subarray(4), n, n, alloc);
  } catch (e) {
    throw new BlobFormatError(`cannot uncompress blob: ${(e as Error).message}`);
  }
  if (out.length !== n) throw new BlobFormatError(`compressed blob claims ${n} bytes but holds ${out.length}`);
  return out;
}
