/**
 * Cloning (clone.c clone_cmd with the clone branch of client_sync): make an empty repository,
 * receive every artifact with clone protocol 3, then rebuild the derived tables from them.
 *
 * Every round commits, and the server's next seqno is kept in a setting, so an interrupted clone
 * leaves a repository that opens and that the next clone (or pull) of it resumes where it
 * stopped. As upstream, artifacts are stored as they arrive; the rebuild at the end expands each
 * one once, checks it against its name and crosslinks it.
 */
import type { Repository } from '../repo/repository.ts';
import { rebuild, type RebuildProgress } from '../repo/rebuild.ts';
import { ClientSession, CLONE_RECEIVED_SETTING, CLONE_SEQNO_SETTING, SyncError, type ClientSyncOptions, type SyncResult } from './client-session.ts';
import { inlineVerifier, type ArtifactVerifier } from './artifact-verifier.ts';
import { ConfigGroup } from './config-sync.ts';
import type { SyncTransport } from './transport.ts';

export interface FinishOptions {
  /** Progress of the final rebuild. */
  onRebuildProgress?: (p: RebuildProgress) => void;
  /** How artifacts are checked against their names (default: hashed on the spot). */
  verifier?: ArtifactVerifier;
}

export interface CloneOptions extends Omit<ClientSyncOptions, 'cloneFrom' | 'pull' | 'push'>, FinishOptions {}

export interface CloneResult extends SyncResult {
  /** False when the clone resumed an interrupted one. */
  fresh: boolean;
  projectCode: string;
}

/**
 * Make a repository just created with Repository.create({ date: null }) ready to be a clone:
 * it gets its project code from the server, and no hash policy of its own.
 */
export function prepareCloneTarget(repo: Repository): void {
  repo.db.transaction(() => {
    repo.config.delete('project-code');
    repo.config.delete('hash-policy');
    repo.config.set(CLONE_SEQNO_SETTING, 1);
    repo.config.set(CLONE_RECEIVED_SETTING, 0);
  });
}

/** True when the repository is a clone whose transfer or rebuild has not finished. */
export function isUnfinishedClone(repo: Repository): boolean {
  return repo.config.get(CLONE_SEQNO_SETTING) !== undefined;
}

/**
 * Clone (or resume cloning) into repo. The repository must not have a crosslinker installed:
 * nothing is crosslinked until the rebuild at the end.
 */
export async function cloneInto(repo: Repository, transport: SyncTransport, opts: CloneOptions = {}): Promise<CloneResult> {
  if (repo.hasCrosslinker) throw new Error('clone: open the target repository without a crosslinker');
  if (!isUnfinishedClone(repo)) throw new Error('clone: the repository is not an unfinished clone');
  const seqno = repo.config.getInt(CLONE_SEQNO_SETTING, 1);
  const fresh = seqno === 1 && repo.config.getInt(CLONE_RECEIVED_SETTING, 0) === 0;
  let result: SyncResult = { rounds: 0, artifactsSent: 0, artifactsReceived: 0, bytesSent: 0, bytesReceived: 0, messages: [] };
  if (seqno > 0) {
    result = await new ClientSession(repo, transport, {
      ...opts,
      cloneFrom: seqno,
      configGroups: opts.configGroups ?? ConfigGroup.ALL,
    }).run();
  }
  finishClone(repo, opts);
  return { ...result, fresh, projectCode: repo.projectCode };
}

/** Check the transfer is complete, then derive everything from the artifacts. */
export function finishClone(repo: Repository, opts: FinishOptions = {}): void {
  const db = repo.db;
  if (!repo.config.projectCode) throw new SyncError('clone incomplete: the server never said its project code');
  if (repo.config.getInt(CLONE_SEQNO_SETTING, 0) > 0) throw new SyncError('clone incomplete: the server stopped before sending everything');
  if (db.value('SELECT 1 FROM delta WHERE srcid IN (SELECT rid FROM phantom) LIMIT 1') !== undefined) {
    throw new SyncError('there are unresolved deltas - the clone is incomplete');
  }
  const stored = db.value<number>('SELECT count(*) FROM blob WHERE size>=0') ?? 0;
  let checked = 0;
  const verifier = opts.verifier ?? inlineVerifier();
  try {
    db.transaction(() => {
      rebuild(repo, {
        onProgress: opts.onRebuildProgress,
        onContent(rid, uuid, content) {
          verifier.check(rid, uuid, content);
          checked++;
        },
      });
      const bad = verifier.finish();
      if (bad !== undefined) throw new CloneVerificationError(`wrong hash on received artifact: ${bad}`);
      if (checked !== stored) {
        throw new CloneVerificationError(`${stored - checked} received artifacts cannot be expanded (broken or looping deltas)`);
      }
      repo.config.delete(CLONE_SEQNO_SETTING);
      repo.config.delete(CLONE_RECEIVED_SETTING);
    });
  } finally {
    verifier.close();
  }
}

/**
 * What the server sent does not check out: an artifact does not match its name, or cannot be
 * expanded. The clone holds bad data and should be thrown away.
 */
export class CloneVerificationError extends SyncError {
  override name = 'CloneVerificationError';
}
