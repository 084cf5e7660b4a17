/**
 * A clone's head start (not upstream). A clone's rounds bring artifacts in the server's rid
 * order, oldest first, and fossil stores older artifacts as deltas of newer ones: a browser
 * clone of a long history could show nothing until nearly the end. So the client's first clone
 * request carries `pragma head-start N BYTES`, and our server answers it, instead of the round's
 * own artifacts (they start with the next round, so the head start comes as soon as it can),
 * with `pragma head-start K ROUNDS` and K `cfile` cards, each full content or a delta of one
 * sent before it in the same head start (ROUNDS: about how many rounds the clone still takes, so
 * a client need not open early a repository that is complete a moment later):
 *
 * - the newest N check-in manifests, newest first (and the baseline of each delta-manifest);
 * - then the tip check-in's files, a README at the top first, then the other top-level files,
 *   then the rest by name, each that still fits in BYTES of expanded content.
 *
 * Only for a caller with clone rights (the same login and rights check as the clone itself), and
 * never private or shunned artifacts. The client stores them through its normal receive path
 * (each checked against its name) and crosslinks them at once (clone-linker.ts `linkNow`), so it
 * can show the newest check-ins and the tip's files while the rest streams in. Stock fossil
 * ignores pragmas it does not know: cloning from it (directly or through a bridge) simply gets
 * no head start. The clone's rounds later bring the same artifacts again, which the client
 * ignores as already stored.
 */
import { compressBlob } from '../fossil/blob-codec.ts';
import { filesOfCheckin } from '../repo/checkin-files.ts';
import type { XferState } from './xfer-state.ts';

export const HEAD_START_PRAGMA = 'head-start';
/** Check-ins a browser clone asks for: the overview's list of the newest is 50 long. */
export const HEAD_START_CHECKINS = 50;
/**
 * Expanded bytes of the tip's files a client asks for by default: the README and the other
 * top-level files of a typical project, a small part of a large tree (fossil's own tip has 987
 * files), and a fifth of one of the clone's own rounds (max-download, 5 MB by default).
 */
export const HEAD_START_FILE_BYTES = 1 << 20;
/** The most check-ins and file bytes a server gives, whatever is asked. */
const MAX_CHECKINS = 200;
const MAX_FILE_BYTES = 8 << 20;
/**
 * The most wire bytes a head start adds to its reply unless the server says otherwise
 * (ServerOptions.headStartBytes; over NATS the reply budget, so it fits max_payload).
 */
export const DEFAULT_HEAD_START_BYTES = 4 << 20;

export interface HeadStartRequest {
  checkins: number;
  fileBytes: number;
}

/** The request's arguments, bounded; undefined when they do not make sense. */
export function parseHeadStartRequest(args: string[]): HeadStartRequest | undefined {
  const checkins = Number.parseInt(args[0] ?? '', 10);
  if (!Number.isFinite(checkins) || checkins <= 0) return undefined;
  const bytes = Number.parseInt(args[1] ?? '', 10);
  return {
    checkins: Math.min(checkins, MAX_CHECKINS),
    fileBytes: Math.min(Number.isFinite(bytes) && bytes >= 0 ? bytes : HEAD_START_FILE_BYTES, MAX_FILE_BYTES),
  };
}

/** A README at the top of the tree: what a project's page shows first. */
function isTopReadme(name: string): boolean {
  return /^readme(\.[A-Za-z0-9]+)?$/i.test(name);
}

/** The order the tip's files are offered in: READMEs, the other top-level files, then the rest. */
function fileRank(name: string): number {
  if (isTopReadme(name)) return 0;
  return name.includes('/') ? 2 : 1;
}

interface Chosen {
  rid: number;
  uuid: string;
}

interface BlobRow {
  rid: number;
  uuid: string;
  size: number;
}

/**
 * Write the head start into the reply: `pragma head-start K ROUNDS` and the K cards. `maxBytes`
 * bounds what it adds to the reply (the newest manifest always goes). Returns the bytes it added.
 * It reads as little as it can (it is what a person waits for): the baselines come from plink,
 * which crosslinking filled, and the tip's files are looked up in a few queries.
 */
