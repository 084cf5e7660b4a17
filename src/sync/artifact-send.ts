/**
 * Writing artifacts and announcements into an outgoing message, for both roles (xfer.c
 * send_file, send_compressed_file, request_phantoms, send_unclustered, send_all, send_private).
 */
import { compressBlob, uncompressBlob } from '../fossil/blob-codec.ts';
import { createDelta } from '../fossil/delta.ts';
import { HNAME_SHA1_LEN } from '../fossil/hash.ts';
import { FIRST_SHA3_VERSION, PRIVATE_IGOT_DATE, type XferState } from './xfer-state.ts';

/** Upstream's answer when an old peer asks for a SHA3 artifact. */
const SHA3_NEEDS_NEWER_PEER = 'Fossil version 2.0 or later required.';

/** A content artifact is only sent as a delta when it is larger than this (send_file). */
const MIN_DELTA_CANDIDATE = 100;
/** ...and when the delta saves at least this many bytes (send_delta_parent). */
const MIN_DELTA_SAVING = 50;

function peerLacksSha3(x: XferState, uuid: string): boolean {
  return uuid.length > HNAME_SHA1_LEN && x.remoteVersion < FIRST_SHA3_VERSION;
}

/**
 * The artifact a delta of rid should be made against: the primary parent of a check-in, else
 * the previous version of a file. Never a phantom.
 */
function deltaParent(x: XferState, rid: number): number | undefined {
  const db = x.repo.db;
  const parent = db.value<number>(
    'SELECT pid FROM plink WHERE cid=? AND NOT EXISTS(SELECT 1 FROM phantom WHERE rid=pid)',
    rid,
  );
  if (parent) return parent;
  const previous = db.value<number>(
    `SELECT pid FROM (SELECT pid, min(mtime) FROM mlink JOIN event ON mlink.mid=event.objid
      WHERE fid=? AND NOT EXISTS(SELECT 1 FROM phantom WHERE rid=pid))`,
    rid,
  );
  return previous || undefined;
}

/** Try a `file HASH SRC SIZE` delta against the parent; returns whether one was written. */
function sendDeltaFromParent(x: XferState, rid: number, uuid: string, content: Uint8Array, isPrivate: boolean): boolean {
  const content_ = x.repo.content;
  const src = deltaParent(x, rid);
  if (src === undefined) return false;
  if (!x.syncPrivate && content_.isPrivate(src)) return false;
  const srcContent = content_.tryGet(src);
  if (!srcContent) return false;
  const srcUuid = content_.uuidOf(src)!;
  const delta = createDelta(srcContent, content);
  if (delta.length >= content.length - MIN_DELTA_SAVING || content_.isShunned(srcUuid)) return false;
  if (isPrivate) x.out.markNextPrivate();
  x.out.file(uuid, delta, srcUuid);
  return true;
}

/**
 * The delta as stored, `file HASH SRC SIZE` (a legacy clone asks for this form; it is also the
 * only form of an artifact whose source is still a phantom here). Returns whether one was written.
 */
function sendStoredDelta(x: XferState, rid: number, uuid: string, isPrivate: boolean, allowPhantomSource = false): boolean {
  const c = x.repo.content;
  const src = c.deltaSource(rid);
  if (src === undefined || (!x.syncPrivate && c.isPrivate(src))) return false;
  const srcUuid = c.uuidOf(src);
  if (!srcUuid || c.isShunned(srcUuid) || (!allowPhantomSource && c.isPhantom(src))) return false;
  const stored = c.stored(rid);
  if (!stored) return false;
  const delta = uncompressBlob(stored.content);
  if (isPrivate) x.out.markNextPrivate();
  x.out.file(uuid, delta, srcUuid);
  return true;
}

/**
 * Send the artifact rid as a `file` card: a delta against its parent (or, with nativeDelta, the
 * delta it is stored as) when that helps, else full content. Over budget, only an igot is sent so
 * the peer asks again next round. expectedUuid, when given, must be rid's name.
 */
