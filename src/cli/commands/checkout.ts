import { mkdirSync, writeFileSync, chmodSync, symlinkSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { defineCommand } from '../command.ts';
import { jsonOption, repoOption } from '../command.ts';
import { UsageError } from '../args.ts';
import { repoPath, withRepository } from '../repo-access.ts';
import { resolveCheckin } from '../../repo/queries/resolve.ts';
import { filesOfCheckin } from '../../repo/checkin-files.ts';
import { text } from '../../fossil/bytes.ts';
import { count } from '../count.ts';

export const checkoutCommand = defineCommand({
  name: 'checkout',
  summary: 'write the files of a check-in into a directory',
  usage: 'checkout -R FILE CHECKIN DIR [--force] [--json]',
  description: 'DIR must be empty or absent unless --force is given (then existing files are overwritten).',
  options: [repoOption, { name: 'force', type: 'boolean', help: 'write into a non-empty directory' }, jsonOption],
  run({ args, stdout }) {
    const [name, dir, extra] = args.positional;
    if (!name || !dir || extra) throw new UsageError('give CHECKIN and DIR');
    if (existsSync(dir) && readdirSync(dir).length > 0 && !args.options.force) {
      throw new Error(`directory ${dir} is not empty (use --force)`);
    }
    return withRepository(repoPath(args.options), (repo) => {
      const rid = resolveCheckin(repo.db, name);
      const root = resolve(dir);
      let n = 0;
      for (const f of filesOfCheckin(repo, rid)) {
        const path = resolve(root, f.name);
        // Names were validated when parsed, but never write outside DIR whatever the manifest says.
        if (!path.startsWith(root + sep)) throw new Error(`refusing to write outside ${dir}: ${f.name}`);
        const frid = f.uuid ? repo.content.ridOf(f.uuid) : undefined;
        if (frid === undefined) throw new Error(`content of ${f.name} is missing`);
        const data = repo.content.get(frid);
        mkdirSync(dirname(path), { recursive: true });
        rmSync(path, { force: true }); // also removes a dangling symlink, which writeFileSync would follow
        if (f.perm === 'l') {
          symlinkSync(text(data), path);
        } else {
          writeFileSync(path, data);
          if (f.perm === 'x') chmodSync(path, 0o755);
        }
        n++;
      }
      const uuid = repo.content.uuidOf(rid)!;
      if (args.options.json) stdout(JSON.stringify({ checkin: uuid, files: n, dir: join(root) }));
      else stdout(`checked out ${uuid.slice(0, 16)} into ${dir}: ${count(n, 'file')}`);
    }, { readonly: true });
  },
});
