import { describe, expect, it } from 'vitest';
import { hashBytes, verifyHash, algorithmOf } from '../../src/fossil/hash.ts';
import { utf8 } from '../../src/fossil/bytes.ts';
import { nodePlatform } from '../../src/platform/node.ts';
import { createWebPlatform } from '../../src/platform/web.ts';

describe('hashes', () => {
  it('sha1 and sha3-256 of known inputs', () => {
    expect(hashBytes(utf8('abc'), 'sha1')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(hashBytes(utf8('abc'), 'sha3')).toBe('3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532');
  });
  it('picks the algorithm from the name length', () => {
    expect(algorithmOf('a'.repeat(40))).toBe('sha1');
    expect(algorithmOf('a'.repeat(64))).toBe('sha3');
    expect(() => algorithmOf('abc')).toThrow(/not an artifact name/);
    expect(verifyHash(utf8('abc'), 'a9993e364706816aba3e25717850c26c9cd0d89d')).toBe(true);
    expect(verifyHash(utf8('abd'), 'a9993e364706816aba3e25717850c26c9cd0d89d')).toBe(false);
  });
  it('the web platform agrees with the node platform', async () => {
    const web = await createWebPlatform();
    const data = new Uint8Array(100_000).map((_, i) => (i * 7919) & 255);
    for (const f of ['sha1', 'sha3', 'md5'] as const) expect(web[f](data)).toBe(nodePlatform[f](data));
    const z = web.deflate(data);
    expect(nodePlatform.inflate(z, data.length)).toEqual(data);
    expect(web.inflate(nodePlatform.deflate(data), data.length)).toEqual(data);
    expect(() => web.inflate(z, 1000)).toThrow();
    expect(() => nodePlatform.inflate(z, 1000)).toThrow(/exceeds/);
  });
});