export function sendFile(x: XferState, rid: number, expectedUuid: string | undefined, nativeDelta: boolean): void {
  const c = x.repo.content;
  const isPrivate = c.isPrivate(rid);
  if (isPrivate && !x.syncPrivate) {
    // Tell newer peers it exists but is private, so they stop asking.
    if (x.remoteDate >= PRIVATE_IGOT_DATE && expectedUuid) {
      x.out.igot(expectedUuid, true);
      x.counters.igotsSent++;
      x.counters.privateIgotsSent++;
    }
    return;
  }
  if (x.onRemote.has(rid)) return;
  const uuid = x.repo.db.value<string>('SELECT uuid FROM blob WHERE rid=? AND size>=0', rid);
  if (!uuid) return;
  if (peerLacksSha3(x, uuid)) {
    x.out.error(SHA3_NEEDS_NEWER_PEER);
    return;
  }
  if (expectedUuid !== undefined && expectedUuid !== uuid) return;
  if (c.isShunned(uuid)) return;
  if (x.overBudget) {
    x.out.igot(uuid, isPrivate);
    x.counters.igotsSent++;
    return;
  }
  // A delta whose chain reaches a phantom cannot be expanded (fossil's content_get would fail
  // and send nothing useful): it goes out as stored, for the peer to keep until the source
  // comes, or not at all when that source may not be sent.
  if (!c.isAvailable(rid)) {
    if (!sendStoredDelta(x, rid, uuid, isPrivate, true)) return;
    x.counters.deltasSent++;
    x.remoteHas(rid);
    return;
  }
  let sentDelta = nativeDelta && sendStoredDelta(x, rid, uuid, isPrivate);
  if (!sentDelta) {
    const content = c.get(rid);
    if (!nativeDelta && content.length > MIN_DELTA_CANDIDATE) sentDelta = sendDeltaFromParent(x, rid, uuid, content, isPrivate);
    if (!sentDelta) {
      if (isPrivate) x.out.markNextPrivate();
      x.out.file(uuid, content);
      x.counters.filesSent++;
    }
  }
  if (sentDelta) x.counters.deltasSent++;
  x.remoteHas(rid);
}

/**
 * Send rid exactly as stored, as a `cfile` card (clone protocol 3). A public artifact stored as
 * a delta of a private one goes out as full content, since the peer will never get the source.
 */
export function sendCompressedFile(x: XferState, rid: number): void {
  const c = x.repo.content;
  const isPrivate = c.isPrivate(rid);
  if (isPrivate && !x.syncPrivate) return;
  // The source's name comes with the row: a separate lookup per delta was a tenth of serving a clone.
  const row = x.repo.db.get<{ uuid: string; size: number; content: Uint8Array | null; srcid: number | null; srcUuid: string | null }>(
    `SELECT b.uuid AS uuid, b.size AS size, b.content AS content, d.srcid AS srcid, s.uuid AS srcUuid
       FROM blob b LEFT JOIN delta d ON d.rid=b.rid LEFT JOIN blob s ON s.rid=d.srcid
      WHERE b.rid=? AND b.size>=0 AND NOT EXISTS(SELECT 1 FROM shun WHERE shun.uuid=b.uuid)`,
    rid,
  );
  if (!row || !(row.content instanceof Uint8Array)) return;
  // A delta whose chain reaches a phantom is left out like the phantom itself: the clone could
  // never expand it (it gets it by a later sync, once it is complete here).
  if (row.srcid !== null && waitingOnPhantom(x).has(rid)) return;
  if (isPrivate) x.out.markNextPrivate();
  if (peerLacksSha3(x, row.uuid)) {
    x.out.error(SHA3_NEEDS_NEWER_PEER);
    return;
  }
  let payload = row.content;
  let size = row.size;
  let srcUuid: string | undefined;
  if (row.srcid !== null) {
    if (!isPrivate && c.isPrivate(row.srcid)) {
      const full = c.get(rid);
      payload = compressBlob(full);
      size = full.length;
    } else {
      srcUuid = row.srcUuid ?? undefined;
    }
  }
  x.out.cfile(row.uuid, size, payload, srcUuid);
  if (srcUuid) x.counters.deltasSent++;
  else x.counters.filesSent++;
}

/** Per message: the artifacts stored as deltas whose chain reaches a phantom (usually none). */
const waiting = new WeakMap<XferState, Set<number>>();

