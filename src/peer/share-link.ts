/**
 * Share links: an app URL whose fragment names a hub and a project, e.g.
 * `http://127.0.0.1:8080/#/clone?hub=ws%3A%2F%2F127.0.0.1%3A8222&project=<code>&name=demo`.
 * Opened in any browser, the app clones that project from that hub and shows it. A link carries
 * the credentials of its role: a read link the NATS user that may read (`user`, `password`), a
 * write invite also the fossil login its check-ins are signed with (`login`, `login-password`).
 * They live in the fragment, which a browser never sends to the web server, and the app drops
 * them from the address bar once it has stored them.
 */
import type { NatsAuth } from '../nats/nats-url.ts';

export type ShareRole = 'reader' | 'writer';

export interface ShareTarget {
  /**
   * ws:// or wss:// URL of the hub's WebSocket listener, without credentials; for a cluster of
   * hubs, the nodes' URLs separated by commas (the first one up is used, and the others when it
   * goes away).
   */
  hub: string;
  projectCode: string;
  /** Suggested local name. */
  name?: string;
  auth?: NatsAuth;
  role?: ShareRole;
  /** The fossil login of a write invite. */
  login?: { user: string; password: string };
}

const CODE = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export function shareLink(appUrl: string, t: ShareTarget): string {
  const q = new URLSearchParams({ hub: t.hub, project: t.projectCode });
  if (t.name) q.set('name', t.name);
  if (t.role) q.set('role', t.role);
  if (t.auth?.token !== undefined) q.set('token', t.auth.token);
  if (t.auth?.user !== undefined) {
    q.set('user', t.auth.user);
    q.set('password', t.auth.password ?? '');
  }
  if (t.login) {
    q.set('login', t.login.user);
    q.set('login-password', t.login.password);
  }
  const base = appUrl.replace(/#.*$/, '');
  return `${base}#/clone?${q.toString()}`;
}

/** The target of a share link (or of just its `#/clone?…` fragment); undefined if it is none. */
export function parseShareLink(text: string): ShareTarget | undefined {
  const at = text.indexOf('#/clone?');
  if (at < 0) return undefined;
  const q = new URLSearchParams(text.slice(at + '#/clone?'.length));
  const hub = q.get('hub') ?? '';
  const projectCode = (q.get('project') ?? '').toLowerCase();
  const hubs = hubUrls(hub);
  if (!hubs || !CODE.test(projectCode)) return undefined;
  const t: ShareTarget = { hub: hubs.join(','), projectCode };
  const name = q.get('name');
  if (name) t.name = name;
  const role = q.get('role');
  if (role === 'reader' || role === 'writer') t.role = role;
  if (q.get('token') !== null) t.auth = { token: q.get('token')! };
  else if (q.get('user') !== null) t.auth = { user: q.get('user')!, password: q.get('password') ?? '' };
  const login = q.get('login');
  if (login) t.login = { user: login, password: q.get('login-password') ?? '' };
  return t;
}

/** A file-system-safe local name for a repository. */
export function localRepoName(wanted: string): string {
  const n = wanted.trim().toLowerCase().replace(/\.fossil$/, '').replace(/[^a-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return n.slice(0, 60) || 'repo';
}

/** The WebSocket URLs of a hub string (one URL, or a cluster's, comma-separated); undefined if any is not one. */
export function hubUrls(hub: string): string[] | undefined {
  const urls = hub.split(',').map((u) => u.trim().replace(/\/+$/, '')).filter(Boolean);
  // A path is allowed: a hub behind a reverse proxy (wss://example.com/nats).
  if (urls.length === 0 || !urls.every((u) => /^wss?:\/\/[^/\s,]+(\/[^\s,]*)?$/i.test(u))) return undefined;
  return urls;
}
