/**
 * What kind of thing an artifact is, in the words people count changes by: a check-in, a wiki
 * page version, a ticket change, or something else (a tag, a technote, a forum post, a file's
 * content). Read from the timeline's `event` table, which crosslinking fills for each of them.
 */
import type { Db } from '../../db/db.ts';

export type ArtifactKind = 'checkin' | 'wiki' | 'ticket' | 'other';

/** How many artifacts of each kind. */
export type KindCounts = Record<ArtifactKind, number>;

export function emptyKindCounts(): KindCounts {
  return { checkin: 0, wiki: 0, ticket: 0, other: 0 };
}

const BY_EVENT_TYPE: Readonly<Record<string, ArtifactKind>> = { ci: 'checkin', w: 'wiki', t: 'ticket' };

/** The kind of the artifact `rid` (a file's content, with no event of its own, is `other`). */
export function artifactKind(db: Db, rid: number): ArtifactKind {
  const type = db.value<string>('SELECT type FROM event WHERE objid=?', rid);
  return (type !== undefined && BY_EVENT_TYPE[type]) || 'other';
}
