/**
 * Browser (and any JS host) implementation of the platform services: hash-wasm for the hashes,
 * fflate for zlib. hash-wasm needs an async start-up; after that every call is synchronous.
 */
import { createMD5, createSHA1, createSHA3 } from 'hash-wasm';
import { unzlibSync, zlibSync } from 'fflate';
import { setPlatform, type Platform } from './platform.ts';

type Hasher = Awaited<ReturnType<typeof createSHA1>>;

function digest(h: Hasher, data: Uint8Array): string {
  h.init();
  h.update(data);
  return h.digest('hex');
}

export async function createWebPlatform(): Promise<Platform> {
  const [s1, s3, m5] = await Promise.all([createSHA1(), createSHA3(256), createMD5()]);
  return {
    name: 'web',
    sha1: (d) => digest(s1, d),
    sha3: (d) => digest(s3, d),
    md5: (d) => digest(m5, d),
    deflate: (d, level = 6) => zlibSync(d, { level: Math.max(0, Math.min(9, level)) as 6 }),
    inflate(d, maxOutput, _expected, alloc) {
      // fflate inflates into a caller-provided buffer and silently stops at its end, so give it
      // one spare byte: filling that byte means the stream holds more than the caller allows.
      const out = alloc ? alloc(maxOutput + 1) : new Uint8Array(maxOutput + 1);
      let res: Uint8Array;
      try {
        res = unzlibSync(d, { out });
      } catch (e) {
        throw new Error(`bad zlib stream: ${(e as Error).message}`);
      }
      if (res.length > maxOutput) throw new Error(`inflated data exceeds ${maxOutput} bytes`);
      return res;
    },
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
  };
}

export async function installWebPlatform(): Promise<Platform> {
  const p = await createWebPlatform();
  setPlatform(p);
  return p;
}
