import { defineCommand } from '../command.ts';
import { jsonOption, repoOption } from '../command.ts';
import { repoPath, withRepository } from '../repo-access.ts';
import { resolveCheckin } from '../../repo/queries/resolve.ts';
import { filesOfCheckin } from '../../repo/checkin-files.ts';

export const lsCommand = defineCommand({
  name: 'ls',
  summary: 'list the files of a check-in (default: tip)',
  usage: 'ls -R FILE [CHECKIN] [-v] [--json]',
  description: 'CHECKIN is a hash prefix, a branch or tag name, or `tip`.',
  options: [repoOption, { name: 'verbose', short: 'v', type: 'boolean', help: 'also show hash, size and permissions' }, jsonOption],
  run({ args, stdout }) {
    return withRepository(repoPath(args.options), (repo) => {
      const rid = resolveCheckin(repo.db, args.positional[0] ?? 'tip');
      const files = filesOfCheckin(repo, rid).map((f) => {
        const frid = f.uuid ? repo.content.ridOf(f.uuid) : undefined;
        return { name: f.name, uuid: f.uuid, size: frid !== undefined ? repo.content.size(frid) : -1, perm: f.perm };
      });
      if (args.options.json) return stdout(JSON.stringify(files, null, 2));
      for (const f of files) {
        stdout(args.options.verbose ? `${f.uuid} ${String(f.size).padStart(10)} ${f.perm || '-'} ${f.name}` : f.name);
      }
    }, { readonly: true });
  },
});
