/** Node implementation of the core's platform services, on node:crypto and node:zlib. */
import { createHash, randomBytes } from 'node:crypto';
import { deflateSync, inflateSync, constants } from 'node:zlib';
import { setPlatform, type Platform } from './platform.ts';

function hex(algorithm: string, data: Uint8Array): string {
  return createHash(algorithm).update(data).digest('hex');
}

function asBytes(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export const nodePlatform: Platform = {
  name: 'node',
  sha1: (d) => hex('sha1', d),
  sha3: (d) => hex('sha3-256', d),
  md5: (d) => hex('md5', d),
  deflate: (d, level = constants.Z_DEFAULT_COMPRESSION) => asBytes(deflateSync(d, { level })),
  inflate(d, maxOutput, expectedSize) {
    // One spare byte: the stream ends within the first chunk, which is then the result as it is
    // (the default 16 KiB chunks are joined into a copy at the end).
    const sized = expectedSize !== undefined && expectedSize <= maxOutput ? { chunkSize: Math.max(64, expectedSize + 1) } : {};
    try {
      return asBytes(inflateSync(d, { maxOutputLength: Math.max(1, maxOutput), ...sized }));
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ERR_BUFFER_TOO_LARGE') throw new Error(`inflated data exceeds ${maxOutput} bytes`);
      throw new Error(`bad zlib stream: ${err.message}`);
    }
  },
  randomBytes: (n) => asBytes(randomBytes(n)),
};

export function installNodePlatform(): Platform {
  setPlatform(nodePlatform);
  return nodePlatform;
}
