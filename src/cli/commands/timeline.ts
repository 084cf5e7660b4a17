import { defineCommand } from '../command.ts';
import { jsonOption, repoOption } from '../command.ts';
import { UsageError } from '../args.ts';
import { repoPath, withRepository } from '../repo-access.ts';
import { EVENT_TYPE_NAMES, timeline } from '../../repo/queries/timeline.ts';

export const timelineCommand = defineCommand({
  name: 'timeline',
  summary: 'list events newest first: check-ins, wiki, tickets, technotes, tag changes, forum posts',
  usage: 'timeline -R FILE [-n N] [--offset N] [-b BRANCH] [-t TYPE] [--json]',
  options: [
    repoOption,
    { name: 'limit', short: 'n', type: 'number', value: 'N', help: 'show at most N events (default 20; 0 = all)' },
    { name: 'offset', type: 'number', value: 'N', help: 'skip the first N events' },
    { name: 'branch', short: 'b', type: 'string', value: 'BRANCH', help: 'only check-ins on BRANCH' },
    { name: 'type', short: 't', type: 'string', value: 'TYPE', help: 'only events of TYPE: ci, w, t, e, g, f' },
    { name: 'user', short: 'u', type: 'string', value: 'LOGIN', help: 'only events by LOGIN' },
    { name: 'search', type: 'string', value: 'TEXT', help: 'only events whose comment contains TEXT' },
    jsonOption,
  ],
  run({ args, stdout }) {
    const o = args.options;
    const type = o.type;
    if (type && !(type in EVENT_TYPE_NAMES)) throw new UsageError(`unknown event type "${type}" (use ci, w, t, e, g or f)`);
    const limit = o.limit ?? 20;
    return withRepository(repoPath(o), (repo) => {
      const rows = timeline(repo.db, {
        limit, offset: o.offset, branch: o.branch,
        types: type ? [type] : undefined, user: o.user, search: o.search,
      });
      if (o.json) {
        stdout(JSON.stringify(rows.map((r) => ({ ...r, typeName: EVENT_TYPE_NAMES[r.type] ?? r.type })), null, 2));
        return;
      }
      let day = '';
      for (const r of rows) {
        const d = r.time.slice(0, 10);
        if (d !== day) stdout(`=== ${(day = d)} ===`);
        const tags = r.type === 'ci' ? ` tags: ${r.tags.join(', ')}` : '';
        stdout(`${r.time.slice(11, 19)} [${r.uuid.slice(0, 10)}] ${r.leaf ? '*LEAF* ' : ''}${r.comment} (user: ${r.user}${r.type === 'ci' && r.tags.length ? tags : ''})`);
      }
      if (rows.length === 0) stdout('(no events)');
    }, { readonly: true });
  },
});
