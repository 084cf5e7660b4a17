/** Wiki page edits: one wiki artifact per version, chained by P to the previous version. */
import type { Artifact } from '../../fossil/artifact-types.ts';
import { parseArtifact } from '../../fossil/artifact.ts';
import { utf8 } from '../../fossil/bytes.ts';
import type { Repository } from '../repository.ts';
import { storeAuthoredArtifact } from './store.ts';
import { AuthoringError, dateCard } from './names.ts';

export const WIKI_MIMETYPES = ['text/x-fossil-wiki', 'text/x-markdown', 'text/plain'] as const;

/** fossil's wiki_name_is_wellformed: 1-100 bytes, no control characters, single inner spaces. */
export function checkWikiTitle(title: string): void {
  const n = utf8(title).length;
  if (n < 1 || n > 100 || /[\x00-\x1f\x7f]/.test(title) || title.startsWith(' ') || title.endsWith(' ') || title.includes('  ')) {
    throw new AuthoringError(`bad wiki page name ${JSON.stringify(title)}`);
  }
}

/** The newest version of a wiki page, or undefined. */
export function latestWikiVersion(repo: Repository, title: string): number | undefined {
  return repo.db.value<number>(
    `SELECT tagxref.rid FROM tagxref JOIN tag USING(tagid) WHERE tag.tagname=? ORDER BY tagxref.mtime DESC LIMIT 1`,
    `wiki-${title}`,
  );
}

export interface WikiEditOptions {
  title: string;
  /** Page text; empty text deletes the page. */
  text: string | Uint8Array;
  user: string;
  mimetype?: string;
  date?: Date;
}

export function writeWikiPage(repo: Repository, opts: WikiEditOptions): { rid: number; uuid: string } {
  checkWikiTitle(opts.title);
  if (!opts.user) throw new AuthoringError('a wiki edit needs a user');
  if (opts.mimetype && !(WIKI_MIMETYPES as readonly string[]).includes(opts.mimetype)) {
    throw new AuthoringError(`unknown wiki mimetype ${opts.mimetype}`);
  }
  return repo.db.transaction(() => {
    const prev = latestWikiVersion(repo, opts.title);
    // Without a markup given, the page keeps the one it has (`fossil wiki commit` does so).
    const mimetype = opts.mimetype ?? (prev !== undefined ? parseArtifact(repo.content.get(prev)).mimetype : undefined);
    const a: Artifact = {
      type: 'wiki',
      date: dateCard(opts.date),
      wikiTitle: opts.title,
      // fossil writes N only for non-default markup.
      mimetype: mimetype && mimetype !== 'text/x-fossil-wiki' ? mimetype : undefined,
      parents: prev !== undefined ? [repo.content.uuidOf(prev)!] : [],
      user: opts.user,
      wiki: typeof opts.text === 'string' ? utf8(opts.text) : opts.text,
      files: [], fields: [], members: [], cherrypicks: [], tags: [],
    };
    const { rid, uuid } = storeAuthoredArtifact(repo, a);
    return { rid, uuid };
  });
}
