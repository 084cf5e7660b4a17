/**
 * Pure HTTP/1.x framing of xfer exchanges, for tests that build or read raw messages: a request
 * as upstream's client builds it (http.c http_build_header), a reply a 2.21 client accepts, and
 * a raw message split into start line, headers and body. (The program's own HTTP goes through
 * node:http: src/sync/transports.)
 */
import { concat, latin1, utf8 } from '../../src/fossil/bytes.ts';
import { FOSSIL_2_21_USER_AGENT } from '../../src/sync/transports/http-client-node.ts';

export { FOSSIL_2_21_USER_AGENT };

/** Largest header section we read before giving up. */
export const DEFAULT_MAX_HEAD_SIZE = 64 * 1024;

export class HttpMessageError extends Error {
  override name = 'HttpMessageError';
}

/** Header fields in arrival order, looked up case-insensitively. */
export class HttpHeaders {
  constructor(readonly entries: ReadonlyArray<readonly [name: string, value: string]>) {}

  /** The first value of the field, if present. */
  get(name: string): string | undefined {
    const n = name.toLowerCase();
    return this.entries.find(([k]) => k.toLowerCase() === n)?.[1];
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}

export interface HttpRequestOptions {
  /** The path of the user's URL, verbatim; upstream posts there and does not append /xfer. */
  path: string;
  /** host[:port] */
  host: string;
  contentType: string;
  body: Uint8Array;
  /** Full header value, e.g. `Basic <base64>`. */
  authorization?: string;
  proxyAuthorization?: string;
  userAgent?: string;
  /** Adds `X-Fossil-Transport: SSH`, as upstream does over ssh. */
  sshTransport?: boolean;
}

function headerLine(name: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new HttpMessageError(`header ${name} must not contain a line break`);
  return `${name}: ${value}\r\n`;
}

/** `POST <path> HTTP/1.0` with upstream's header order, always with Content-Length. */
export function buildHttpRequest(o: HttpRequestOptions): Uint8Array {
  const path = o.path === '' ? '/' : o.path;
  if (/[\s]/.test(path)) throw new HttpMessageError(`request path must not contain whitespace: ${JSON.stringify(path)}`);
  let head = `POST ${path} HTTP/1.0\r\n`;
  if (o.proxyAuthorization !== undefined) head += headerLine('Proxy-Authorization', o.proxyAuthorization);
  if (o.authorization !== undefined) head += headerLine('Authorization', o.authorization);
  head += headerLine('Host', o.host);
  head += headerLine('User-Agent', o.userAgent ?? FOSSIL_2_21_USER_AGENT);
  if (o.sshTransport) head += headerLine('X-Fossil-Transport', 'SSH');
  head += headerLine('Content-Type', o.contentType);
  head += headerLine('Content-Length', String(o.body.length));
  return concat([utf8(`${head}\r\n`), o.body]);
}

export interface HttpResponseOptions {
  status: number;
  reason?: string;
  contentType: string;
  body: Uint8Array;
  /** Extra fields, written before Content-Type and Content-Length. */
  headers?: ReadonlyArray<readonly [string, string]>;
}

const REASONS: Readonly<Record<number, string>> = {
  200: 'OK',
  301: 'Moved Permanently',
  302: 'Moved Temporarily',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  500: 'Internal Server Error',
};

/**
 * A reply the 2.21 client reads: `HTTP/1.0`, Content-Length always (it has no chunked decoding),
 * connection closed after each exchange.
 */
export function buildHttpResponse(o: HttpResponseOptions): Uint8Array {
  const reason = o.reason ?? REASONS[o.status] ?? 'Status';
  let head = `HTTP/1.0 ${o.status} ${reason}\r\n`;
  head += headerLine('Connection', 'close');
  for (const [k, v] of o.headers ?? []) head += headerLine(k, v);
  head += headerLine('Content-Type', o.contentType);
  head += headerLine('Content-Length', String(o.body.length));
  return concat([utf8(`${head}\r\n`), o.body]);
}

interface ParsedBase {
  headers: HttpHeaders;
  body: Uint8Array;
  /** Content-Length when the message had one. */
  contentLength?: number;
}

export interface ParsedHttpRequest extends ParsedBase {
  kind: 'request';
  method: string;
  target: string;
  version: string;
}

export interface ParsedHttpResponse extends ParsedBase {
  kind: 'response';
  version: string;
  status: number;
  reason: string;
}

export type ParsedHttpMessage = ParsedHttpRequest | ParsedHttpResponse;

/**
 * Where the header section ends: the index of the first body byte, or undefined while the blank
 * line has not arrived. Lines may end in `\r\n` or `\n` (upstream accepts both).
 */
export function findBodyStart(raw: Uint8Array, maxHeadSize = DEFAULT_MAX_HEAD_SIZE): number | undefined {
  const limit = Math.min(raw.length, maxHeadSize + 4);
  for (let i = raw.indexOf(0x0a); i >= 0 && i < limit; i = raw.indexOf(0x0a, i + 1)) {
    if (raw[i + 1] === 0x0a) return i + 2;
    if (raw[i + 1] === 0x0d && raw[i + 2] === 0x0a) return i + 3;
  }
  if (raw.length > maxHeadSize) throw new HttpMessageError(`HTTP header section is longer than ${maxHeadSize} bytes`);
  return undefined;
}

function parseHeaderLines(lines: string[]): HttpHeaders {
  const entries: [string, string][] = [];
  for (const l of lines) {
    const colon = l.indexOf(':');
    if (colon <= 0) throw new HttpMessageError(`malformed HTTP header line: ${JSON.stringify(l.slice(0, 100))}`);
    entries.push([l.slice(0, colon).trim(), l.slice(colon + 1).trim()]);
  }
  return new HttpHeaders(entries);
}

function parseContentLength(headers: HttpHeaders): number | undefined {
  const v = headers.get('Content-Length');
  if (v === undefined) return undefined;
  if (!/^[0-9]{1,15}$/.test(v)) throw new HttpMessageError(`bad Content-Length: ${JSON.stringify(v.slice(0, 40))}`);
  return Number(v);
}

/**
 * Split a complete raw HTTP message. The body is read by Content-Length when there is one (bytes
 * beyond it are ignored, as upstream reads by length) and is the rest of the input otherwise.
 */
export function parseHttpMessage(raw: Uint8Array, maxHeadSize = DEFAULT_MAX_HEAD_SIZE): ParsedHttpMessage {
  const bodyStart = findBodyStart(raw, maxHeadSize);
  if (bodyStart === undefined) throw new HttpMessageError('incomplete HTTP message: no end of headers');
  const lines = latin1(raw, 0, bodyStart).split(/\r?\n/);
  lines.length -= 2; // the blank line that ends the head, and what follows its line break
  const start = lines.shift() ?? '';
  const headers = parseHeaderLines(lines);
  const contentLength = parseContentLength(headers);
  let body = raw.subarray(bodyStart);
  if (contentLength !== undefined) {
    if (body.length < contentLength) {
      throw new HttpMessageError(`truncated HTTP body: Content-Length ${contentLength} but ${body.length} bytes present`);
    }
    body = body.subarray(0, contentLength);
  }
  const base: ParsedBase = contentLength === undefined ? { headers, body } : { headers, body, contentLength };

  const status = /^(HTTP\/1\.[0-9]) ([0-9]{3})(?: (.*))?$/.exec(start);
  if (status) return { kind: 'response', version: status[1]!, status: Number(status[2]), reason: status[3] ?? '', ...base };
  const request = /^([A-Z]+) (\S+) (HTTP\/1\.[0-9])$/.exec(start);
  if (request) return { kind: 'request', method: request[1]!, target: request[2]!, version: request[3]!, ...base };
  throw new HttpMessageError(`malformed HTTP start line: ${JSON.stringify(start.slice(0, 100))}`);
}

export function parseHttpRequest(raw: Uint8Array, maxHeadSize?: number): ParsedHttpRequest {
  const m = parseHttpMessage(raw, maxHeadSize);
  if (m.kind !== 'request') throw new HttpMessageError(`expected an HTTP request, got a response (status ${m.status})`);
  return m;
}

export function parseHttpResponse(raw: Uint8Array, maxHeadSize?: number): ParsedHttpResponse {
  const m = parseHttpMessage(raw, maxHeadSize);
  if (m.kind !== 'response') throw new HttpMessageError(`expected an HTTP response, got a ${m.method} request`);
  return m;
}