function waitingOnPhantom(x: XferState): Set<number> {
  let set = waiting.get(x);
  if (!set) {
    set = new Set(x.repo.db.prepare(
      `WITH RECURSIVE w(rid) AS (
         SELECT d.rid FROM delta d JOIN phantom p ON p.rid=d.srcid
         UNION SELECT d.rid FROM delta d JOIN w ON d.srcid=w.rid)
       SELECT rid FROM w`,
    ).column<number>());
    waiting.set(x, set);
  }
  return set;
}

/** `gimme` for phantoms the peer has not said it lacks; at most max of them. */
export function requestPhantoms(x: XferState, max: number): void {
  if (max <= 0) return;
  const rows = x.repo.db.prepare(
    `SELECT b.uuid FROM phantom p JOIN blob b ON b.rid=p.rid
      WHERE NOT EXISTS(SELECT 1 FROM shun WHERE shun.uuid=b.uuid)
        ${x.syncPrivate ? '' : 'AND NOT EXISTS(SELECT 1 FROM private WHERE private.rid=b.rid)'}`,
  ).column<string>();
  let n = 0;
  for (const uuid of rows) {
    if (x.unknownToRemote.has(uuid)) continue;
    if (n++ >= max) break;
    x.out.gimme(uuid);
    x.counters.gimmesSent++;
  }
}

/**
 * `igot` for each unclustered artifact that is public, not a phantom, not shunned and not known
 * to be on the peer. With a resync bound (send-catalog / --verily), for every such artifact up
 * to that rid instead, newest first; returns the next bound (0 when done).
 */
export function sendUnclustered(x: XferState, resync = 0): { cards: number; resync: number } {
  const filter = `NOT EXISTS(SELECT 1 FROM shun WHERE shun.uuid=b.uuid)
    AND NOT EXISTS(SELECT 1 FROM phantom WHERE phantom.rid=b.rid)
    AND NOT EXISTS(SELECT 1 FROM private WHERE private.rid=b.rid)`;
  const rows = resync
    ? x.repo.db.all<{ uuid: string; rid: number }>(
        `SELECT b.uuid AS uuid, b.rid AS rid FROM blob b WHERE ${filter} AND b.rid<=? ORDER BY b.rid DESC`,
        resync,
      )
    : x.repo.db.all<{ uuid: string; rid: number }>(
        `SELECT b.uuid AS uuid, b.rid AS rid FROM unclustered u JOIN blob b ON b.rid=u.rid WHERE ${filter}`,
      );
  let cards = 0;
  let next = resync;
  for (const r of rows) {
    if (x.onRemote.has(r.rid)) continue;
    x.out.igot(r.uuid);
    cards++;
    x.counters.igotsSent++;
    if (resync && x.maxSend < x.out.byteLength) {
      next = r.rid - 1;
      break;
    }
  }
  if (cards === 0 || (resync && next === resync)) next = 0;
  return { cards, resync: next };
}

/** `igot` for every public, present, unshunned artifact (legacy clone). */
export function sendAll(x: XferState): void {
  const rows = x.repo.db.prepare(
    `SELECT b.uuid FROM blob b WHERE NOT EXISTS(SELECT 1 FROM shun WHERE shun.uuid=b.uuid)
       AND NOT EXISTS(SELECT 1 FROM private WHERE private.rid=b.rid)
       AND NOT EXISTS(SELECT 1 FROM phantom WHERE phantom.rid=b.rid)`,
  ).column<string>();
  for (const uuid of rows) {
    x.out.igot(uuid);
    x.counters.igotsSent++;
  }
}

/** `igot HASH 1` for every private artifact, when syncing private content. */
export function sendPrivateIgots(x: XferState): number {
  if (!x.syncPrivate) return 0;
  const rows = x.repo.db.prepare('SELECT b.uuid FROM private p JOIN blob b ON b.rid=p.rid').column<string>();
  for (const uuid of rows) x.out.igot(uuid, true);
  x.counters.igotsSent += rows.length;
  return rows.length;
}

/** Offer every locally made artifact (the `unsent` table) whole or as a delta. */
export function sendUnsent(x: XferState): void {
  const rows = x.repo.db.prepare('SELECT rid FROM unsent EXCEPT SELECT rid FROM private').column<number>();
  for (const rid of rows) sendFile(x, rid, undefined, false);
}
