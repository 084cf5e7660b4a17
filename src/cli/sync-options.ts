/**
 * What the sync commands (clone, pull, push, sync) share: their options, where the URL and the
 * credentials come from, the transport, and progress output (on a terminal only; -v prints
 * every round).
 */
import type { OptionSpec } from './args.ts';
import { UsageError } from './args.ts';
import type { CommandContext, OptionsOf } from './command.ts';
import type { Repository } from '../repo/repository.ts';
import { loginSecret } from '../sync/login.ts';
import type { LoginInfo, RequestEncoding } from '../sync/client-session.ts';
import type { RoundReport, SyncEvents } from '../sync/sync-events.ts';
import { parseSyncUrl, SyncUrlError, type SyncUrl } from '../sync/sync-url.ts';
import { NodeHttpTransport } from '../sync/transports/http-client-node.ts';
import { isNatsUrl, natsUrlToRemember, parseNatsUrl, type NatsUrl } from '../nats/nats-url.ts';
import type { OpenTransport } from './nats-target.ts';
import { count } from './count.ts';

export const syncOptions = [
  { name: 'user', type: 'string', value: 'LOGIN', help: 'log in as LOGIN (default: the user in the URL)' },
  { name: 'password', type: 'string', value: 'PW', help: 'password for the login' },
  { name: 'private', type: 'boolean', help: 'also sync private artifacts (needs capability x)' },
  { name: 'unversioned', short: 'u', type: 'boolean', help: 'also sync unversioned files' },
  { name: 'no-http-compression', type: 'boolean', help: 'send requests uncompressed' },
  { name: 'httptrace', type: 'boolean', help: 'send requests as plain text (application/x-fossil-debug)' },
  { name: 'verbose', short: 'v', type: 'boolean', help: 'print every round' },
] as const satisfies readonly OptionSpec[];

/** The options of syncOptions as a command sees them. */
export type SyncOptionValues = OptionsOf<typeof syncOptions>;
/** Where a login may come from on the command line. */
type LoginOptions = Pick<SyncOptionValues, 'user' | 'password'>;

/** Settings where a repository remembers its sync peer. */
export const LAST_SYNC_URL = 'last-sync-url';
/**
 * A NATS URL is remembered here instead: stock fossil autosyncs to `last-sync-url` (even on
 * `fossil open`) and fails on a scheme it does not know.
 */
export const LAST_NATS_URL = 'edgesync-last-nats-url';
/** The login's shared secret (never the clear-text password), for later syncs. */
export const SYNC_SECRET = 'edgesync-sync-secret';
/**
 * A clone's password until its project code (needed to make the secret) is known: only
 * obscured, as fossil keeps `last-sync-pw`, so that `pull -R FILE` can finish a clone killed
 * before its first reply. Replaced by the secret as soon as the project code arrives.
 */
export const CLONE_PASSWORD = 'edgesync-clone-password';

const obscure = (pw: string) => btoa(String.fromCharCode(...new TextEncoder().encode(pw)));
const unobscure = (s: string) => new TextDecoder().decode(Uint8Array.from(atob(s), (c) => c.charCodeAt(0)));

export function requestEncoding(o: Pick<SyncOptionValues, 'httptrace' | 'no-http-compression'>): RequestEncoding {
  if (o.httptrace) return 'debug';
  if (o['no-http-compression']) return 'uncompressed';
  return 'compressed';
}

/** The URL as remembered: with the login but never the password. */
export function urlToRemember(u: SyncUrl, user: string | undefined): string {
  const base = new URL(u.canonical);
  if (user) base.username = encodeURIComponent(user);
  return base.toString();
}

export interface Target {
  /** HTTP(S), or NATS (whose user part is NATS auth, never a fossil login). */
  url: SyncUrl | NatsUrl;
  login?: LoginInfo;
}

export function isNats(url: SyncUrl | NatsUrl): url is NatsUrl {
  return 'scheme' in url;
}

/** An http(s) or NATS URL. */
export function parseAnyUrl(text: string): SyncUrl | NatsUrl {
  if (isNatsUrl(text)) return parseNatsUrl(text);
  try {
    return parseSyncUrl(text);
  } catch (e) {
    // The command takes NATS URLs too, which the HTTP parser does not know to say.
    if (e instanceof SyncUrlError && e.message.startsWith('unsupported URL scheme')) {
      throw new SyncUrlError(`${e.message.replace(/ \(use [^)]*\)$/, '')} (use http:, https:, or nats://HOST:PORT/PROJECT-CODE; also tls:, ws:, wss:)`, { cause: e });
    }
    throw e;
  }
}

/** Credentials from the options, else the URL. */
export function loginFrom(url: SyncUrl | NatsUrl, o: LoginOptions): LoginInfo | undefined {
  const fromUrl: { user?: string; password?: string } = isNats(url) ? {} : url;
  const user = o.user ?? fromUrl.user;
  const password = o.password ?? fromUrl.password;
  if (!user || user === 'anonymous') return undefined;
  if (password === undefined) throw new UsageError(`no password for ${user}: give --password or put it in the URL`);
  return { user, password };
}

