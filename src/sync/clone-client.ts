/**
 * Cloning (clone.c clone_cmd with the clone branch of client_sync): make an empty repository,
 * receive every artifact with clone protocol 3, then rebuild the derived tables from them.
 *
 * Every round commits, and the server's next seqno is kept in a setting, so an interrupted clone
 * leaves a repository that opens and that the next clone (or pull) of it resumes where it
 * stopped. As upstream, artifacts are stored as they arrive. A fresh clone expands, checks and
 * crosslinks them while the next batch is on its way (clone-linker.ts); a resumed one, or one
 * the linker could not finish, is rebuilt at the end, which expands each artifact once, checks
 * it against its name and crosslinks it.
 */
import type { Repository } from '../repo/repository.ts';
import { limitCaches, rebuild, settleLinkedRepository, type RebuildProgress } from '../repo/rebuild.ts';
import { falseArtifacts } from '../repo/verify.ts';
import { ClientSession, CLONE_RECEIVED_SETTING, CLONE_SEQNO_SETTING, SyncError, type ClientSyncOptions, type SyncResult } from './client-session.ts';
import { inlineVerifier, type ArtifactVerifier } from './artifact-verifier.ts';
import { ConfigGroup } from './config-sync.ts';
import { CloneLinker } from './clone-linker.ts';
import { TagId } from '../repo/schema.ts';
import { isZChecksum } from '../fossil/hash.ts';

/** Tags a clone makes are numbered after the fixed ones every repository starts with. */
const FIRST_CUSTOM_TAG_ID = Math.max(...Object.values(TagId)) + 1;
import type { SyncTransport } from './transport.ts';

export interface FinishOptions {
  /** Progress of the final rebuild. */
  onRebuildProgress?: (p: RebuildProgress) => void;
  /**
   * How artifacts are checked against their names (default: hashed on the spot). Whoever made
   * it closes it (clone-lifecycle.ts), also after a failure.
   */
  verifier?: ArtifactVerifier;
  /**
   * Crosslink a fresh clone while it arrives (default true); a resumed one is always rebuilt at
   * the end.
   */
  linkWhileArriving?: boolean;
}

export interface CloneOptions extends Omit<ClientSyncOptions, 'cloneFrom' | 'pull' | 'push' | 'headStart'>, FinishOptions {
  /**
   * Ask the server for a head start (head-start.ts): the newest check-ins and the tip's files
   * first, crosslinked at once. Only a fresh clone that links while it arrives asks (a resumed
   * one already has it, or is rebuilt at the end).
   */
  headStart?: { checkins: number; fileBytes: number };
  /**
   * SQLite's page cache while the clone links, in KiB, larger or smaller than it was (default:
   * at most 4 MiB, as a rebuild). In the browser every page not in it is a read from OPFS, so a
   * large one saves more time there than it adds to the peak.
   */
  linkingPageCacheKib?: number;
}

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

/** Set while a clone has dropped false artifacts that its resumption must fetch by name. */
const CLONE_REFETCH_SETTING = 'edgesync-clone-refetch';

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
  const verifier = opts.verifier ?? inlineVerifier();
  const linker = fresh && opts.linkWhileArriving !== false ? new CloneLinker(repo, verifier) : undefined;
  const restoreCache = limitCaches(repo, undefined, opts.linkingPageCacheKib);
  try {
    if (seqno > 0) {
      result = await new ClientSession(repo, transport, {
        ...opts,
        cloneFrom: seqno,
        configGroups: opts.configGroups ?? ConfigGroup.ALL,
        whileWaiting: linker ? (replied) => linker.runWhile(() => !replied()) : undefined,
        headStart: linker && opts.headStart ? { ...opts.headStart, arrived: (rids) => linker.linkNow(rids) } : undefined,
      }).run();
    }
    if (hasDeltasOfPhantoms(repo) || repo.config.get(CLONE_REFETCH_SETTING) !== undefined) {
      // A clone resumed from another peer of the mesh follows that peer's numbering, so it can
      // miss what the first one would have sent later: delta sources. And what an earlier,
      // lying server sent was dropped as phantoms (dropFalseArtifacts). Ask for them by name.
      const pulled = await new ClientSession(repo, transport, { ...opts, pull: true, configGroups: 0, headStart: undefined }).run();
      repo.config.delete(CLONE_REFETCH_SETTING);
      result = { ...result, rounds: result.rounds + pulled.rounds, artifactsReceived: result.artifactsReceived + pulled.artifactsReceived, bytesSent: result.bytesSent + pulled.bytesSent, bytesReceived: result.bytesReceived + pulled.bytesReceived, messages: [...result.messages, ...pulled.messages] };
    }
    try {
      await finishClone(repo, { ...opts, verifier }, linker);
    } catch (e) {
      if (e instanceof CloneVerificationError) dropFalseArtifacts(repo, e);
      throw e;
    }
  } finally {
    restoreCache();
  }
  return { ...result, fresh, projectCode: repo.projectCode };
}

