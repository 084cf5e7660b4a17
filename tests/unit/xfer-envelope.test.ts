// The xfer body envelope: encoding per content type, upstream's plain-text fallback, and the
// size bound that is enforced before anything is inflated.
import { afterEach, describe, expect, it } from 'vitest';
import { readU32BE, utf8, writeU32BE } from '../../src/fossil/bytes.ts';
import { nodePlatform } from '../../src/platform/node.ts';
import { setPlatform } from '../../src/platform/platform.ts';
import {
  EnvelopeError,
  REQUEST_COMPRESSION_LEVEL,
  XFER_CONTENT_TYPE,
  XFER_DEBUG_CONTENT_TYPE,
  XFER_UNCOMPRESSED_CONTENT_TYPE,
  bodyEncodingOf,
  decodeBody,
  encodeBody,
} from '../../src/sync/envelope.ts';

const text = utf8('pragma client-version 22100 20230226 192424\nclone 3 1\n# B9DDEEF9E149487885850F6AD463EE2B76B4C301\n');

/** Count inflate calls, to prove a refused body was never inflated. */
function countInflates(): { calls: () => number } {
  let n = 0;
  setPlatform({ ...nodePlatform, inflate: (d, max) => (n++, nodePlatform.inflate(d, max)) });
  return { calls: () => n };
}

afterEach(() => setPlatform(nodePlatform));

describe('xfer envelope', () => {
  it('compresses only application/x-fossil, as 4-byte size + zlib', () => {
    const body = encodeBody(text, XFER_CONTENT_TYPE, { level: REQUEST_COMPRESSION_LEVEL });
    expect(readU32BE(body)).toBe(text.length);
    expect([body[4], body[5]]).toEqual([0x78, 0xda]);
    expect(encodeBody(text, XFER_CONTENT_TYPE)[5]).toBe(0x9c);
    expect(encodeBody(text, XFER_DEBUG_CONTENT_TYPE)).toBe(text);
    expect(encodeBody(text, XFER_UNCOMPRESSED_CONTENT_TYPE)).toBe(text);
  });

  it('round-trips every content type', () => {
    for (const t of [XFER_CONTENT_TYPE, XFER_DEBUG_CONTENT_TYPE, XFER_UNCOMPRESSED_CONTENT_TYPE] as const) {
      const d = decodeBody(encodeBody(text, t), t);
      expect(d.text).toEqual(text);
      expect(d.compressed).toBe(t === XFER_CONTENT_TYPE);
    }
  });

  it('matches content types as the 2.21 client does: case-insensitive prefixes', () => {
    expect(bodyEncodingOf('Application/X-Fossil')).toBe('envelope');
    expect(bodyEncodingOf('application/x-fossil; charset=utf-8')).toBe('envelope');
    expect(bodyEncodingOf('application/x-fossil-debug')).toBe('plain');
    expect(bodyEncodingOf('APPLICATION/X-FOSSIL-UNCOMPRESSED')).toBe('plain');
    expect(() => bodyEncodingOf('text/html; charset=utf-8')).toThrow(/not a fossil sync message: Content-Type "text\/html/);
    expect(() => decodeBody(text, 'text/html')).toThrow(EnvelopeError);
  });

  it('takes plain text labeled application/x-fossil as plain, without inflating it', () => {
    const inflates = countInflates();
    const d = decodeBody(text, XFER_CONTENT_TYPE);
    expect(d).toMatchObject({ compressed: false, fallback: 'no zlib stream after the size prefix' });
    expect(d.text).toBe(text);
    expect(inflates.calls()).toBe(0);
  });

  it('takes bodies of 4 bytes or fewer as plain, like upstream', () => {
    for (const b of [new Uint8Array(0), utf8('#\n'), new Uint8Array([0, 0, 0, 4])]) {
      expect(decodeBody(b, XFER_CONTENT_TYPE)).toMatchObject({ text: b, compressed: false });
    }
  });

  it('falls back to the raw bytes when a zlib-looking stream does not inflate', () => {
    const body = encodeBody(text, XFER_CONTENT_TYPE);
    const broken = body.slice(0, 12);
    const d = decodeBody(broken, XFER_CONTENT_TYPE);
    expect(d.compressed).toBe(false);
    expect(d.text).toBe(broken);
    expect(d.fallback).toMatch(/^cannot inflate/);
    // Inflating to more than the claimed size fails too, and falls back as upstream does.
    const lying = body.slice();
    writeU32BE(10, lying, 0);
    expect(decodeBody(lying, XFER_CONTENT_TYPE).compressed).toBe(false);
  });

  it('accepts inflated text shorter than claimed, like upstream', () => {
    const body = encodeBody(text, XFER_CONTENT_TYPE);
    writeU32BE(text.length + 100, body, 0);
    expect(decodeBody(body, XFER_CONTENT_TYPE).text).toEqual(text);
  });

  it('refuses a claimed size over the limit before inflating anything', () => {
    const inflates = countInflates();
    const body = encodeBody(text, XFER_CONTENT_TYPE);
    writeU32BE(0xffffffff, body, 0);
    expect(() => decodeBody(body, XFER_CONTENT_TYPE)).toThrow(/envelope claims 4294967295 bytes of card text, over the limit of \d+/);
    expect(() => decodeBody(encodeBody(text, XFER_CONTENT_TYPE), XFER_CONTENT_TYPE, { maxSize: text.length - 1 })).toThrow(
      `envelope claims ${text.length} bytes of card text, over the limit of ${text.length - 1}`,
    );
    expect(inflates.calls()).toBe(0);
    expect(decodeBody(encodeBody(text, XFER_CONTENT_TYPE), XFER_CONTENT_TYPE, { maxSize: text.length }).text).toEqual(text);
  });

  it('refuses a plain body over the limit', () => {
    expect(() => decodeBody(text, XFER_DEBUG_CONTENT_TYPE, { maxSize: 10 })).toThrow(
      `message of ${text.length} bytes is over the limit of 10`,
    );
    expect(() => decodeBody(text, XFER_CONTENT_TYPE, { maxSize: 10 })).toThrow(EnvelopeError);
  });
});
