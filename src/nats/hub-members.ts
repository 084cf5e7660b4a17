/**
 * A hub's members, kept in `members.json` in the hub's directory (mode 0600: it holds the
 * passwords the hub prints in links). `edgesync member` edits it; a running hub notices and
 * applies the change at once (nats-server reloads its users; fossil logins follow).
 *
 * The hub keeps a few standing members: `hub` (its own connection), `reader` (the read links)
 * and, per repository it serves, `<name>-writer` (the write invite it prints). Revoking one
 * leaves a tombstone, so the hub does not make it again.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMemberName, MEMBER_ROLES, WRITER_CAPS, type Member, type MemberRole } from './hub-permissions.ts';

export const MEMBERS_FILE = 'members.json';
/** What the running hub tells `edgesync member` about itself (its URLs and repositories). */
export const HUB_STATE_FILE = 'hub.json';

export interface HubState {
  nats: string;
  ws: string;
  web?: string;
  repos: { name: string; projectCode: string }[];
}

export function newSecret(): string {
  return randomBytes(18).toString('base64url');
}

export function loadMembers(dir: string): Member[] {
  const f = join(dir, MEMBERS_FILE);
  if (!existsSync(f)) return [];
  const v = JSON.parse(readFileSync(f, 'utf8')) as { members?: Member[] };
  return (v.members ?? []).filter((m) => typeof m.name === 'string' && MEMBER_ROLES.includes(m.role));
}

/** Written whole under a temporary name, then renamed: a reader never sees half a file. */
export function saveMembers(dir: string, members: Member[]): void {
  const f = join(dir, MEMBERS_FILE);
  const tmp = `${f}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ version: 1, members }, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, f);
}

export function loadHubState(dir: string): HubState | undefined {
  const f = join(dir, HUB_STATE_FILE);
  if (!existsSync(f)) return undefined;
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as HubState;
  } catch {
    return undefined;
  }
}

export function saveHubState(dir: string, s: HubState): void {
  writeFileSync(join(dir, HUB_STATE_FILE), `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
}

export interface NewMember {
  name: string;
  role: MemberRole;
  projects: '*' | string[];
  /** Fossil login capabilities; writers get WRITER_CAPS unless told otherwise, others none. */
  loginCaps?: string;
  goInbox?: boolean;
  note?: string;
  password?: string;
}

export function makeMember(spec: NewMember, now = new Date()): Member {
  if (!isMemberName(spec.name)) throw new Error(`not a member name: ${JSON.stringify(spec.name)} (lower-case letters, digits, - and _)`);
  if (spec.goInbox && spec.role !== 'server') throw new Error('only a server may read all of _INBOX.> (--go-inbox)');
  const m: Member = { name: spec.name, role: spec.role, password: spec.password ?? newSecret(), projects: spec.projects, created: now.toISOString() };
  const caps = spec.loginCaps ?? (spec.role === 'writer' ? WRITER_CAPS : undefined);
  if (caps) m.login = { user: spec.name, password: newSecret(), caps };
  if (spec.goInbox) m.goInbox = true;
  if (spec.note) m.note = spec.note;
  return m;
}

/** Add a member; fails when the name is taken (a revoked name too: pick another). */
export function addMember(dir: string, spec: NewMember): Member {
  const members = loadMembers(dir);
  if (members.some((m) => m.name === spec.name)) throw new Error(`there is already a member named ${spec.name}`);
  const m = makeMember(spec);
  saveMembers(dir, [...members, m]);
  return m;
}

/** Revoke a member: its NATS user goes, its fossil logins go; the name stays as a tombstone. */
export function revokeMember(dir: string, name: string, now = new Date()): Member {
  const members = loadMembers(dir);
  const m = members.find((x) => x.name === name);
  if (!m) throw new Error(`no member named ${name}`);
  if (m.role === 'hub') throw new Error('the hub\'s own user cannot be revoked (change it with hub --user/--password)');
  if (!m.revoked) m.revoked = now.toISOString();
  saveMembers(dir, members);
  return m;
}

/** A token for a repository's name in member names. */
export function memberNameFor(repoName: string, suffix: string): string {
  const base = repoName.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|-+$/g, '').slice(0, 30) || 'repo';
  return `${base}-${suffix}`;
}

export interface StandingOptions {
  /** The hub's own credentials, when the operator gives them. */
  hubUser?: string;
  hubPassword?: string;
  served: { name: string; projectCode: string }[];
}

/**
 * Make sure the standing members exist (and the hub user has the credentials asked for);
 * returns the members with the hub's own user first.
 */
export function ensureStanding(dir: string, o: StandingOptions): Member[] {
  const members = loadMembers(dir);
  let changed = false;
  const hubName = o.hubUser ?? 'hub';
  let hub = members.find((m) => m.role === 'hub');
  if (!hub || hub.name !== hubName || (o.hubPassword !== undefined && hub.password !== o.hubPassword)) {
    if (hub) members.splice(members.indexOf(hub), 1);
    if (members.some((m) => m.name === hubName)) throw new Error(`--user ${hubName} is already a member's name`);
    hub = makeMember({ name: hubName, role: 'hub', projects: '*', password: o.hubPassword, note: 'the hub itself' });
    members.unshift(hub);
    changed = true;
  }
  const want: NewMember[] = [{ name: 'reader', role: 'reader', projects: '*', note: 'read links' }];
  for (const r of o.served) {
    want.push({ name: memberNameFor(r.name, 'writer'), role: 'writer', projects: [r.projectCode], note: `write invite for ${r.name}` });
  }
  for (const w of want) {
    if (members.some((m) => m.name === w.name)) continue;
    members.push(makeMember(w));
    changed = true;
  }
  if (changed) saveMembers(dir, members);
  return members;
}

export function covers(m: Member, projectCode: string): boolean {
  return m.projects === '*' || m.projects.includes(projectCode);
}
