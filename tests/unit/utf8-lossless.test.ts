import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeLossless, encodeLossless } from '../../src/fossil/utf8-lossless.ts';

describe('lossless UTF-8', () => {
  it('decodes valid UTF-8 as TextDecoder does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const b = new TextEncoder().encode(s);
        expect(decodeLossless(b)).toBe(s);
        expect(encodeLossless(s)).toEqual(b);
      }),
      { numRuns: 500 },
    );
  });
  it('gives back any bytes exactly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        expect(encodeLossless(decodeLossless(b))).toEqual(b);
      }),
      { numRuns: 2000 },
    );
  });
  it('maps invalid bytes to lone surrogates', () => {
    expect(decodeLossless(Uint8Array.of(0x61, 0xe9, 0x62))).toBe('a\udce9b');
    expect(decodeLossless(Uint8Array.of(0xed, 0xa0, 0x80))).toBe('\udced\udca0\udc80'); // an encoded surrogate
    expect(encodeLossless('\ud800')).toEqual(Uint8Array.of(0xef, 0xbf, 0xbd));
  });
});
