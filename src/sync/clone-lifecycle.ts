/**
 * A clone from start to end, the same for the CLI and the browser: take the unfinished clone to
 * resume or make a fresh target that knows where it comes from, receive and check everything
 * (cloneInto) with a verifier made and closed here, remember the source, keep the result; and
 * when it fails, leave nothing behind if nothing arrived, else a clone the next run resumes.
 *
 * What differs between hosts is injected: where the repository lives (a file; the browser's OPFS
 * file), how its source is remembered (the URL and login in the file; the hub), the transport,
 * the verifier and the progress events.
 */
import { CodedError, codeOf } from '../errors.ts';
import type { Repository } from '../repo/repository.ts';
import type { ArtifactVerifier } from './artifact-verifier.ts';
import { CLONE_RECEIVED_SETTING, CLONE_SEQNO_SETTING, SyncError, type LoginInfo } from './client-session.ts';
import { CloneVerificationError, cloneInto, isUnfinishedClone, prepareCloneTarget, type CloneOptions, type CloneResult } from './clone-client.ts';
import { refusalOf } from './refusal.ts';
import type { SyncTransport } from './transport.ts';

/**
 * How often a clone commits what arrived (see ClientSyncOptions.cloneCommitEveryMs): one commit
 * per round and per slice of linking made OPFS writes most of a browser clone's time, and an
 * interruption costs at most this much of the transfer again.
 */
export const CLONE_COMMIT_EVERY_MS = 2000;

/** Where the clone is kept. */
export interface CloneStorage {
  /** The unfinished clone to resume; without one, `create` makes a fresh target. */
  readonly unfinished?: Repository;
  /**
   * A fresh target (Repository.create with `date: null`, no crosslinker); `prepare` must run on
   * it before it is kept anywhere, so a crash leaves either nothing or a clone that can resume.
   */
  create?(prepare: (repo: Repository) => void): Repository | Promise<Repository>;
  /** The clone finished: keep it (the CLI compacts its file; the browser crosslinks from now on). */
  keep(repo: Repository, result: CloneResult): Repository | Promise<Repository>;
  /** The clone failed and what arrived stays for the next run to resume. */
  leave(repo: Repository): void | Promise<void>;
  /** The clone failed and nothing may stay: close and remove the target and whatever was kept for it. */
  discard(repo: Repository): void | Promise<void>;
  /** Can a failed fresh clone resume from what arrived? (A clone built in memory could not.) */
  readonly freshResumes: boolean;
  /**
   * When a resumed clone fails still holding nothing: remove it (the browser's own storage), or
   * leave it alone (a file the user named).
   */
  readonly discardEmptyResumed: boolean;
}

/** Where the clone comes from, and how that is remembered in the target. */
export interface CloneSource {
  open(projectCode: string | undefined): Promise<{ transport: SyncTransport; close(): void | Promise<void> }>;
  login?: LoginInfo;
  /**
   * Go on without the login when the answering peer refuses it (a share link's login is known
   * to the hub's copy, not to another writer's browser, which still serves the clone).
   */
  dropRefusedLogin?: boolean;
  /** Write where the clone comes from into a fresh target (inside its preparation). */
  remember?(repo: Repository): void;
  /** The first reply told the project code (a login's secret is made from it). In a transaction. */
  projectKnown?(repo: Repository): void;
  /** The clone finished; before it is kept. In a transaction. */
  finished?(repo: Repository): void;
}

export interface CloneRun {
  storage: CloneStorage;
  source: CloneSource;
  /** Made for each attempt and closed after it, here only. */
  verifier(): ArtifactVerifier | Promise<ArtifactVerifier>;
  options?: Omit<CloneOptions, 'login' | 'verifier'>;
}

export interface CloneOutcome extends CloneResult {
  /** The clone as kept (what `storage.keep` returned). */
  repo: Repository;
  /** It finished an interrupted clone. */
  resumed: boolean;
}

/**
 * A clone that failed after something arrived: it is kept, and the next run resumes it. Its code
 * is its cause's (a full disk stays local-storage, a lost hub unreachable). `untrusted`: what did
 * not check out was dropped, to be fetched again from a server one trusts.
 */
export class CloneIncompleteError extends CodedError {
  override name = 'CloneIncompleteError';
  constructor(
    readonly reason: 'untrusted' | 'interrupted',
    cause: unknown,
  ) {
    super(codeOf(cause), (cause as Error)?.message ?? String(cause), { cause });
  }
}

