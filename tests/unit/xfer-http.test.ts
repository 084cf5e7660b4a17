// Pure HTTP framing: requests as upstream builds them, replies a 2.21 client reads, and parsing
// of raw messages (the captures, LF-only heads, truncation).
import { describe, expect, it } from 'vitest';
import { latin1, utf8 } from '../../src/fossil/bytes.ts';
import {
  FOSSIL_2_21_USER_AGENT,
  HttpMessageError,
  buildHttpRequest,
  buildHttpResponse,
  findBodyStart,
  parseHttpMessage,
  parseHttpRequest,
  parseHttpResponse,
} from '../helpers/http-message.ts';
import { loadCaptures } from './xfer-vectors.ts';

const body = utf8('pragma client-version 22100 20230226 192424\n');

describe('HTTP framing', () => {
  it('builds requests with upstream header order and Content-Length', () => {
    const req = buildHttpRequest({
      path: '/repo/path/',
      host: 'example.org:8080',
      contentType: 'application/x-fossil-debug',
      body,
      authorization: 'Basic Ym9iOmJvYnB3',
      proxyAuthorization: 'Basic cHJveHk6cHc=',
      sshTransport: true,
    });
    expect(latin1(req)).toBe(
      'POST /repo/path/ HTTP/1.0\r\n' +
        'Proxy-Authorization: Basic cHJveHk6cHc=\r\n' +
        'Authorization: Basic Ym9iOmJvYnB3\r\n' +
        'Host: example.org:8080\r\n' +
        `User-Agent: ${FOSSIL_2_21_USER_AGENT}\r\n` +
        'X-Fossil-Transport: SSH\r\n' +
        'Content-Type: application/x-fossil-debug\r\n' +
        `Content-Length: ${body.length}\r\n` +
        '\r\n' +
        latin1(body),
    );
    expect(latin1(buildHttpRequest({ path: '', host: 'h', contentType: 't', body: new Uint8Array() }))).toMatch(/^POST \/ HTTP\/1\.0\r\n[^]*Content-Length: 0\r\n\r\n$/);
    expect(() => buildHttpRequest({ path: '/a b', host: 'h', contentType: 't', body })).toThrow(HttpMessageError);
    expect(() => buildHttpRequest({ path: '/', host: 'h\r\nX-Evil: 1', contentType: 't', body })).toThrow(/must not contain a line break/);
  });

  it('builds replies that parse back, always with Content-Length', () => {
    const raw = buildHttpResponse({ status: 200, contentType: 'application/x-fossil', body, headers: [['Cache-control', 'no-cache']] });
    expect(latin1(raw, 0, raw.length - body.length)).toBe(
      'HTTP/1.0 200 OK\r\nConnection: close\r\nCache-control: no-cache\r\n' +
        `Content-Type: application/x-fossil\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    const m = parseHttpResponse(raw);
    expect([m.status, m.reason, m.contentLength]).toEqual([200, 'OK', body.length]);
    expect(m.headers.get('CONTENT-TYPE')).toBe('application/x-fossil');
    expect(m.body).toEqual(body);
  });

  it('parses every capture, with case-insensitive headers and the body by Content-Length', () => {
    for (const c of loadCaptures()) {
      const m = parseHttpMessage(c.raw);
      expect(m.kind).toBe(c.isRequest ? 'request' : 'response');
      expect(m.headers.get('content-type')).toBe(c.contentType);
      expect(m.headers.get('Content-Type')).toBe(c.contentType);
      expect(m.contentLength).toBe(m.body.length);
      expect(m.body.byteOffset + m.body.length - c.raw.byteOffset).toBe(c.raw.length);
      if (m.kind === 'request') expect(m.headers.get('user-agent')).toBe(FOSSIL_2_21_USER_AGENT);
      else expect(m.headers.get('connection')).toBe('close');
    }
  });

  it('accepts heads whose lines end in a bare LF', () => {
    const m = parseHttpRequest(utf8('POST / HTTP/1.1\nHost: h\ncontent-length: 3\n\nabcdef'));
    expect([m.method, m.target, m.version]).toEqual(['POST', '/', 'HTTP/1.1']);
    expect(latin1(m.body)).toBe('abc');
  });

  it('takes the rest as body when there is no Content-Length', () => {
    const m = parseHttpResponse(utf8('HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html>'));
    expect(m.contentLength).toBeUndefined();
    expect(latin1(m.body)).toBe('<html>');
  });

  it('finds the end of the head incrementally', () => {
    const raw = buildHttpRequest({ path: '/', host: 'h', contentType: 't', body });
    const start = raw.length - body.length;
    expect(findBodyStart(raw.subarray(0, start - 1))).toBeUndefined();
    expect(findBodyStart(raw.subarray(0, start))).toBe(start);
    expect(findBodyStart(raw)).toBe(start);
  });

  const bad: [string, string, RegExp][] = [
    ['a truncated body', 'HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nabc', /truncated HTTP body: Content-Length 10 but 3 bytes present/],
    ['no end of head', 'HTTP/1.0 200 OK\r\nContent-Length: 10\r\n', /incomplete HTTP message: no end of headers/],
    ['a bad Content-Length', 'HTTP/1.0 200 OK\r\nContent-Length: -1\r\n\r\n', /bad Content-Length: "-1"/],
    ['a header without colon', 'HTTP/1.0 200 OK\r\nnonsense\r\n\r\n', /malformed HTTP header line: "nonsense"/],
    ['a bad start line', 'HELLO\r\n\r\n', /malformed HTTP start line: "HELLO"/],
  ];
  it.each(bad)('rejects %s', (_n, raw, message) => {
    expect(() => parseHttpMessage(utf8(raw))).toThrow(HttpMessageError);
    expect(() => parseHttpMessage(utf8(raw))).toThrow(message);
  });

  it('bounds the head size', () => {
    const raw = utf8(`HTTP/1.0 200 OK\r\nX: ${'a'.repeat(200)}\r\n\r\n`);
    expect(() => parseHttpMessage(raw, 100)).toThrow(/longer than 100 bytes/);
    expect(() => findBodyStart(utf8(`HTTP/1.0 200 OK\r\nX: ${'a'.repeat(200)}`), 100)).toThrow(/longer than 100 bytes/);
  });

  it('tells requests from responses when a role expects one', () => {
    const req = buildHttpRequest({ path: '/', host: 'h', contentType: 't', body });
    expect(() => parseHttpResponse(req)).toThrow(/expected an HTTP response, got a POST request/);
    expect(() => parseHttpRequest(buildHttpResponse({ status: 404, contentType: 'text/plain', body }))).toThrow(/got a response \(status 404\)/);
  });
});
