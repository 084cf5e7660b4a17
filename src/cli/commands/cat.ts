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
      // Why a hash-like name is no artifact (none matches, or several): said when it is no file either.
      let notArtifact: Error | undefined;
      if (!at && /^[0-9a-fA-F]{4,64}$/.test(name)) {
        try {
          rid = ridByPrefix(repo.db, name);
        } catch (e) {
          notArtifact = e as Error;
        }
      }
      if (rid === undefined) {
        const ci = resolveCheckin(repo.db, at ?? 'tip');
        const f = filesOfCheckin(repo, ci).find((x) => x.name === name);
        const where = `check-in ${repo.content.uuidOf(ci)!.slice(0, 10)}${at ? '' : ' (tip)'}`;
        if (!f?.uuid && notArtifact) throw new Error(`${notArtifact.message}, and there is no file "${name}" in ${where}`, { cause: notArtifact });
        if (!f?.uuid) throw new Error(`no file "${name}" in ${where}`);
        rid = repo.content.ridOf(f.uuid);
        if (rid === undefined) throw new Error(`content of "${name}" is missing`);
      }
      process.stdout.write(repo.content.get(rid));
    }, { readonly: true });
  },
});
