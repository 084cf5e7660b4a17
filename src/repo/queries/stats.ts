/** Repository statistics, the figures `fossil info` and `fossil dbstat` print. */
import type { Db } from '../../db/db.ts';

export interface RepoStats {
  artifacts: number;
  phantoms: number;
  deltas: number;
  checkins: number;
  wikiEdits: number;
  ticketChanges: number;
  technotes: number;
  forumPosts: number;
  tagChanges: number;
  files: number;
  expandedBytes: number;
  storedBytes: number;
  projectCode: string | null;
  projectName: string | null;
}

export function repoStats(db: Db): RepoStats {
  const n = (sql: string) => db.value<number>(sql) ?? 0;
  const byType = new Map(db.all<{ type: string; n: number }>('SELECT type, count(*) AS n FROM event GROUP BY type').map((r) => [r.type, r.n]));
  return {
    artifacts: n('SELECT count(*) FROM blob WHERE size>=0'),
    phantoms: n('SELECT count(*) FROM blob WHERE size<0'),
    deltas: n('SELECT count(*) FROM delta'),
    checkins: byType.get('ci') ?? 0,
    wikiEdits: byType.get('w') ?? 0,
    ticketChanges: byType.get('t') ?? 0,
    technotes: byType.get('e') ?? 0,
    forumPosts: byType.get('f') ?? 0,
    tagChanges: byType.get('g') ?? 0,
    files: n('SELECT count(*) FROM filename'),
    expandedBytes: n('SELECT coalesce(sum(size),0) FROM blob WHERE size>0'),
    storedBytes: n('SELECT coalesce(sum(length(content)),0) FROM blob'),
    projectCode: db.value<string>("SELECT value FROM config WHERE name='project-code'") ?? null,
    projectName: db.value<string>("SELECT value FROM config WHERE name='project-name'") ?? null,
  };
}
