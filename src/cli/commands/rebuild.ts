import { defineCommand } from '../command.ts';
import { jsonOption, repoOption } from '../command.ts';
import { repoPath, withRepository } from '../repo-access.ts';
import { rebuild } from '../../repo/rebuild.ts';

export const rebuildCommand = defineCommand({
  name: 'rebuild',
  summary: 'recompute all derived tables (timeline, branches, tags, ...) from the artifacts',
  usage: 'rebuild -R FILE [--json]',
  options: [repoOption, jsonOption],
  run({ args, stdout }) {
    return withRepository(repoPath(args.options), (repo) => {
      const t0 = performance.now();
      const r = rebuild(repo);
      const seconds = (performance.now() - t0) / 1000;
      if (args.options.json) stdout(JSON.stringify({ ...r, seconds }));
      else stdout(`rebuilt in ${seconds.toFixed(2)} s`);
    });
  },
});
