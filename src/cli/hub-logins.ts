/**
 * The fossil logins a hub keeps for its members in the repositories it serves: a writer signs
 * its pushes with one. Logins the hub made are marked in the user's contact info, so the hub
 * never touches a user the operator made by hand, and removes its own when a member is revoked.
 */
import { covers } from '../nats/hub-members.ts';
import type { Member } from '../nats/hub-permissions.ts';
import type { Repository } from '../repo/repository.ts';

export const HUB_LOGIN_INFO = 'edgesync hub member';

/** Bring the repository's users in line with the members; returns what changed, for the log. */
export function applyMemberLogins(repo: Repository, members: readonly Member[]): string[] {
  const code = repo.projectCode;
  const changes: string[] = [];
  repo.db.transaction(() => {
    for (const m of members) {
      if (!m.login) continue;
      const { user, password, caps } = m.login;
      const want = !m.revoked && covers(m, code);
      const u = repo.users.get(user);
      if (want) {
        if (!u) {
          repo.users.add(user, { password, caps, info: HUB_LOGIN_INFO });
          changes.push(`added login ${user}`);
        } else if (u.info === HUB_LOGIN_INFO) {
          if (u.cap !== caps) repo.users.setCaps(user, caps);
          if (!repo.users.checkPassword(user, password)) repo.users.setPassword(user, password);
        } else {
          changes.push(`left login ${user} alone: a user of that name was not made by the hub`);
        }
      } else if (u && u.info === HUB_LOGIN_INFO) {
        repo.db.run('DELETE FROM user WHERE login=? AND info=?', user, HUB_LOGIN_INFO);
        changes.push(`removed login ${user}`);
      }
    }
  });
  return changes;
}
