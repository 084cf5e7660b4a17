import { defineCommand } from '../command.ts';
import { jsonOption, repoOption } from '../command.ts';
import { repoPath, withRepository } from '../repo-access.ts';
import { verifyRepo } from '../../repo/verify.ts';
import { count } from '../count.ts';

export const verifyCommand = defineCommand({
  name: 'verify',
  summary: 'check that every artifact expands and matches its hash (exit 0 only then)',
  usage: 'verify -R FILE [--json]',
  options: [repoOption, jsonOption],
  run({ args, stdout, stderr }) {
    return withRepository(repoPath(args.options), (repo) => {
      const r = verifyRepo(repo);
      if (args.options.json) stdout(JSON.stringify(r, null, 2));
      else {
        for (const p of r.problems) stderr(p);
        stdout(`${r.ok ? 'ok' : 'FAILED'}: ${count(r.checked, 'artifact')} checked, ${count(r.problems.length, 'problem')}`);
      }
      return r.ok ? 0 : 1;
    }, { readonly: true });
  },
});
