/**
 * Attachments as fossil's attach_commit (attach.c) writes them: the file's bytes as an artifact
 * of their own, then an attachment artifact (A filename target source, C comment, D, U) naming
 * them. The target is a wiki page's name, or a ticket's or technote's id. As fossil does, bytes
 * that would themselves parse as a structural artifact are stored compressed, under NAME.gz, so
 * an attachment can never be taken for a check-in, tag or the like.
 */
import type { Artifact } from '../../fossil/artifact-types.ts';
import { parseArtifact } from '../../fossil/artifact.ts';
import { compressBlob } from '../../fossil/blob-codec.ts';
import type { Repository } from '../repository.ts';
import { storeAuthoredArtifact } from './store.ts';
import { AuthoringError, dateCard } from './names.ts';

export type AttachmentTargetKind = 'wiki' | 'ticket' | 'technote';

export interface AttachOptions {
  /** A wiki page's name, or a ticket's or technote's full id. */
  target: string;
  filename: string;
  bytes: Uint8Array;
  comment?: string;
  user: string;
  date?: Date;
}

/** What the target of an attachment is, or undefined when there is no such page, ticket or technote. */
export function attachmentTargetKind(repo: Repository, target: string): AttachmentTargetKind | undefined {
  const has = (tag: string) => repo.db.value('SELECT 1 FROM tag WHERE tagname=?', tag) !== undefined;
  if (/^[0-9a-f]{40}$/.test(target)) {
    if (has(`tkt-${target}`)) return 'ticket';
    if (has(`event-${target}`)) return 'technote';
  }
  return has(`wiki-${target}`) ? 'wiki' : undefined;
}

function looksLikeArtifact(bytes: Uint8Array): boolean {
  try {
    parseArtifact(bytes);
    return true;
  } catch {
    return false;
  }
}

export function attachFile(repo: Repository, opts: AttachOptions): { rid: number; uuid: string; source: string; filename: string } {
  if (!opts.user) throw new AuthoringError('an attachment needs a user');
  if (!attachmentTargetKind(repo, opts.target)) {
    throw new AuthoringError(`there is no wiki page, ticket or technote ${JSON.stringify(opts.target)} to attach to`);
  }
  // fossil keeps only the last path segment of the name.
  let filename = opts.filename.split(/[/\\]/).pop() ?? '';
  if (filename === '') filename = 'unknown';
  if (/[\x00-\x1f]/.test(filename)) throw new AuthoringError(`bad attachment name ${JSON.stringify(opts.filename)}`);
  return repo.db.transaction(() => {
    let bytes = opts.bytes;
    if (looksLikeArtifact(bytes)) {
      bytes = compressBlob(bytes);
      filename += '.gz';
    }
    const file = repo.content.put(bytes);
    repo.content.markUnsent(file.rid);
    const source = repo.content.uuidOf(file.rid)!;
    const comment = (opts.comment ?? '').trim();
    const a: Artifact = {
      type: 'attachment',
      attachment: { filename, target: opts.target, source },
      comment: comment || undefined,
      date: dateCard(opts.date),
      user: opts.user,
      files: [], fields: [], members: [], parents: [], cherrypicks: [], tags: [],
    };
    const { rid, uuid } = storeAuthoredArtifact(repo, a);
    return { rid, uuid, source, filename };
  });
}
