/**
 * `edgesync member`: who may use a hub. Edits the hub's members.json; a running hub applies the
 * change within a second (nats-server reloads its users, fossil logins follow).
 */
import { UsageError } from '../args.ts';
import type { OptionSpec } from '../args.ts';
import { defineCommand, jsonOption, type TypedContext } from '../command.ts';
import { addMember, loadHubState, loadMembers, revokeMember } from '../../nats/hub-members.ts';
import { MEMBER_ROLES, type Member, type MemberRole } from '../../nats/hub-permissions.ts';
import { memberLinks } from '../hub-access.ts';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';

const memberOptions = [
  { name: 'dir', type: 'string', value: 'HUBDIR', help: 'the hub\'s directory (default .edgesync-hub)' },
  { name: 'role', type: 'string', value: 'ROLE', help: 'reader, writer or server' },
  { name: 'repo', type: 'string', repeat: true, value: 'NAME', help: 'a repository the hub serves (repeatable)' },
  { name: 'project', type: 'string', repeat: true, value: 'CODE', help: 'a project code (repeatable)' },
  { name: 'all', type: 'boolean', help: 'every project on the hub' },
  { name: 'login-caps', type: 'string', value: 'CAPS', help: `fossil capabilities of its login (writers: cghijkmnortwz; '' for none)` },
  { name: 'go-inbox', type: 'boolean', help: 'a server that reads its replies on _INBOX.> (Go peers)' },
  { name: 'note', type: 'string', value: 'TEXT', help: 'who it is for' },
  jsonOption,
] as const satisfies readonly OptionSpec[];

type MemberContext = TypedContext<typeof memberOptions>;

function hubDir(ctx: MemberContext): string {
  const dir = resolve(String(ctx.args.options.dir ?? '.edgesync-hub'));
  if (!existsSync(dir)) throw new Error(`no hub directory at ${dir} (start the hub once, or give --dir)`);
  return dir;
}

/** The project codes a member covers, from --project CODE, --repo NAME (a served one) or --all. */
function projectsOf(ctx: MemberContext, dir: string): '*' | string[] {
  const o = ctx.args.options;
  if (o.all) return '*';
  const codes = (o.project ?? []).map((c) => c.toLowerCase());
  for (const c of codes) if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(c)) throw new UsageError(`not a project code: ${c}`);
  const names = o.repo ?? [];
  if (names.length) {
    const state = loadHubState(dir);
    for (const n of names) {
      const r = state?.repos.find((x) => x.name === n);
      if (!r) throw new Error(`the hub serves no repository named ${n}${state ? ` (it serves: ${state.repos.map((x) => x.name).join(', ') || 'none'})` : ''}`);
      codes.push(r.projectCode);
    }
  }
  if (codes.length === 0) throw new UsageError('say which projects: --repo NAME, --project CODE (repeatable) or --all');
  return [...new Set(codes)];
}

