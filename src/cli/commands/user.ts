import { defineCommand } from '../command.ts';
import { jsonOption, repoOption } from '../command.ts';
import { UsageError } from '../args.ts';
import { repoPath, withRepository } from '../repo-access.ts';

export const userCommand = defineCommand({
  name: 'user',
  summary: 'list users, add one, or change capabilities or password',
  usage: 'user -R FILE (ls | add LOGIN PASSWORD CAPS | caps LOGIN CAPS | password LOGIN PASSWORD) [--json]',
  options: [repoOption, jsonOption],
  run({ args, stdout }) {
    const [sub, a, b, c] = args.positional;
    return withRepository(repoPath(args.options), (repo) => {
      switch (sub) {
        case 'ls': {
          const users = repo.users.list().map((u) => ({ login: u.login, caps: u.cap, info: u.info }));
          if (args.options.json) stdout(JSON.stringify(users, null, 2));
          else for (const u of users) stdout(`${u.login.padEnd(16)} ${u.caps}`);
          return;
        }
        case 'add':
          if (!a || b === undefined) throw new UsageError('user add needs LOGIN PASSWORD [CAPS]');
          repo.users.add(a, { password: b, caps: c ?? '' });
          return stdout(`added user ${a}`);
        case 'caps':
          if (!a || b === undefined) throw new UsageError('user caps needs LOGIN CAPS');
          repo.users.setCaps(a, b);
          return stdout(`${a}: ${b}`);
        case 'password':
          if (!a || !b) throw new UsageError('user password needs LOGIN PASSWORD');
          repo.users.setPassword(a, b);
          return stdout(`password of ${a} changed`);
        default:
          throw new UsageError('use ls, add, caps or password');
      }
    });
  },
});
