/**
 * Bringing another copy of a repository (a `.fossil` file of the same project, handed over by
 * the person who holds both) into this one. It is a pull this repository starts from a source
 * it trusts, rule (b) of trust.ts, with the person's choice of the file as the trust: the sync
 * client pulls from the copy, served in this process by the sync server
 * (src/sync/server-handler.ts, through MemoryTransport). So every artifact arrives the way a
 * pull from a hub brings it, checked against its name by the one receive path
 * (src/sync/artifact-receive.ts) and crosslinked, and the whole pull is one transaction: it
 * lands entirely or not at all.
 *
 * The copy answers as it would answer anyone: with `nobody`'s rights (fossil's default lets
 * nobody read), or, when the copy holds a login that may read, as that login, with the secret
 * the copy itself stores (whoever holds the file holds every secret in it). Private artifacts
 * come along only when that login has `x`, as in any sync; configuration and users never do.
 */
import type { Db } from '../db/db.ts';
import { codeOf, CodedError, type ErrorCode } from '../errors.ts';
import { artifactKind, emptyKindCounts, type KindCounts } from '../repo/queries/artifact-kind.ts';
import type { Repository } from '../repo/repository.ts';
import { syncWith, type LoginInfo } from '../sync/client-session.ts';
import { XferServer } from '../sync/server-handler.ts';
import type { SyncEvents } from '../sync/sync-events.ts';
import { MemoryTransport } from '../sync/transports/memory.ts';

/** What the copy brought: every artifact, and the timeline's events among them by kind. */
export interface MergeReport extends KindCounts {
  artifacts: number;
}

export interface MergeOptions {
  events?: SyncEvents;
  /**
   * Bytes of artifacts per reply (default 5 MB). The copy's own `max-download` is a budget for
   * its network peers and is not used: the copy is read in this process.
   */
  maxReply?: number;
}

/** The codes the sync engine gives a peer's faults, which here are the file's. */
const FILE_FAULTS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['peer-bad-data', 'peer-refused', 'peer-failed', 'auth']);

/** Logins `fossil init` makes, which never sign in with a password. */
const BUILT_IN = ['anonymous', 'nobody', 'developer', 'reader'];

/**
 * Pull everything `copy` has that `repo` lacks into `repo`. Throws (changing nothing) when the
 * copy is of another project, or when anything it sends does not check out.
 */
export async function mergeCopy(repo: Repository, copy: Repository, opts: MergeOptions = {}): Promise<MergeReport> {
  if (copy.projectCode !== repo.projectCode) {
    throw new CodedError('bad-input', `This file is a copy of another project (${copy.projectCode.slice(0, 12)}), not of ${repo.projectCode.slice(0, 12)}.`);
  }
  /** What the copy has and this repository lacks, taken just as the pull starts. */
  let missing: string[] = [];
  const server = new XferServer(copy, { maxDownload: opts.maxReply ?? 5_000_000, maxDownloadTime: 3600 });
  const pull = async (login: ReturnType<typeof readerLogin>) => {
    // A sync session of this process may be open (its transaction spans its network waits): start
    // after it, so this pull is a transaction of its own, not rounds inside that one's.
    while (repo.db.inTransaction || repo.writeLock.busy) await repo.writeLock.run(() => undefined);
    missing = presentArtifacts(copy.db).filter((uuid) => !isPresent(repo, uuid));
    return syncWith(repo, new MemoryTransport(server, { label: 'the imported copy' }), {
      pull: true,
      login,
      private: login?.mayReadPrivate ?? false,
      events: opts.events,
      // All or nothing, with no other writer of this process inside it (write-lock.ts).
      atomic: true,
    });
  };
  const login = readerLogin(copy.db);
  try {
    try {
      await pull(login);
    } catch (e) {
      // A stored secret the copy itself does not take (an odd password form): read it as nobody.
      if (!login || codeOf(e) !== 'auth') throw e;
      await pull(undefined);
    }
  } catch (e) {
    // What the sync engine blames on a peer is this file's doing here; our own storage's failure stays what it is.
    if (!FILE_FAULTS.has(codeOf(e))) throw e;
    throw new CodedError('bad-input', `Nothing from this file was kept: it does not check out (${e instanceof Error ? e.message : String(e)}).`, { cause: e });
  }
  const report: MergeReport = { ...emptyKindCounts(), artifacts: 0 };
  for (const uuid of missing) {
    if (!isPresent(repo, uuid)) continue;
    report.artifacts++;
    const rid = repo.content.ridOf(uuid)!;
    if (repo.db.value('SELECT 1 FROM event WHERE objid=?', rid) !== undefined) report[artifactKind(repo.db, rid)]++;
  }
  return report;
}

/** The artifacts whose content a repository holds (phantoms left out). */
function presentArtifacts(db: Db): string[] {
  return db.prepare('SELECT uuid FROM blob WHERE size>=0').column<string>();
}

function isPresent(repo: Repository, uuid: string): boolean {
  const rid = repo.content.ridOf(uuid);
  return rid !== undefined && !repo.content.isPhantom(rid);
}

/**
 * A login of the copy that may read it (setup, admin, write or read capability), signed in with
 * the copy's own stored secret; undefined when it has none, and the copy is read as `nobody`.
 */
function readerLogin(db: Db): (LoginInfo & { mayReadPrivate: boolean }) | undefined {
  const rows = db.all<{ login: unknown; pw: unknown; cap: unknown }>(
    `SELECT login, pw, cap FROM user WHERE length(pw)>0 AND login NOT IN (${BUILT_IN.map(() => '?').join(',')}) ORDER BY uid`,
    ...BUILT_IN,
  );
  let best: (LoginInfo & { mayReadPrivate: boolean }) | undefined;
  for (const r of rows) {
    if (typeof r.login !== 'string' || typeof r.pw !== 'string' || typeof r.cap !== 'string') continue;
    if (!/[saio]/.test(r.cap)) continue;
    const candidate = { user: r.login, password: r.pw, mayReadPrivate: r.cap.includes('x') };
    if (!best || (candidate.mayReadPrivate && !best.mayReadPrivate)) best = candidate;
  }
  return best;
}