/** How to use a member's credentials: links for each repository it covers, else its NATS URL. */
function describe(dir: string, m: Member): string[] {
  const state = loadHubState(dir);
  const lines = [`${m.name}: ${m.role}${m.revoked ? `, revoked ${m.revoked}` : ''}, projects ${m.projects === '*' ? 'all' : m.projects.map((c) => c.slice(0, 10)).join(' ')}${m.note ? ` (${m.note})` : ''}`];
  if (m.revoked) return lines;
  if (!state) {
    lines.push(`  NATS user ${m.name}, password ${m.password}${m.login ? `; fossil login ${m.login.user}, password ${m.login.password}` : ''}`);
    return lines;
  }
  const repos = state.repos.filter((r) => m.projects === '*' || m.projects.includes(r.projectCode));
  for (const r of repos) {
    const l = memberLinks(state, m, r);
    // A server is a machine: its NATS URL is all it needs (`serve --nats URL`, `bridge --nats URL`).
    if (l.link && m.role !== 'server') lines.push(`  ${m.role === 'reader' ? 'read' : 'write'} ${r.name}: ${l.link}`);
    lines.push(`  ${m.role === 'server' ? 'nats' : 'clone'} ${r.name}: ${l.nats}`);
  }
  if (repos.length === 0) {
    const u = new URL(state.nats);
    u.username = encodeURIComponent(m.name);
    u.password = encodeURIComponent(m.password);
    lines.push(`  NATS: ${u.toString().replace(/\/$/, '')}   WebSocket: ${state.ws.replace('//', `//${encodeURIComponent(m.name)}:${encodeURIComponent(m.password)}@`)}`);
  }
  if (m.login) lines.push(`  fossil login: ${m.login.user} / ${m.login.password} (caps ${m.login.caps})`);
  return lines;
}

export const memberCommand = defineCommand({
  name: 'member',
  summary: 'who may use a hub: add, rm, ls, show',
  usage: [
    'member add NAME --role reader|writer|server (--repo NAME | --project CODE | --all) [--dir HUBDIR] [--login-caps CAPS] [--go-inbox] [--note TEXT]',
    '       edgesync member rm NAME [--dir HUBDIR]',
    '       edgesync member ls [--dir HUBDIR] [--json]',
    '       edgesync member show NAME [--dir HUBDIR]',
  ].join('\n'),
  description: [
    'A member is a NATS user of the hub whose subject permissions follow its role:',
    '  reader  may clone and pull, hear announcements, announce its presence and chat;',
    '  writer  may also answer sync requests for its projects and announce check-ins (other peers',
    '          pull from it); it gets a fossil login that may check in, in the repositories the hub serves;',
    '  server  a machine serving copies (a leaf, a bridge, a Go peer): the rights of a writer, no login.',
    'Each member answers only under its own peer ids (NAME or NAME.ANYTHING) and reads only its own',
    'replies (_INBOX.NAME.>); --go-inbox lets a server that cannot set an inbox prefix (a Go peer) read',
    '_INBOX.> instead. `add` and `show` print the member\'s links (read link or write invite) and NATS',
    'URLs. `rm` revokes: the hub closes its connections and removes its fossil logins at once.',
  ].join('\n'),
  options: memberOptions,
  run(ctx) {
    const [sub, name, extra] = ctx.args.positional;
    const o = ctx.args.options;
    if (extra) throw new UsageError(`unexpected ${extra}`);
    const dir = hubDir(ctx);
    switch (sub) {
      case 'add': {
        if (!name) throw new UsageError('give the new member a NAME');
        const role = String(o.role ?? '') as MemberRole;
        if (!MEMBER_ROLES.includes(role) || role === 'hub') throw new UsageError('--role is reader, writer or server');
        const m = addMember(dir, {
          name, role, projects: projectsOf(ctx, dir),
          loginCaps: o['login-caps'], goInbox: Boolean(o['go-inbox']), note: o.note,
        });
        if (o.json) ctx.stdout(JSON.stringify(m));
        else for (const l of describe(dir, m)) ctx.stdout(l);
        return 0;
      }
      case 'rm': {
        if (!name) throw new UsageError('which member? give its NAME');
        const m = revokeMember(dir, name);
        ctx.stdout(`${m.name} revoked: a running hub closes its connections and removes its fossil logins now`);
        return 0;
      }
      case 'ls': {
        const all = loadMembers(dir);
        if (o.json) ctx.stdout(JSON.stringify(all.map(({ password: _p, login, ...m }) => ({ ...m, login: login?.user }))));
        else for (const m of all) ctx.stdout(`${m.name.padEnd(24)} ${m.role.padEnd(7)} ${m.revoked ? 'revoked' : 'active '} ${m.projects === '*' ? 'all projects' : m.projects.map((c) => c.slice(0, 10)).join(' ')}${m.note ? `  (${m.note})` : ''}`);
        return 0;
      }
      case 'show': {
        const m = loadMembers(dir).find((x) => x.name === name);
        if (!m) throw new Error(`no member named ${name}`);
        for (const l of describe(dir, m)) ctx.stdout(l);
        return 0;
      }
      default:
        throw new UsageError('say add, rm, ls or show');
    }
  },
});
