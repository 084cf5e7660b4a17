/**
 * The CLI's side of a clone (sync/clone-lifecycle.ts): the clone is a file, made with where it
 * comes from already in it (so `edgesync pull -R FILE` can always finish an interrupted one),
 * hashed on a worker thread, and left on disk when it fails after something arrived.
 */
import { rmSync } from 'node:fs';
import { createRepoFile } from '../repo/node-files.ts';
import type { Repository } from '../repo/repository.ts';
import { compactClone } from '../repo/repack.ts';
import type { CloneRun, CloneSource, CloneStorage } from '../sync/clone-lifecycle.ts';
import { openTransport, rememberClonePassword, rememberTarget, rememberUrl, type Target } from './sync-options.ts';

/** A clone in the file at path: `unfinished` when resuming one, else made there by `create`. */
export function fileStorage(path: string, o: { unfinished?: Repository; adminUser?: string; compact?: { extraDeltas: boolean } }): CloneStorage {
  return {
    unfinished: o.unfinished,
    create(prepare) {
      // In the file before it appears: a process killed here leaves no file at all.
      return createRepoFile(path, { date: null, adminUser: o.adminUser, prepare });
    },
    keep(repo) {
      // Like fossil, leave a compact file behind.
      if (o.compact) compactClone(repo, o.compact);
      return repo;
    },
    leave: closeQuietly,
    discard(repo) {
      closeQuietly(repo);
      rmSync(path, { force: true });
    },
    freshResumes: true,
    // The user named the file: it is theirs, whatever it holds.
    discardEmptyResumed: false,
  };
}

/**
 * The server of a target. A clone made here remembers the URL and (obscured) password at once,
 * and the password as a secret as soon as the project code is known, so that a clone killed
 * half-way can be finished without asking for it again.
 */
export function targetSource(target: Target, o: { remember: boolean }): CloneSource {
  const { url, login } = target;
  const source: CloneSource = { open: (projectCode) => openTransport(url, projectCode, { clone: true }), login };
  if (!o.remember) return source;
  return {
    ...source,
    remember(repo) {
      rememberUrl(repo, url, login?.user);
      rememberClonePassword(repo, login);
    },
    projectKnown(repo) {
      if (login) rememberTarget(repo, target);
    },
    finished(repo) {
      rememberTarget(repo, target);
    },
  };
}

/** The hashing worker's code loads only for a clone, not for every sync. */
export const threadVerifier: CloneRun['verifier'] = async () => (await import('../sync/worker-verifier-node.ts')).workerVerifier();

export function closeQuietly(repo: Repository): void {
  try {
    repo.db.close();
  } catch {
    // already closed
  }
}