/**
 * After a clone failed its check: nothing false may stay. Every artifact that does not match
 * its name (and every one that cannot be expanded) goes back to being a phantom, and what was
 * derived from the clone is derived again when it finishes, so resuming it from an honest
 * server fetches them by name and completes.
 */
function dropFalseArtifacts(repo: Repository, e: CloneVerificationError): void {
  const bad = repo.db.transaction(() => {
    const rids = falseArtifacts(repo.db);
    for (const rid of rids) repo.content.forget(rid);
    if (rids.length) repo.config.set(CLONE_REFETCH_SETTING, rids.length);
    return rids.length;
  });
  e.dropped = bad;
  e.message = `${e.message}; ${bad} false artifact${bad === 1 ? ' was' : 's were'} dropped: resume the clone (from an honest server) to fetch ${bad === 1 ? 'it' : 'them'} again`;
}

/**
 * Check the transfer is complete, then derive everything from the artifacts: finish what the
 * linker (if it ran while the clone arrived) has not done yet, or rebuild from scratch.
 */
export async function finishClone(repo: Repository, opts: FinishOptions & Pick<CloneOptions, 'cloneCommitEveryMs'> = {}, linker?: CloneLinker): Promise<void> {
  const db = repo.db;
  if (!repo.config.projectCode) throw new SyncError('clone incomplete: the server never said its project code');
  if (repo.config.getInt(CLONE_SEQNO_SETTING, 0) > 0) throw new SyncError('clone incomplete: the server stopped before sending everything');
  if (hasDeltasOfPhantoms(repo)) throw new SyncError('there are unresolved deltas - the clone is incomplete');
  const verifier = opts.verifier ?? inlineVerifier();
  if (linker) {
    await linker.finish(250, opts.cloneCommitEveryMs ?? 0);
    // Shunned artifacts must go, which only the rebuild does; so does anything the linker could not reach.
    const linked = linker.complete && db.value('SELECT 1 FROM shun LIMIT 1') === undefined;
    if (linked) {
      const bad = verifier.finish();
      if (bad !== undefined && !isZChecksum(bad)) throw new CloneVerificationError(`wrong hash on received artifact: ${bad}`);
      // A Z card that does not match makes its artifact no artifact at all, as fossil sees it, but
      // the linker parsed and linked it before its checksum was in: only the rebuild links right.
      if (bad === undefined) {
        db.transaction(() => {
          linker.renumberTags(FIRST_CUSTOM_TAG_ID);
          linker.settleLeaves();
          settleLinkedRepository(repo);
          markCloneFinished(repo);
        });
        return;
      }
    }
  }
  const stored = db.value<number>('SELECT count(*) FROM blob WHERE size>=0') ?? 0;
  let checked = 0;
  const fresh = linker ? inlineVerifier() : verifier;
  db.transaction(() => {
    rebuild(repo, {
      onProgress: opts.onRebuildProgress,
      onContent(rid, uuid, content) {
        fresh.check(rid, uuid, content);
        checked++;
      },
    });
    const bad = fresh.finish();
    if (bad !== undefined) throw new CloneVerificationError(`wrong hash on received artifact: ${bad}`);
    if (checked !== stored) {
      throw new CloneVerificationError(`${stored - checked} received artifacts cannot be expanded (broken or looping deltas)`);
    }
    markCloneFinished(repo);
  });
}

function hasDeltasOfPhantoms(repo: Repository): boolean {
  return repo.db.value('SELECT 1 FROM delta WHERE srcid IN (SELECT rid FROM phantom) LIMIT 1') !== undefined;
}

function markCloneFinished(repo: Repository): void {
  repo.config.delete(CLONE_SEQNO_SETTING);
  repo.config.delete(CLONE_RECEIVED_SETTING);
}

/**
 * What the server sent does not check out: an artifact does not match its name, or cannot be
 * expanded. The clone holds bad data and should be thrown away.
 */
export class CloneVerificationError extends SyncError {
  override name = 'CloneVerificationError';
  /** How many false artifacts were dropped (to be fetched again when the clone resumes). */
  dropped = 0;
}
