import { defineCommand } from '../command.ts';
import { jsonOption, repoOption } from '../command.ts';
import { UsageError } from '../args.ts';
import { authorName, repoPath, withRepository } from '../repo-access.ts';
import { resolveCheckin } from '../../repo/queries/resolve.ts';
import { addSymbolicTag, changeTags } from '../../repo/authoring/tag.ts';
import { writeHere } from '../../mesh/local-write.ts';
import { tags } from '../../repo/queries/branches.ts';

export const tagCommand = defineCommand({
  name: 'tag',
  summary: 'add, cancel and list symbolic tags',
  usage: 'tag -R FILE (add NAME CHECKIN [VALUE] | cancel NAME CHECKIN | ls) [--propagate] [--user U] [--json]',
  options: [
    repoOption,
    { name: 'propagate', type: 'boolean', help: 'the tag propagates to descendants' },
    { name: 'user', type: 'string', value: 'LOGIN', help: 'author of the change (default: $USER)' },
    jsonOption,
  ],
  run({ args, stdout }) {
    const [sub, name, checkin, value] = args.positional;
    const path = repoPath(args.options);
    if (sub === 'ls') {
      return withRepository(path, (repo) => {
        const list = tags(repo.db);
        if (args.options.json) stdout(JSON.stringify(list, null, 2));
        else for (const t of list) stdout(t.name);
      }, { readonly: true });
    }
    if (sub !== 'add' && sub !== 'cancel') throw new UsageError('use add, cancel or ls');
    if (!name || !checkin) throw new UsageError(`tag ${sub} needs NAME and CHECKIN`);
    return withRepository(path, (repo) => {
      const target = resolveCheckin(repo.db, checkin);
      const user = authorName(repo, args.options.user);
      const r = writeHere(repo, (w) => {
        const made = sub === 'add'
          ? addSymbolicTag(w, target, name, user, { propagate: Boolean(args.options.propagate), value })
          : changeTags(w, [{ target, name: `sym-${name}`, op: '-' }], user);
        return { uuid: made.uuid, kind: 'other', value: made };
      });
      if (args.options.json) stdout(JSON.stringify({ uuid: r.uuid }));
      else stdout(`${sub === 'add' ? 'tagged' : 'cancelled'} ${name} on ${repo.content.uuidOf(target)!.slice(0, 16)}: ${r.uuid}`);
    });
  },
});
