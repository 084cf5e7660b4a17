/**
 * Technotes as fossil's event_commit_common (event.c) writes them: C comment (the timeline
 * text), D, E (the technote's own time and its id), N markup, P the previous version, T cards
 * for the background colour and the tags (sorted, each on the technote itself), U, W.
 */
import type { Artifact, TagCard } from '../../fossil/artifact-types.ts';
import { formatJulian, julianDay } from '../../fossil/julian.ts';
import { toHex } from '../../fossil/bytes.ts';
import { platform } from '../../platform/platform.ts';
import type { Repository } from '../repository.ts';
import { storeAuthoredArtifact } from './store.ts';
import { AuthoringError, checkTagName, dateCard } from './names.ts';
import { WIKI_MIMETYPES } from './wiki.ts';

export interface TechnoteOptions {
  /** An existing technote's id (40 hex) to write a new version of; leave out for a new one. */
  id?: string;
  /** The technote's own time, as fossil takes it (`2024-05-01 12:00`, `2024-05-01T12:00:00`, UTC). */
  when: string;
  /** The text the timeline shows for it. */
  comment: string;
  text: string;
  mimetype?: string;
  /** Tag names; fossil splits its tag field on spaces and commas. */
  tags?: string[];
  /** Background colour on the timeline. */
  bgcolor?: string;
  user: string;
  date?: Date;
}

/** The newest version of a technote, or undefined. */
export function latestTechnoteVersion(repo: Repository, id: string): number | undefined {
  return repo.db.value<number>(
    'SELECT tagxref.rid FROM tagxref JOIN tag USING(tagid) WHERE tag.tagname=? ORDER BY tagxref.mtime DESC LIMIT 1',
    `event-${id}`,
  );
}

export function writeTechnote(repo: Repository, opts: TechnoteOptions): { rid: number; uuid: string; id: string } {
  if (!opts.user) throw new AuthoringError('a technote needs a user');
  if (opts.mimetype && !(WIKI_MIMETYPES as readonly string[]).includes(opts.mimetype)) {
    throw new AuthoringError(`unknown technote mimetype ${opts.mimetype}`);
  }
  const id = opts.id ?? toHex(platform().randomBytes(20));
  if (!/^[0-9a-f]{40}$/.test(id)) throw new AuthoringError(`bad technote id ${JSON.stringify(id)}`);
  const julian = julianDay(opts.when.trim());
  if (julian === null) throw new AuthoringError(`bad technote time ${JSON.stringify(opts.when)}`);
  const tags = [...new Set((opts.tags ?? []).flatMap((t) => t.split(/[\s,]+/)).filter(Boolean))].sort();
  for (const t of tags) checkTagName(t);
  const bgcolor = opts.bgcolor?.trim();
  if (bgcolor && /\s/.test(bgcolor)) throw new AuthoringError(`bad colour ${JSON.stringify(bgcolor)}`);
  return repo.db.transaction(() => {
    const prev = opts.id !== undefined ? latestTechnoteVersion(repo, id) : undefined;
    if (opts.id !== undefined && prev === undefined) throw new AuthoringError(`there is no technote ${id.slice(0, 10)}`);
    const cards: TagCard[] = [
      ...(bgcolor ? [{ op: '+' as const, name: 'bgcolor', target: '*', value: bgcolor }] : []),
      ...tags.map((t) => ({ op: '+' as const, name: `sym-${t}`, target: '*' })),
    ];
    const comment = opts.comment.trim();
    const eDate = formatJulian(julian).slice(0, 19);
    const a: Artifact = {
      type: 'technote',
      comment: comment || undefined,
      date: dateCard(opts.date),
      // The E card has whole seconds, as fossil's technote editor writes it.
      event: { date: eDate, julian: julianDay(eDate)!, id },
      mimetype: opts.mimetype ?? 'text/x-fossil-wiki',
      parents: prev !== undefined ? [repo.content.uuidOf(prev)!] : [],
      tags: cards,
      user: opts.user,
      wiki: new TextEncoder().encode(opts.text),
      files: [], fields: [], members: [], cherrypicks: [],
    };
    const { rid, uuid } = storeAuthoredArtifact(repo, a);
    return { rid, uuid, id };
  });
}
