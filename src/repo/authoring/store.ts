/** Storing an artifact this repository authored: print it, store it, queue it for push, crosslink it. */
import type { Artifact } from '../../fossil/artifact-types.ts';
import { printArtifact } from '../../fossil/artifact.ts';
import type { Repository } from '../repository.ts';

export interface StoredArtifact {
  rid: number;
  uuid: string;
}

/** Must run inside the caller's transaction, so a later failure undoes the store too. */
export function storeAuthoredArtifact(repo: Repository, a: Artifact, opts: { isPrivate?: boolean } = {}): StoredArtifact & { created: boolean } {
  const bytes = printArtifact(a);
  const { rid, created } = repo.content.put(bytes, { isPrivate: opts.isPrivate });
  if (created) {
    repo.content.markUnsent(rid);
    repo.crosslink(rid, bytes);
  }
  return { rid, uuid: repo.content.uuidOf(rid)!, created };
}
