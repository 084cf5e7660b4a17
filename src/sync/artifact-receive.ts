/**
 * Accepting `file` and `cfile` cards into the repository, for both roles (xfer.c
 * xfer_accept_file, xfer_accept_compressed_file). Content is checked against its name before
 * it is stored: full content at once, a delta as soon as its source is present (now, or when
 * the source arrives). Anything wrong with what was sent throws a ReceiveError naming the
 * artifact; a failure of our own storage (a full disk) is no fault of the sender and passes
 * through as the StorageError it is. Either way the caller's transaction then stores nothing.
 */
import { StorageError } from '../db/storage-error.ts';
import { CodedError } from '../errors.ts';
import { deltaOutputSize, applyDelta } from '../fossil/delta.ts';
import { WrongHashError } from '../repo/content.ts';
import type { CfileCard, FileCard } from './card-types.ts';
import type { XferState } from './xfer-state.ts';

/** What the peer sent is wrong (never used for a failure of our own). */
export class ReceiveError extends CodedError {
  override name = 'ReceiveError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('peer-bad-data', message, options);
  }
}

export interface AcceptOptions {
  /** Cloning: store as sent, leave crosslinking to the rebuild at the end. */
  clone: boolean;
  /** The receiving side may hold private artifacts (user has x, or a --private client). */
  mayReceivePrivate: boolean;
}

export type AcceptOutcome = 'file' | 'delta' | 'dangling' | 'dropped';

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Run a store step, turning its failure into a ReceiveError about this artifact, unless our storage failed. */
function guarded<T>(what: string, uuid: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ReceiveError || e instanceof StorageError) throw e;
    throw new ReceiveError(`${what} ${uuid}: ${describe(e)}`, { cause: e });
  }
}

export function acceptFile(x: XferState, card: FileCard, opts: AcceptOptions): AcceptOutcome {
  const isPrivate = x.nextIsPrivate;
  x.nextIsPrivate = false;
  const { repo } = x;
  const content = repo.content;
  if (!opts.clone && content.isShunned(card.hash)) return 'dropped';
  if (isPrivate && !opts.mayReceivePrivate) return 'dropped';

  if (card.src !== undefined) {
    const srcRid = content.ensure(card.src, { isPrivate });
    if (srcRid === 0) return 'dropped'; // the source is shunned
    const source = opts.clone ? null : content.tryGet(srcRid);
    if (!source) {
      // Keep the delta until its source arrives; it is checked then.
      const size = guarded('bad delta for', card.hash, () => deltaOutputSize(card.payload));
      const r = guarded('cannot store', card.hash, () => content.putDelta(card.hash, srcRid, card.payload, size, { isPrivate }));
      if (!isPrivate) content.makePublic(r.rid);
      x.remoteHas(r.rid);
      if (opts.clone) {
        x.counters.deltasReceived++;
        return 'delta';
      }
      x.counters.danglingReceived++;
      return 'dangling';
    }
    const full = guarded('bad delta for', card.hash, () => applyDelta(source, card.payload));
    x.counters.deltasReceived++;
    storeFull(x, card.hash, full, isPrivate, opts);
    return 'delta';
  }
  x.counters.filesReceived++;
  storeFull(x, card.hash, card.payload, isPrivate, opts);
  return 'file';
}

function storeFull(x: XferState, uuid: string, full: Uint8Array, isPrivate: boolean, opts: AcceptOptions): void {
  const { repo } = x;
  const r = guarded('cannot store', uuid, () => {
    try {
      return repo.content.put(full, { uuid, isPrivate });
    } catch (e) {
      // The store checks the name; say it the way upstream does.
      if (e instanceof WrongHashError) throw new ReceiveError(`wrong hash on received artifact: ${uuid}`, { cause: e });
      throw e;
    }
  });
  if (!isPrivate) repo.content.makePublic(r.rid);
  if (r.created && !opts.clone) repo.crosslink(r.rid, full);
  x.remoteHas(r.rid);
}

export function acceptCompressedFile(x: XferState, card: CfileCard, opts: AcceptOptions): AcceptOutcome {
  const isPrivate = x.nextIsPrivate;
  x.nextIsPrivate = false;
  const content = x.repo.content;
  if (isPrivate && !opts.mayReceivePrivate) return 'dropped';
  if (content.isShunned(card.hash)) return 'dropped';
  let srcRid: number | undefined;
  if (card.src !== undefined) {
    srcRid = content.ensure(card.src, { isPrivate });
    if (srcRid === 0) return 'dropped';
    x.counters.deltasReceived++;
  } else {
    x.counters.filesReceived++;
  }
  // A clone checks every hash in its final rebuild, where each artifact is expanded anyway.
  const r = guarded('cannot store', card.hash, () =>
    content.putCompressed(card.hash, card.payload, { srcRid, size: card.usize, isPrivate, deferChecks: opts.clone }),
  );
  if (!isPrivate) content.makePublic(r.rid);
  if (r.created && r.available && !opts.clone) x.repo.crosslink(r.rid);
  x.remoteHas(r.rid);
  return srcRid === undefined ? 'file' : 'delta';
}
