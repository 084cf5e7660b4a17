/**
 * NATS sync URLs: `nats://[USER:PASSWORD@|TOKEN@]HOST[:PORT][/PROJECT-CODE][?OPTIONS]`, and the
 * same with `tls://` (TLS required), `ws://` or `wss://` (WebSocket, for browsers and proxies).
 * The user part is NATS authentication, never a fossil login (that stays --user/--password).
 * Options: prefix=SUBJECT-PREFIX, peer=PEER-ID (ask one named responder), timeout=MS (per
 * request), ca=FILE, cert=FILE, key=FILE (TLS).
 */
import { DEFAULT_PREFIX } from './wire.ts';
import { CodedError } from '../errors.ts';

export type NatsScheme = 'nats' | 'tls' | 'ws' | 'wss';

export interface NatsAuth {
  user?: string;
  password?: string;
  token?: string;
}

export interface NatsTls {
  ca?: string;
  cert?: string;
  key?: string;
}

export interface NatsUrl {
  scheme: NatsScheme;
  host: string;
  port: number;
  /** What the NATS client connects to, without credentials. */
  server: string;
  projectCode?: string;
  prefix: string;
  peer?: string;
  timeoutMs?: number;
  auth: NatsAuth;
  tls?: NatsTls;
  /** For messages: no credentials. */
  canonical: string;
}

export class NatsUrlError extends CodedError {
  override name = 'NatsUrlError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad-input', message, options);
  }
}

const DEFAULT_PORTS: Record<NatsScheme, number> = { nats: 4222, tls: 4222, ws: 80, wss: 443 };

export function isNatsUrl(text: string): boolean {
  return /^(nats|tls|ws|wss):\/\//i.test(text);
}

export function parseNatsUrl(text: string): NatsUrl {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new NatsUrlError(`not a URL: ${JSON.stringify(text)}`);
  }
  const scheme = u.protocol.slice(0, -1).toLowerCase() as NatsScheme;
  if (!(scheme in DEFAULT_PORTS)) throw new NatsUrlError(`not a NATS URL scheme: ${u.protocol} (use nats:, tls:, ws: or wss:)`);
  if (!u.hostname) throw new NatsUrlError(`no host in ${JSON.stringify(text)}`);
  const port = u.port ? Number(u.port) : DEFAULT_PORTS[scheme];
  const host = u.hostname;
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const server = `${scheme}://${hostPart}:${port}`;
  const code = u.pathname.replace(/^\/+|\/+$/g, '');
  if (code && !/^[0-9a-fA-F]{40}([0-9a-fA-F]{24})?$/.test(code)) {
    throw new NatsUrlError(`the path of a NATS URL is a project code (40 or 64 hex digits), got ${JSON.stringify(code)}`);
  }
  const auth: NatsAuth = {};
  const user = u.username ? decodeURIComponent(u.username) : undefined;
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  if (user !== undefined && password !== undefined) {
    auth.user = user;
    auth.password = password;
  } else if (user !== undefined) {
    auth.token = user;
  }
  const q = u.searchParams;
  const timeout = q.get('timeout');
  const tls: NatsTls = {};
  for (const k of ['ca', 'cert', 'key'] as const) {
    const v = q.get(k);
    if (v) tls[k] = v;
  }
  const r: NatsUrl = {
    scheme,
    host,
    port,
    server,
    prefix: q.get('prefix') ?? DEFAULT_PREFIX,
    auth,
    canonical: `${server}/${code ? code.toLowerCase() : ''}`,
  };
  if (code) r.projectCode = code.toLowerCase();
  if (q.get('peer')) r.peer = q.get('peer')!;
  if (timeout) {
    const ms = Number(timeout);
    if (!Number.isFinite(ms) || ms <= 0) throw new NatsUrlError(`bad timeout in ${r.canonical}: ${timeout}`);
    r.timeoutMs = ms;
  }
  if (Object.keys(tls).length > 0 || scheme === 'tls') r.tls = tls;
  return r;
}

/** The URL to remember: everything but the credentials. */
export function natsUrlToRemember(u: NatsUrl): string {
  const q = new URLSearchParams();
  if (u.prefix !== DEFAULT_PREFIX) q.set('prefix', u.prefix);
  for (const [k, v] of Object.entries(u.tls ?? {})) q.set(k, v);
  const qs = q.toString();
  return `${u.canonical}${qs ? `?${qs}` : ''}`;
}
