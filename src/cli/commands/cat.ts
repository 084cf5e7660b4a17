import { defineCommand } from '../command.ts';
import { repoOption } from '../command.ts';
import { UsageError } from '../args.ts';
import { repoPath, withRepository } from '../repo-access.ts';
import { resolveCheckin, ridByPrefix } from '../../repo/queries/resolve.ts';
import { filesOfCheckin } from '../../repo/checkin-files.ts';

export const catCommand = defineCommand({
  name: 'cat',
  summary: 'print an artifact by hash prefix, or a file as of a check-in',
  usage: 'cat -R FILE (HASH-PREFIX | PATH [--at CHECKIN])',
  description: 'With --at, or when the argument is not a hash prefix, it names a file path in the check-in (default tip).',
  options: [repoOption, { name: 'at', type: 'string', value: 'CHECKIN', help: 'the check-in to read PATH from (default tip)' }],
  run({ args }) {
    const [name, extra] = args.positional;
    if (!name || extra) throw new UsageError('give exactly one HASH-PREFIX or PATH');
    return withRepository(repoPath(args.options), (repo) => {
      let rid: number | undefined;
      const at = args.options.at;
      if (!at && /^[0-9a-fA-F]{4,64}$/.test(name)) {
        try {
          rid = ridByPrefix(repo.db, name);
        } catch {
          rid = undefined;
        }
      }
      if (rid === undefined) {
        const ci = resolveCheckin(repo.db, at ?? 'tip');
        const f = filesOfCheckin(repo, ci).find((x) => x.name === name);
        if (!f?.uuid) throw new Error(`no file "${name}" in check-in ${repo.content.uuidOf(ci)!.slice(0, 10)}${at ? '' : ' (tip)'}`);
        rid = repo.content.ridOf(f.uuid);
        if (rid === undefined) throw new Error(`content of "${name}" is missing`);
      }
      process.stdout.write(repo.content.get(rid));
    }, { readonly: true });
  },
});
