/**
 * Sync URLs: `http(s)://[user[:password]@]host[:port]/path`. User and password may be
 * %-escaped (`%40` for `@`). The path is posted to as it is; upstream does not append /xfer.
 */
import { CodedError } from '../errors.ts';
export interface SyncUrl {
  protocol: 'http:' | 'https:';
  host: string;
  port: number;
  /** Request path, `/` when empty; query strings are dropped as upstream does. */
  path: string;
  user?: string;
  password?: string;
  /** The URL without user and password, for display and for remembering. */
  canonical: string;
}

export class SyncUrlError extends CodedError {
  override name = 'SyncUrlError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad-input', message, options);
  }
}

export function parseSyncUrl(text: string): SyncUrl {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new SyncUrlError(`not a URL: ${JSON.stringify(text)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new SyncUrlError(`unsupported URL scheme ${u.protocol} (use http: or https:)`);
  }
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  const path = u.pathname || '/';
  const hostPart = u.port ? `${u.hostname}:${u.port}` : u.hostname;
  const r: SyncUrl = { protocol: u.protocol, host: u.hostname, port, path, canonical: `${u.protocol}//${hostPart}${path}` };
  if (u.username) r.user = decodeURIComponent(u.username);
  if (u.password) r.password = decodeURIComponent(u.password);
  return r;
}

/** The value of a Host header for the URL. */
export function hostHeader(u: SyncUrl): string {
  const defaultPort = u.protocol === 'https:' ? 443 : 80;
  const host = u.host.includes(':') && !u.host.startsWith('[') ? `[${u.host}]` : u.host;
  return u.port === defaultPort ? host : `${host}:${u.port}`;
}

/** A redirect target with any trailing `/xfer` removed, as upstream does before re-posting. */
export function redirectTarget(location: string, base: SyncUrl): string {
  let target = new URL(location, base.canonical).toString();
  while (/\/xfer\/?$/.test(target)) target = target.replace(/\/xfer\/?$/, '');
  return target;
}
