import { defineCommand } from '../command.ts';
import { jsonOption, repoOption } from '../command.ts';
import { repoPath, withRepository } from '../repo-access.ts';
import { repoStats } from '../../repo/queries/stats.ts';
import { timeline } from '../../repo/queries/timeline.ts';

export const infoCommand = defineCommand({
  name: 'info',
  summary: 'show facts about a repository: project, sizes, counts, newest check-in',
  usage: 'info -R FILE [--json]',
  options: [repoOption, jsonOption],
  run({ args, stdout }) {
    return withRepository(repoPath(args.options), (repo) => {
      const stats = repoStats(repo.db);
      const [tip] = timeline(repo.db, { types: ['ci'], limit: 1 });
      const info = {
        repository: repo.db.filename,
        ...stats,
        serverCode: repo.config.get('server-code') ?? null,
        hashPolicy: repo.config.get('hash-policy') ?? null,
        tip: tip ? { uuid: tip.uuid, time: tip.time, user: tip.user, comment: tip.comment, branch: tip.branch } : null,
      };
      if (args.options.json) return stdout(JSON.stringify(info, null, 2));
      const rows: [string, unknown][] = [
        ['repository', info.repository],
        ['project-name', info.projectName ?? '(none)'],
        ['project-code', info.projectCode],
        ['server-code', info.serverCode],
        ['artifacts', `${info.artifacts} (${info.phantoms} phantoms, ${info.deltas} deltas)`],
        ['check-ins', info.checkins],
        ['wiki edits', info.wikiEdits],
        ['ticket changes', info.ticketChanges],
        ['technotes', info.technotes],
        ['forum posts', info.forumPosts],
        ['files', info.files],
        ['content', `${info.expandedBytes} bytes expanded, ${info.storedBytes} stored`],
        ['tip', tip ? `${tip.uuid} ${tip.time} ${tip.user}: ${tip.comment}` : '(none)'],
      ];
      stdout(rows.map(([k, v]) => `${`${k}:`.padEnd(16)}${v}`).join('\n'));
    }, { readonly: true });
  },
});
