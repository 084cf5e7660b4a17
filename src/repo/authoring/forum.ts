/**
 * Forum posts as fossil's forum_post (forum.c) writes them: a new thread (H title), a reply
 * (I in-reply-to, G thread root) or an edit of a post (P the version edited; an edit of a reply
 * keeps its I card, an edit of a thread's first post its H title). An edit with empty text is
 * fossil's "delete". Each is one forum artifact, crosslinked into `forumpost` and the timeline.
 */
import type { Artifact } from '../../fossil/artifact-types.ts';
import { parseArtifact } from '../../fossil/artifact.ts';
import type { Repository } from '../repository.ts';
import { storeAuthoredArtifact } from './store.ts';
import { AuthoringError, dateCard } from './names.ts';

export const FORUM_MIMETYPES = ['text/x-markdown', 'text/x-fossil-wiki', 'text/plain'] as const;

export interface ForumPostOptions {
  /** A new thread's title, or the new title of a thread's first post being edited. */
  title?: string;
  /** The post (rid) this one replies to. */
  inReplyTo?: number;
  /** The version (rid) of a post this one edits; it must be that post's newest version. */
  edit?: number;
  text: string;
  mimetype?: string;
  user: string;
  date?: Date;
}

interface ForumRow {
  froot: number;
  fprev: number | null;
  firt: number | null;
}

function forumRow(repo: Repository, rid: number): ForumRow | undefined {
  if (!repo.db.value("SELECT 1 FROM sqlite_schema WHERE name='forumpost'")) return undefined;
  return repo.db.get<ForumRow>('SELECT froot, fprev, firt FROM forumpost WHERE fpid=?', rid);
}

export function writeForumPost(repo: Repository, opts: ForumPostOptions): { rid: number; uuid: string } {
  if (!opts.user) throw new AuthoringError('a forum post needs a user');
  if (opts.mimetype && !(FORUM_MIMETYPES as readonly string[]).includes(opts.mimetype)) {
    throw new AuthoringError(`unknown forum mimetype ${opts.mimetype}`);
  }
  // fossil refuses a new post or reply that is only white space; an empty edit deletes a post.
  if (opts.edit === undefined && opts.text.trim() === '') throw new AuthoringError('a forum post needs some text');
  return repo.db.transaction(() => {
    let inReplyTo = opts.inReplyTo ?? 0;
    let basis = inReplyTo;
    if (opts.edit !== undefined) {
      const edited = forumRow(repo, opts.edit);
      if (!edited) throw new AuthoringError('the post to edit is not a forum post here');
      if (repo.db.value('SELECT 1 FROM forumpost WHERE fprev=?', opts.edit) !== undefined) {
        throw new AuthoringError('that post has been edited since: edit its newest version');
      }
      if (inReplyTo === 0) inReplyTo = edited.firt ?? 0;
      basis = opts.edit;
    } else if (inReplyTo !== 0 && !forumRow(repo, inReplyTo)) {
      throw new AuthoringError('the post replied to is not a forum post here');
    }
    // forum_post: a title exactly when the post is not a reply.
    let title = inReplyTo === 0 ? opts.title : undefined;
    if (inReplyTo === 0 && title === undefined && opts.edit !== undefined) title = parseArtifact(repo.content.get(opts.edit)).threadTitle ?? '';
    if (opts.edit === undefined && inReplyTo === 0 && !title?.trim()) throw new AuthoringError('a new thread needs a title');
    const root = basis ? forumRow(repo, basis)?.froot : undefined;
    const a: Artifact = {
      type: 'forum',
      date: dateCard(opts.date),
      threadRoot: root !== undefined ? repo.content.uuidOf(root) : undefined,
      threadTitle: title,
      inReplyTo: inReplyTo ? repo.content.uuidOf(inReplyTo) : undefined,
      mimetype: opts.mimetype && opts.mimetype !== 'text/x-fossil-wiki' ? opts.mimetype : undefined,
      parents: opts.edit !== undefined ? [repo.content.uuidOf(opts.edit)!] : [],
      user: opts.user,
      wiki: new TextEncoder().encode(opts.text),
      files: [], fields: [], members: [], cherrypicks: [], tags: [],
    };
    const { rid, uuid } = storeAuthoredArtifact(repo, a);
    return { rid, uuid };
  });
}
