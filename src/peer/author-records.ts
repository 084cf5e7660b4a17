/**
 * The browser's writes of forum posts, technotes and attachments, as functions over a
 * `Repository` (src/repo/authoring does the writing). The worker's `author` group calls them
 * under the repository's write lock, as the user this browser writes as, through the one write
 * path (mesh/local-write.ts), so each reaches the hub and peers like every other write.
 */
import { CodedError } from '../errors.ts';
import { parseArtifact } from '../fossil/artifact.ts';
import type { LocalWrite } from '../mesh/local-write.ts';
import { attachFile } from '../repo/authoring/attachment.ts';
import { writeForumPost } from '../repo/authoring/forum.ts';
import { writeTechnote } from '../repo/authoring/technote.ts';
import type { Repository } from '../repo/repository.ts';
import type { AttachmentInfo, AttachRequest, ForumPostRequest, TechnoteRequest } from './record-types.ts';
import { attachments, forumPostVersions } from './records.ts';

/** A new thread, a reply, or an edit of one's own post; the new post version's hash. */
export function postToForum(repo: Repository, user: string, req: Omit<ForumPostRequest, 'user'>): LocalWrite<string> {
  let edit: number | undefined;
  if (req.edit) {
    const v = forumPostVersions(repo, req.edit);
    const author = parseArtifact(repo.content.get(repo.content.ridOf(v.first)!)).user ?? '';
    if (author !== user) throw new CodedError('read-only', `Only ${author || 'its author'} may edit this post.`);
    // The form started from this version; a newer one means someone edited it meanwhile.
    if (!v.newest.uuid.startsWith(req.edit)) throw new CodedError('conflict', 'This post was edited meanwhile: reload it and edit its newest version.');
    edit = v.newest.rid;
  }
  const inReplyTo = req.inReplyTo ? forumPostVersions(repo, req.inReplyTo).newest.rid : undefined;
  const { uuid } = writeForumPost(repo, {
    title: req.title, inReplyTo: edit === undefined ? inReplyTo : undefined, edit, text: req.text, mimetype: req.mimetype, user,
  });
  return { uuid, kind: 'other', value: uuid };
}

/** A new technote or a new version of one; its id. */
export function saveTechnote(repo: Repository, user: string, req: Omit<TechnoteRequest, 'user'>): LocalWrite<string> {
  const { uuid, id } = writeTechnote(repo, { ...req, user });
  return { uuid, kind: 'other', value: id };
}

/** Attach a file to a wiki page, ticket or technote; the attachment as listed. */
export function attachToTarget(repo: Repository, user: string, req: Omit<AttachRequest, 'user'>): LocalWrite<AttachmentInfo> {
  const { uuid } = attachFile(repo, { target: req.target, filename: req.filename, bytes: req.bytes, comment: req.comment, user });
  return { uuid, kind: 'other', value: attachments(repo, req.target).find((a) => a.uuid === uuid)! };
}