/** The URL given, else the remembered one; credentials given, else the remembered secret. */
export function targetFor(repo: Repository, urlArg: string | undefined, o: LoginOptions): Target {
  const remembered = repo.config.get(LAST_NATS_URL) ?? repo.config.get(LAST_SYNC_URL);
  const text = urlArg ?? remembered;
  if (!text) throw new UsageError('no server URL: give one (it is remembered after the first sync)');
  const url = parseAnyUrl(text);
  const fromUrl: { user?: string; password?: string } = isNats(url) ? {} : url;
  const user = o.user ?? fromUrl.user;
  const password = o.password ?? fromUrl.password;
  if (user && user !== 'anonymous' && password === undefined) {
    const secret = repo.config.get(SYNC_SECRET);
    if (secret) return { url, login: { user, password: secret } };
    const pending = repo.config.get(CLONE_PASSWORD);
    if (pending) return { url, login: { user, password: unobscure(pending) } };
    throw new UsageError(`no password for ${user}: give --password or put it in the URL`);
  }
  return { url, login: loginFrom(url, o) };
}

/** Remember the URL (with the login, never a password). */
export function rememberUrl(repo: Repository, url: SyncUrl | NatsUrl, user: string | undefined): void {
  if (isNats(url)) {
    repo.config.set(LAST_NATS_URL, natsUrlToRemember(url));
  } else {
    repo.config.set(LAST_SYNC_URL, urlToRemember(url, user));
    repo.config.delete(LAST_NATS_URL);
  }
}

/** Remember URL and secret after a successful sync, as fossil remembers its last sync URL. */
export function rememberTarget(repo: Repository, t: Target): void {
  rememberUrl(repo, t.url, t.login?.user);
  if (t.login) repo.config.set(SYNC_SECRET, loginSecret(t.login.password, t.login.user, repo.projectCode));
  repo.config.delete(CLONE_PASSWORD);
}

/** Keep a clone's password (obscured) until rememberTarget can keep its secret instead. */
export function rememberClonePassword(repo: Repository, login: { password: string } | undefined): void {
  if (login) repo.config.set(CLONE_PASSWORD, obscure(login.password));
}

/**
 * The transport for a URL; close it when done (a NATS connection stays open until then).
 * `clone`: a hub where nobody serves the project says so within seconds (see nats-target.ts).
 */
export async function openTransport(url: SyncUrl | NatsUrl, projectCode: string | undefined, opts: { clone?: boolean } = {}): Promise<OpenTransport> {
  // The NATS client code loads only for a NATS URL: an HTTP sync does not pay for it.
  if (isNats(url)) return (await import('./nats-target.ts')).openNatsTransport(url, projectCode, opts);
  return { transport: new NodeHttpTransport(url), close: async () => undefined };
}

function kb(n: number): string {
  return n < 10_000 ? `${n} B` : n < 10_000_000 ? `${Math.round(n / 1024)} KiB` : `${(n / 1048576).toFixed(1)} MiB`;
}

/** Progress output: a line rewritten in place on a terminal, one line per round with -v. */
export function progressEvents(ctx: CommandContext, verbose: boolean): SyncEvents & { done(): void } {
  let sent = 0;
  let received = 0;
  let bytes = 0;
  let line = '';
  let cloneText = '';
  const tty = ctx.isTTY;
  const show = () => {
    if (!tty) return;
    const text = `round ${rounds}: ${count(sent, 'artifact')} sent, ${received} received${cloneText}, ${kb(bytes)}`;
    process.stderr.write(`\r${text.padEnd(line.length)}`);
    line = text;
  };
  let rounds = 0;
  return {
    round(r: RoundReport) {
      rounds = r.round;
      sent += r.sent.files + r.sent.deltas;
      received += r.received.files + r.received.deltas;
      bytes += r.sent.wireBytes + r.received.wireBytes;
      if (verbose) {
        if (line) process.stderr.write('\n');
        line = '';
        ctx.stdout(
          `round ${r.round}: sent ${r.sent.cards} cards (${r.sent.files} files, ${r.sent.deltas} deltas, ${r.sent.igots} igot, ${r.sent.gimmes} gimme), ${kb(r.sent.wireBytes)}; ` +
            `received ${r.received.cards} cards (${r.received.files} files, ${r.received.deltas} deltas, ${r.received.igots} igot, ${r.received.gimmes} gimme), ${kb(r.received.wireBytes)}`,
        );
      } else {
        show();
      }
    },
    cloneProgress(p) {
      cloneText = p.estimatedTotal ? ` (of about ${p.estimatedTotal})` : '';
      show();
    },
    message(text) {
      ctx.stdout(`Server says: ${text}`);
    },
    warning(text) {
      if (verbose) ctx.stderr(text);
    },
    done() {
      if (tty && line) process.stderr.write('\n');
    },
  };
}
