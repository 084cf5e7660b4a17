/**
 * The running hub's side of membership: it turns `members.json` into nats-server users (reloaded
 * without a restart) and into fossil logins in the repositories it serves, applies every change
 * an operator makes with `edgesync member` within a second, and answers the web app's requests
 * for new invites (`edgesync.hub.invite`, which only the hub may subscribe to and only writers
 * may send).
 */
import { unwatchFile, watchFile } from 'node:fs';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/nats-core';
import { HUB_INVITE_SUBJECT, type InviteReply, type InviteRequest, type Member } from '../nats/hub-permissions.ts';
import { covers, loadMembers, makeMember, MEMBERS_FILE, newSecret, saveMembers, type HubState } from '../nats/hub-members.ts';
import type { HubConfig } from '../nats/hub-config.ts';
import type { HubProcess } from '../nats/hub-process.ts';
import { requesterOf } from '../nats/responder.ts';
import type { ServedRepo } from './served-repos.ts';
import { shareLink, type ShareRole } from '../peer/share-link.ts';
import { applyMemberLogins } from './hub-logins.ts';


/** The read link, write invite or clone URL of a member for one repository. */
export function memberLinks(state: HubState, m: Member, repo: { name: string; projectCode: string }): { link?: string; nats: string } {
  const auth = { user: m.name, password: m.password };
  const u = new URL(state.nats);
  u.username = encodeURIComponent(m.name);
  u.password = encodeURIComponent(m.password);
  u.pathname = `/${repo.projectCode}`;
  const nats = u.toString();
  if (!state.web) return { nats };
  const role: ShareRole = m.role === 'reader' ? 'reader' : 'writer';
  const login = m.login ? { user: m.login.user, password: m.login.password } : undefined;
  return { nats, link: shareLink(state.web, { hub: state.ws, projectCode: repo.projectCode, name: repo.name, auth, role, login }) };
}

export class HubAccess {
  private members: Member[];
  private applying = Promise.resolve();
  private lastText = '';

  constructor(
    private readonly dir: string,
    private readonly config: HubConfig,
    private server: HubProcess,
    /** The repositories served now (a watched directory adds and drops them). */
    private readonly repos: () => ServedRepo[],
    private readonly log: (line: string) => void,
  ) {
    this.members = config.members;
  }

  /** The nats-server to reload from now on (the hub restarted it). */
  useServer(server: HubProcess): void {
    this.server = server;
  }

  /** Fossil logins for the members, in every served repository. */
  applyLogins(): void {
    for (const r of this.repos()) this.applyLoginsTo(r);
  }

  /** Fossil logins for the members, in one repository (one just added). */
  applyLoginsTo(r: ServedRepo): void {
    for (const change of applyMemberLogins(r.repo, this.members)) this.log(`  ${r.name}: ${change}`);
  }

  /** Read members.json again and apply what changed (users reloaded, logins added or removed). */
  reload(): Promise<void> {
    this.applying = this.applying.then(async () => {
      const next = loadMembers(this.dir);
      const text = JSON.stringify(next);
      if (text === this.lastText) return;
      this.lastText = text;
      const before = new Map(this.members.map((m) => [m.name, m]));
      this.members = next;
      this.config.members = next;
      await this.server.reload(this.config);
      for (const m of next) {
        const was = before.get(m.name);
        if (!was) this.log(`member ${m.name} (${m.role}) added`);
        else if (m.revoked && !was.revoked) this.log(`member ${m.name} revoked`);
      }
      this.applyLogins();
    });
    return this.applying;
  }

  /** Apply every change to members.json as it happens. */
  watch(): () => void {
    this.lastText = JSON.stringify(this.members);
    const file = join(this.dir, MEMBERS_FILE);
    const onChange = () => void this.reload().catch((e: Error) => this.log(`members.json: ${e.message}`));
    watchFile(file, { interval: 300, persistent: false }, onChange);
    return () => unwatchFile(file, onChange);
  }

  /**
   * Answer the web app's requests for an invite: a writer of a project may invite readers and
   * writers of it. The new member is saved and applied before the answer goes out, so the
   * credentials work at once.
   */
  serveInvites(nc: NatsConnection): () => void {
    const sub = nc.subscribe(HUB_INVITE_SUBJECT, {
      callback: (err, msg) => {
        if (err) return;
        const answer = (r: InviteReply) => msg.respond(new TextEncoder().encode(JSON.stringify(r)));
        void this.invite(requesterOf(msg.reply), msg.data).then(answer, (e: Error) => answer({ ok: false, error: e.message }));
      },
    });
    return () => sub.unsubscribe();
  }

  private async invite(requester: string, data: Uint8Array): Promise<InviteReply> {
    let req: InviteRequest;
    try {
      req = JSON.parse(new TextDecoder().decode(data)) as InviteRequest;
    } catch {
      return { ok: false, error: 'not an invite request' };
    }
    const who = this.members.find((m) => m.name === requester && !m.revoked);
    if (!who || (who.role !== 'writer' && who.role !== 'hub')) return { ok: false, error: 'only a writer may invite' };
    if (typeof req.project !== 'string' || !covers(who, req.project)) return { ok: false, error: 'you may not invite to that project' };
    if (req.role !== 'reader' && req.role !== 'writer') return { ok: false, error: 'an invite is for a reader or a writer' };
    const label = (req.for ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 20) || req.role;
    const name = `${label}-${newSecret().slice(0, 6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
    // A login exists only in the repositories the hub serves: for a project it does not serve
    // (writers' browsers sync it among themselves) the invite carries none.
    const served = this.repos().some((r) => r.repo.projectCode === req.project);
    const m = makeMember({ name, role: req.role, projects: [req.project], note: `invited by ${requester}`, loginCaps: served ? undefined : '' });
    await this.applying;
    const all = loadMembers(this.dir);
    saveMembers(this.dir, [...all, m]);
    await this.reload();
    const r: InviteReply = { ok: true, role: req.role, auth: { user: m.name, password: m.password } };
    if (m.login) r.login = { user: m.login.user, password: m.login.password };
    return r;
  }
}