export function writeHeadStart(x: XferState, req: HeadStartRequest, maxBytes: number): number {
  const { repo } = x;
  const db = repo.db;
  const c = repo.content;
  const chosen: Chosen[] = [];
  const seen = new Set<number>();
  // Never a phantom, a private or a shunned artifact.
  const take = (b: BlobRow | undefined) => {
    if (!b || b.size < 0 || seen.has(b.rid) || c.isPrivate(b.rid) || c.isShunned(b.uuid)) return false;
    seen.add(b.rid);
    chosen.push({ rid: b.rid, uuid: b.uuid });
    return true;
  };
  const blobRow = db.prepare('SELECT rid, uuid, size FROM blob WHERE rid=?');
  const newest = db
    .prepare(
      `SELECT b.rid AS rid, b.uuid AS uuid, b.size AS size,
              (SELECT baseid FROM plink WHERE cid=e.objid AND baseid>0 LIMIT 1) AS baseid
         FROM event e JOIN blob b ON b.rid=e.objid WHERE e.type='ci' ORDER BY e.mtime DESC LIMIT ?`,
    )
    .all<BlobRow & { baseid: number | null }>(req.checkins * 2);
  let tip: number | undefined;
  let checkins = 0;
  for (const row of newest) {
    if (checkins >= req.checkins) break;
    // (One taken already as a newer one's baseline counts too.)
    if (!seen.has(row.rid) && !take(row)) continue;
    checkins++;
    tip ??= row.rid;
    if (row.baseid) take(blobRow.get<BlobRow>(row.baseid));
  }
  if (tip !== undefined) takeTipFiles(repo, tip, req.fileBytes, take);
  return writeCards(x, chosen, maxBytes, roundsLeft(x));
}

/** The tip's files in the order fileRank gives, each that still fits in `budget` bytes. */
function takeTipFiles(repo: XferState['repo'], tip: number, budget: number, take: (b: BlobRow | undefined) => boolean): void {
  const files = filesOfCheckin(repo, tip)
    .filter((f) => f.uuid)
    .sort((a, b) => fileRank(a.name) - fileRank(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const rows = new Map<string, BlobRow>();
  const uuids = [...new Set(files.map((f) => f.uuid!.toLowerCase()))];
  for (let i = 0; i < uuids.length; i += 500) {
    const part = uuids.slice(i, i + 500);
    for (const r of repo.db.all<BlobRow>(`SELECT rid, uuid, size FROM blob WHERE uuid IN (${part.map(() => '?').join(',')})`, ...part)) rows.set(r.uuid, r);
  }
  for (const f of files) {
    const row = rows.get(f.uuid!.toLowerCase());
    if (!row || row.size < 0 || row.size > budget) continue;
    if (take(row)) budget -= row.size;
  }
}

/** About how many replies of this size the whole repository takes (its file size, for a bound). */
function roundsLeft(x: XferState): number {
  const db = x.repo.db;
  const bytes = (db.value<number>('PRAGMA page_count') ?? 0) * (db.value<number>('PRAGMA page_size') ?? 0);
  return Math.max(1, Math.ceil(bytes / Math.max(1, x.maxSend)));
}

/** `pragma head-start K ROUNDS` and K cfile cards, each full or a delta of one already written. */
function writeCards(x: XferState, chosen: Chosen[], maxBytes: number, rounds: number): number {
  const c = x.repo.content;
  const cards: { uuid: string; size: number; payload: Uint8Array; src?: string }[] = [];
  const written = new Set<number>();
  let bytes = 0;
  for (const { rid, uuid } of chosen) {
    const stored = c.stored(rid);
    if (!stored) continue;
    let card: (typeof cards)[number];
    if (stored.srcid === undefined) card = { uuid, size: stored.size, payload: stored.content };
    else if (written.has(stored.srcid)) card = { uuid, size: stored.size, payload: stored.content, src: c.uuidOf(stored.srcid)! };
    else {
      // Its delta source is not part of the head start: send it whole (when it can be had).
      const full = c.tryGet(rid);
      if (!full) continue;
      card = { uuid, size: full.length, payload: compressBlob(full) };
    }
    const cost = card.payload.length + 200;
    if (cards.length > 0 && bytes + cost > maxBytes) continue;
    bytes += cost;
    written.add(rid);
    cards.push(card);
  }
  const before = x.out.byteLength;
  x.out.pragma(HEAD_START_PRAGMA, String(cards.length), String(rounds));
  for (const card of cards) {
    x.out.cfile(card.uuid, card.size, card.payload, card.src);
    x.counters.filesSent++;
  }
  return x.out.byteLength - before;
}
