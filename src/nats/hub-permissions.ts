/**
 * Who may do what on a hub, as nats-server subject permissions: the hub's authority over the
 * mesh, so no peer has to take another's word for anything. Each member is a NATS user with a
 * role for some projects (or all, `*`):
 *
 *   reader  may send sync requests (clone, pull; a push still needs a fossil login that may
 *           write), hear announcements, announce its presence under its own name, and use
 *           notify. It can answer for nothing and announce no check-in.
 *   writer  a person's devices: a reader that may also answer sync requests, announce
 *           check-ins and carry them (`.carry.<peer>`, src/mesh/carry.ts), under peer ids it
 *           owns (`U` and `U.*`), so other peers pull from it.
 *           The hub gives it a fossil login that may write in the repositories it serves.
 *   server  a machine serving copies (a leaf, a bridge, a Go peer): the same rights as a writer.
 *   hub     the hub's own connection: everything.
 *
 * Every user reads replies only on its own inbox prefix (`_INBOX.<user>.>`), and may publish a
 * reply only to a request it received (allow_responses), so nobody reads or forges the answers
 * meant for somebody else. A Go peer, which cannot choose its inbox prefix, may be given all of
 * `_INBOX.>` (goInbox): it then could read others' replies, so grant that only to servers you trust.
 */
import { NOTIFY_ROOT, NOTIFY_STREAM } from '../notify/subjects.ts';
import { DEFAULT_PREFIX } from './wire.ts';

export type MemberRole = 'hub' | 'server' | 'writer' | 'reader';
export const MEMBER_ROLES: readonly MemberRole[] = ['hub', 'server', 'writer', 'reader'];

/** A fossil login the hub keeps in the repositories it serves, for a member. */
export interface MemberLogin {
  user: string;
  password: string;
  caps: string;
}

export interface Member {
  /** NATS user name; also the owner of the member's peer ids and, for writers, its fossil login. */
  name: string;
  role: MemberRole;
  /** NATS password. */
  password: string;
  /** Project codes, or `*` for every project on the hub. */
  projects: '*' | string[];
  login?: MemberLogin;
  /** Subscribe to all of `_INBOX.>` (a Go peer that cannot set an inbox prefix). */
  goInbox?: boolean;
  created: string;
  /** Who made it, and why (shown by `hub member ls`). */
  note?: string;
  /** When it was revoked: kept so a standing member the hub makes is not made again. */
  revoked?: string;
}

export interface SubjectPermissions {
  publish: string[];
  subscribe: string[];
  allowResponses: boolean;
}

/** Capabilities of the fossil login a writer gets: check in, wiki, tickets, clone and read. */
export const WRITER_CAPS = 'cghijkmnortwz';

/** Where the Share dialog asks the hub for a new invite (only the hub answers it). */
export const HUB_INVITE_SUBJECT = 'edgesync.hub.invite';

/** What the web app asks the hub for: a new member of one project, for someone else. */
export interface InviteRequest {
  project: string;
  role: 'reader' | 'writer';
  /** Who it is for (becomes part of the member's name). */
  for?: string;
}

export type InviteReply =
  | { ok: true; role: 'reader' | 'writer'; auth: { user: string; password: string }; login?: { user: string; password: string } }
  | { ok: false; error: string };

const NOTIFY_PRESENCE = 'edgesync.notify-presence.>';

/** The JetStream API a notify client uses on the NOTIFY stream: read, follow, publish; never delete. */
function notifyJetStream(): string[] {
  const s = NOTIFY_STREAM;
  return [
    '$JS.API.INFO', `$JS.API.STREAM.INFO.${s}`, '$JS.API.STREAM.NAMES', `$JS.API.STREAM.MSG.GET.${s}`,
    `$JS.API.DIRECT.GET.${s}`, `$JS.API.DIRECT.GET.${s}.>`, `$JS.API.CONSUMER.CREATE.${s}`, `$JS.API.CONSUMER.CREATE.${s}.>`,
    `$JS.API.CONSUMER.INFO.${s}.>`, `$JS.API.CONSUMER.DELETE.${s}.>`, `$JS.API.CONSUMER.MSG.NEXT.${s}.>`,
    `$JS.ACK.${s}.>`, `$JS.FC.${s}.>`,
  ];
}

export function isMemberName(name: string): boolean {
  // One subject token, and not a word the hub's subjects use.
  return /^[a-z0-9][a-z0-9_-]{0,40}$/.test(name) && !['query', 'probe'].includes(name);
}

/** The subject permissions of a member (undefined: everything, the hub's own user). */
export function permissionsFor(m: Member, prefix = DEFAULT_PREFIX): SubjectPermissions | undefined {
  if (m.role === 'hub') return undefined;
  const u = m.name;
  const codes = m.projects === '*' ? ['*'] : m.projects;
  const pub: string[] = [];
  const sub: string[] = [m.goInbox ? '_INBOX.>' : `_INBOX.${u}.>`];
  for (const c of codes) {
    const base = `${prefix}.${c}`;
    pub.push(`${base}.sync`, `${base}.sync.>`, `${base}.presence.${u}`, `${base}.presence.${u}.*`, `${base}.presence-query`);
    sub.push(`${base}.commit`, `${base}.presence.>`, `${base}.presence-query`, `${base}.carry.>`);
    if (m.role === 'writer' || m.role === 'server') {
      sub.push(`${base}.sync`, `${base}.sync.${u}`, `${base}.sync.${u}.*`);
      pub.push(`${base}.commit`, `${base}.carry.${u}`, `${base}.carry.${u}.*`);
    }
  }
  pub.push(`${NOTIFY_ROOT}.>`, NOTIFY_PRESENCE, ...notifyJetStream());
  sub.push(`${NOTIFY_ROOT}.>`, NOTIFY_PRESENCE);
  if (m.role === 'writer') pub.push(HUB_INVITE_SUBJECT);
  return { publish: pub, subscribe: sub, allowResponses: m.role === 'writer' || m.role === 'server' };
}

/** Does a NATS subject pattern (with `*` and `>`) match a subject? */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

/** May a member with these permissions publish (or subscribe to) this subject? */
export function allows(perms: SubjectPermissions | undefined, what: 'publish' | 'subscribe', subject: string): boolean {
  if (!perms) return true;
  return perms[what].some((p) => subjectMatches(p, subject));
}
