import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defossilize, fossilize } from '../../src/fossil/fossilize.ts';
import { compressBlob, uncompressBlob, BlobFormatError } from '../../src/fossil/blob-codec.ts';
import { toHex, utf8 } from '../../src/fossil/bytes.ts';

describe('fossilize', () => {
  it('escapes exactly what fossil escapes', () => {
    expect(fossilize('a b\\c\n\t\r\v\f\0d')).toBe('a\\sb\\\\c\\n\\t\\r\\v\\f\\0d');
    expect(fossilize('ünï/名前!')).toBe('ünï/名前!');
  });
  it('decodes unknown escapes as the escaped character, and round-trips any text', () => {
    expect(defossilize('a\\sb\\qc\\\\')).toBe('a bqc\\');
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => defossilize(fossilize(s)) === s));
  });
  it('leaves no separator characters in an escaped token', () => {
    fc.assert(fc.property(fc.string(), (s) => !/[ \n\t\r\v\f\0]/.test(fossilize(s))));
  });
});

describe('compressed blobs', () => {
  it('is a 4-byte big-endian size then zlib, as fossil stores it', () => {
    expect(toHex(compressBlob(new Uint8Array(0)))).toBe('00000000789c030000000001');
    const data = utf8('hello fossil\n'.repeat(50));
    const blob = compressBlob(data);
    expect([...blob.subarray(0, 4)]).toEqual([0, 0, 2, 138]);
    expect(blob[4]).toBe(0x78);
    expect(uncompressBlob(blob)).toEqual(data);
  });
  it('refuses a claimed size over the limit before inflating, and a size that does not match', () => {
    const blob = compressBlob(utf8('x'.repeat(1000)));
    expect(() => uncompressBlob(blob, 999)).toThrow(/over the limit/);
    const lying = blob.slice();
    lying[3] = lying[3]! - 1;
    expect(() => uncompressBlob(lying)).toThrow(BlobFormatError);
    expect(() => uncompressBlob(new Uint8Array([0, 0]))).toThrow(/too short/);
  });
});