export async function runClone(run: CloneRun): Promise<CloneOutcome> {
  const { storage, source } = run;
  const resumed = storage.unfinished !== undefined;
  // The first attempt's verifier starts (a browser's starts a thread) while the target is made.
  const early = settled(run.verifier());
  let repo: Repository;
  try {
    if (storage.unfinished) {
      repo = storage.unfinished;
      if (!isUnfinishedClone(repo)) throw new Error('clone: the repository is not an unfinished clone');
    } else {
      if (!storage.create) throw new Error('clone: no target to clone into');
      repo = await storage.create((r) => {
        prepareCloneTarget(r);
        if (source.remember) r.db.transaction(() => source.remember!(r));
      });
    }
  } catch (e) {
    (await early).value?.close();
    throw e;
  }
  try {
    const result = await receive(repo, run, early);
    if (source.finished) repo.db.transaction(() => source.finished!(repo));
    const kept = await storage.keep(repo, result);
    return { ...result, repo: kept, resumed };
  } catch (e) {
    throw await failed(repo, e, resumed, storage);
  }
}

/** The transfer and rebuild, with the login dropped once if the peer refuses it and may. */
async function receive(repo: Repository, run: CloneRun, early: Promise<Settled<ArtifactVerifier>>): Promise<CloneResult> {
  const { source } = run;
  const events = run.options?.events;
  let known = repo.config.projectCode !== undefined;
  const options: CloneOptions = {
    ...run.options,
    cloneCommitEveryMs: run.options?.cloneCommitEveryMs ?? CLONE_COMMIT_EVERY_MS,
    events: {
      ...events,
      round(report) {
        events?.round?.(report);
        if (known || !source.projectKnown || !repo.config.projectCode) return;
        known = true;
        repo.db.transaction(() => source.projectKnown!(repo));
      },
    },
  };
  let first: Promise<Settled<ArtifactVerifier>> | undefined = early;
  let t: { transport: SyncTransport; close(): void | Promise<void> };
  try {
    t = await source.open(repo.config.projectCode);
  } catch (e) {
    (await early).value?.close();
    throw e;
  }
  const attempt = async (login: LoginInfo | undefined) => {
    const made = first ? await first : undefined;
    first = undefined;
    if (made?.error !== undefined) throw made.error;
    const verifier = made?.value ?? (await run.verifier());
    try {
      return await cloneInto(repo, t.transport, { ...options, login, verifier });
    } finally {
      verifier.close();
    }
  };
  try {
    return await attempt(source.login).catch((e: unknown) => {
      if (source.login && source.dropRefusedLogin && e instanceof SyncError && refusalOf(e.serverError) === 'login') return attempt(undefined);
      throw e;
    });
  } finally {
    await t.close();
  }
}

interface Settled<T> {
  value?: T;
  error?: unknown;
}

/** A promise that does not reject (so one made early and never awaited is no unhandled error). */
function settled<T>(p: T | Promise<T>): Promise<Settled<T>> {
  return Promise.resolve(p).then((value) => ({ value }), (error: unknown) => ({ error: error ?? new Error('failed') }));
}

/** Nothing of the project arrived yet (also true once finished, when the counters are gone). */
function nothingReceived(repo: Repository): boolean {
  return repo.config.getInt(CLONE_RECEIVED_SETTING, 0) === 0 && repo.config.getInt(CLONE_SEQNO_SETTING, 1) === 1;
}

/** What stays after a failure, and the error that says so. */
async function failed(repo: Repository, e: unknown, resumed: boolean, storage: CloneStorage): Promise<unknown> {
  // A target that cannot be read any more (closed by a failed hand-over to storage), or one that
  // finished but could not be kept, is no better than one that got nothing.
  const unfinished = readable(() => isUnfinishedClone(repo));
  const holds = unfinished && readable(() => !nothingReceived(repo));
  const discard = resumed ? !holds && storage.discardEmptyResumed : !holds || !storage.freshResumes;
  if (discard) {
    await storage.discard(repo);
    return e;
  }
  await storage.leave(repo);
  if (!unfinished) return e;
  return new CloneIncompleteError(e instanceof CloneVerificationError ? 'untrusted' : 'interrupted', e);
}

function readable(fact: () => boolean): boolean {
  try {
    return fact();
  } catch {
    return false;
  }
}
