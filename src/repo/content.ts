/**
 * The artifact store: the `blob` table and its bookkeeping (delta, phantom, unclustered,
 * unsent, private, rcvfrom), with the semantics of fossil's content.c.
 *
 * - A blob row holds the compressed bytes of either the whole artifact or, when a `delta` row
 *   names a source, of a delta against that source. `size` is always the full artifact's length.
 * - A phantom is a hash we know of but whose content we lack: size -1, content NULL, rcvid 0,
 *   plus a `phantom` row and an `unclustered` row (a `private` row instead when private).
 * - An artifact is available when its delta chain ends in full content without passing a
 *   phantom. When a put makes artifacts available that were waiting (a phantom that got its
 *   content, deltas stored against it), registered listeners hear about each of them, so the
 *   crosslinker can process them.
 *
 * Every write method runs in its own (possibly nested) transaction, so a throw leaves nothing
 * behind; callers normally wrap a whole exchange in db.transaction as well.
 */
import type { Db, SqlValue } from '../db/db.ts';
import { BlobFormatError, compressBlob, uncompressBlob } from '../fossil/blob-codec.ts';
import { applyDelta, createDelta, DeltaError, deltaOutputSize, deltaReproduces, MAX_DELTA_OUTPUT } from '../fossil/delta.ts';
import { hashBytes, HashPolicy, HNAME_SHA1_LEN, isHashName, isHashNameLoose, verifyHash } from '../fossil/hash.ts';
import type { Config } from './config.ts';
import { ContentCache } from './content-cache.ts';

export class ContentError extends Error {
  override name = 'ContentError';
}
/** Content does not hash to the name it was given (or its expansion has the wrong size). */
export class WrongHashError extends ContentError {
  override name = 'WrongHashError';
}
/** The artifact is unknown, a phantom, or a delta whose chain reaches a phantom. */
export class MissingContentError extends ContentError {
  override name = 'MissingContentError';
}
/** The delta table has (or would get) a cycle. */
export class DeltaLoopError extends ContentError {
  override name = 'DeltaLoopError';
}

export interface PutOptions {
  /** Mark the artifact private (never announced or sent without private sync). */
  isPrivate?: boolean;
  /** Receipt to record; defaults to the current one (see beginReceipt). */
  rcvid?: number;
}

export interface PutResult {
  rid: number;
  /** True if this call stored content (a new row, or content for a phantom or stranded delta). */
  created: boolean;
  /** True if the artifact's full content can be read now (false for a delta of a phantom). */
  available: boolean;
}

/**
 * An artifact that became readable because of a put. `cause` is the rid that was put: an event
 * with rid === cause is the stored artifact itself (it had been a phantom, or a delta of one);
 * the caller of put already has that one in hand. The others were stored earlier as deltas
 * against it, directly or through a chain, and nobody has looked at them yet.
 * Events come in delta-tree order: an artifact always after the one it is a delta of.
 */
export interface AvailableEvent {
  rid: number;
  uuid: string;
  cause: number;
}

export type AvailableListener = (event: AvailableEvent) => void;

export interface ReceiptOptions {
  /** User the content came from (rcvfrom.uid). */
  uid?: number;
  nonce?: string | null;
  ipaddr?: string | null;
}

/** A blob row as stored, for sending it on (a `cfile` card carries exactly these bytes). */
export interface StoredBlob {
  /** Compressed full content, or compressed delta when srcid is set. */
  content: Uint8Array;
  srcid: number | undefined;
  /** Full artifact size. */
  size: number;
}

export interface ReadOptions {
  /**
   * The caller reads this artifact once and keeps it no longer than it needs it (a scan, such as
   * git export writing each file version once): the content is not kept in the cache, where it
   * would push out what helps read the next ones (the intermediates of its delta chain).
   */
  once?: boolean;
}

export interface ContentStoreOptions {
  /** Budget of the expanded-content cache in bytes (default 64 MiB). */
  cacheBytes?: number;
}

/** fossil skips deltification of artifacts this small: the delta would not pay for itself. */
const MIN_DELTIFY_SIZE = 50;
/** A delta is only worth keeping if it is at most this fraction of the full artifact. */
const MAX_DELTA_RATIO = 0.75;

interface BlobRef {
  rid: number;
  uuid: string;
  size: number;
}

interface StoreRequest {
  uuid: string;
  size: number;
  srcRid?: number;
  /** The bytes to store in blob.content (compressed; a delta when srcRid is set). */
  stored: () => Uint8Array;
  /** The verified full content when we have it. */
  full?: Uint8Array;
  isPrivate: boolean;
  rcvid?: number;
}

export class ContentStore {
  private readonly cache: ContentCache;
  /** Where expand writes the links of a delta chain it does not keep. */
  private readonly scratch = new ScratchPair();
  private readonly listeners: AvailableListener[] = [];
  private rcvid: number | undefined;

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    opts: ContentStoreOptions = {},
  ) {
    this.cache = new ContentCache(opts.cacheBytes ?? 64 * 1024 * 1024);
  }

  // ----- lookups ------------------------------------------------------------------------------

  ridOf(uuid: string): number | undefined {
    return this.db.value<number>('SELECT rid FROM blob WHERE uuid=?', uuid);
  }

  uuidOf(rid: number): string | undefined {
    return this.db.value<string>('SELECT uuid FROM blob WHERE rid=?', rid);
  }

  /** Full size of the artifact, -1 for a phantom. Throws for an unknown rid. */
  size(rid: number): number {
    return this.ref(rid).size;
  }

  isPhantom(rid: number): boolean {
    return this.ref(rid).size < 0;
  }

  isPrivate(rid: number): boolean {
    return this.db.value('SELECT 1 FROM private WHERE rid=?', rid) !== undefined;
  }

  /** Shunned: in the shun table, or a SHA1 name under hash policy shun-sha1 (shun.c uuid_is_shunned). */
  isShunned(uuid: string): boolean {
    if (uuid.length === HNAME_SHA1_LEN && this.config.hashPolicy === HashPolicy.SHUN_SHA1) return true;
    return this.db.value('SELECT 1 FROM shun WHERE uuid=?', uuid) !== undefined;
  }

  /** The rid this artifact is stored as a delta of, if any. */
  deltaSource(rid: number): number | undefined {
    return this.db.value<number>('SELECT srcid FROM delta WHERE rid=?', rid);
  }

  /** True if the full content can be produced: the delta chain ends in content, not a phantom. */
  isAvailable(rid: number): boolean {
    const seen = new Set<number>();
    for (let r: number | undefined = rid; r !== undefined; r = this.deltaSource(r)) {
      if (seen.has(r)) throw new DeltaLoopError(`delta loop through rid ${r}`);
      seen.add(r);
      const size = this.db.value<number>('SELECT size FROM blob WHERE rid=?', r);
      if (size === undefined || size < 0) return false;
    }
    return true;
  }

  /** The row as stored, without expanding anything. */
  stored(rid: number): StoredBlob | undefined {
    const row = this.db.get<{ content: SqlValue; size: number; srcid: number | null }>(
      'SELECT b.content AS content, b.size AS size, d.srcid AS srcid FROM blob b LEFT JOIN delta d ON d.rid=b.rid WHERE b.rid=?',
      rid,
    );
    if (!row || !(row.content instanceof Uint8Array)) return undefined;
    return { content: row.content, size: row.size, srcid: row.srcid ?? undefined };
  }

  // ----- reading ------------------------------------------------------------------------------

  /**
   * The full content of an artifact. Throws MissingContentError for an unknown rid, a phantom, or
   * a delta whose chain reaches a phantom. The returned bytes may be shared with the cache:
   * treat them as read-only.
   */
  get(rid: number, opts: ReadOptions = {}): Uint8Array {
    const r = this.expand(rid, opts);
    if (typeof r === 'string') throw new MissingContentError(r);
    return r;
  }

  /** Like get, but null when the content is not available (corruption still throws). */
  tryGet(rid: number, opts: ReadOptions = {}): Uint8Array | null {
    const r = this.expand(rid, opts);
    return typeof r === 'string' ? null : r;
  }

  clearCache(): void {
    this.cache.clear();
  }

  /** Budget of the expanded-content cache in bytes (see ContentStoreOptions.cacheBytes). */
  get cacheBytes(): number {
    return this.cache.maxBytes;
  }

  set cacheBytes(n: number) {
    this.cache.maxBytes = n;
  }

  /** The content, or a sentence saying why it is unavailable. */
  private expand(rid: number, opts: ReadOptions): Uint8Array | string {
    const head = this.findRef(rid);
    if (!head) return `no artifact with rid ${rid}`;
    const cached = this.cache.get(head.uuid);
    if (cached) return cached;
    if (head.size < 0) return `artifact ${head.uuid} (rid ${rid}) is a phantom`;

    // Walk towards the root of the delta chain (iteratively: chains can be hundreds deep) until
    // full content or an ancestor already in the cache.
    const chain: BlobRef[] = [head];
    const seen = new Set<number>([rid]);
    let content: Uint8Array | undefined;
    for (;;) {
      const top = chain[chain.length - 1]!;
      const src = this.db.get<{ rid: number; uuid: string | null; size: number | null }>(
        'SELECT d.srcid AS rid, b.uuid AS uuid, b.size AS size FROM delta d LEFT JOIN blob b ON b.rid=d.srcid WHERE d.rid=?',
        top.rid,
      );
      if (!src) break;
      if (src.uuid === null || src.size === null) {
        throw new ContentError(`artifact ${top.uuid} is a delta of rid ${src.rid}, which does not exist`);
      }
      if (seen.has(src.rid)) throw new DeltaLoopError(`delta loop: rid ${src.rid} is its own ancestor`);
      seen.add(src.rid);
      const hit = this.cache.get(src.uuid);
      if (hit) {
        content = hit;
        break;
      }
      if (src.size < 0) {
        return `artifact ${head.uuid} (rid ${rid}) is a delta of phantom ${src.uuid} (rid ${src.rid})`;
      }
      chain.push({ rid: src.rid, uuid: src.uuid, size: src.size });
    }

    // Without a cached ancestor, the last link holds full content.
    content ??= this.storedBytes(chain.pop()!);
    // The links k = 1, 4, 16, 64, ... steps from the head are cached. fossil stores an old
    // version as a delta of the newer one, so whoever reads a file's versions oldest first (git
    // export) asks next for the head's source (k = 1), then for links a few steps from k = 4,
    // and so on: a few entries per read, each read close to a cached link. (Powers of two kept
    // twice as many, and a long chain of a large file, a few megabytes a link, then pushed its
    // own far links out of the cache: reads fell back to the chain's root more often.) The links
    // nobody keeps are written in turn into two reused buffers.
    const scratch = this.scratch;
    for (let k = chain.length - 1; k >= 0; k--) {
      const link = chain[k]!;
      const keep = k === 0 || isPowerOfFour(k);
      content = applyDelta(content, this.storedBytes(link), MAX_DELTA_OUTPUT, keep ? undefined : scratch.other(content, link.size));
      if (k > 0 && keep) this.cache.set(link.uuid, content);
    }
    if (!opts.once) this.cache.set(head.uuid, content);
    return content;
  }

  /** blob.content of a row, uncompressed (full content or a delta). */
  private storedBytes(ref: BlobRef): Uint8Array {
    const c = this.db.value('SELECT content FROM blob WHERE rid=?', ref.rid);
    if (!(c instanceof Uint8Array)) throw new ContentError(`artifact ${ref.uuid} (rid ${ref.rid}) has no content`);
    return uncompressBlob(c);
  }

  private findRef(rid: number): BlobRef | undefined {
    const row = this.db.get<{ uuid: string; size: number }>('SELECT uuid, size FROM blob WHERE rid=?', rid);
    return row && { rid, uuid: row.uuid, size: row.size };
  }

  private ref(rid: number): BlobRef {
    const r = this.findRef(rid);
    if (!r) throw new MissingContentError(`no artifact with rid ${rid}`);
    return r;
  }

  // ----- writing ------------------------------------------------------------------------------

  /** Listen for artifacts becoming available (see AvailableEvent). Returns an unsubscribe. */
  onAvailable(listener: AvailableListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /**
   * Start a receipt: the rcvfrom row that content stored from now on points at. One per
   * session (sync exchange, commit, ...). Content stored with no receipt open starts one.
   */
  beginReceipt(opts: ReceiptOptions = {}): number {
    this.rcvid = this.db.run(
      "INSERT INTO rcvfrom(uid, mtime, nonce, ipaddr) VALUES(?, julianday('now'), ?, ?)",
      opts.uid ?? 0,
      opts.nonce ?? null,
      opts.ipaddr ?? null,
    ).lastInsertRowid;
    return this.rcvid;
  }

  /** Forget the current receipt; the next stored content starts a new one. */
  endReceipt(): void {
    this.rcvid = undefined;
  }

  private currentReceipt(): number {
    // The row can vanish when the transaction that made it rolls back.
    if (this.rcvid !== undefined && this.db.value('SELECT 1 FROM rcvfrom WHERE rcvid=?', this.rcvid) !== undefined) {
      return this.rcvid;
    }
    return this.beginReceipt();
  }

  /**
   * The rid for a hash, creating a phantom if the hash is new. Returns 0 for a shunned hash,
   * which is never stored.
   */
  ensure(uuid: string, opts: { isPrivate?: boolean } = {}): number {
    checkName(uuid);
    return this.db.transaction(() => {
      const rid = this.ridOf(uuid);
      if (rid !== undefined) return rid;
      if (this.isShunned(uuid)) return 0;
      const created = this.db.run('INSERT INTO blob(rcvid, size, uuid, content) VALUES(0, -1, ?, NULL)', uuid);
      const newRid = created.lastInsertRowid;
      this.db.run('INSERT INTO phantom(rid) VALUES(?)', newRid);
      if (opts.isPrivate) this.db.run('INSERT INTO private(rid) VALUES(?)', newRid);
      else this.db.run('INSERT INTO unclustered(rid) VALUES(?)', newRid);
      return newRid;
    });
  }

  /**
   * Store full content. Without a uuid the name follows the hash policy (reusing an existing
   * row that holds the same content under the other algorithm's name, as fossil does). With
   * one, the content must hash to it, or WrongHashError is thrown and nothing is stored.
   */
  put(data: Uint8Array, opts: PutOptions & { uuid?: string } = {}): PutResult {
    return this.db.transaction(() => {
      let uuid = opts.uuid;
      if (uuid === undefined) {
        uuid = this.nameFor(data);
      } else {
        checkName(uuid);
        if (!verifyHash(data, uuid)) throw new WrongHashError(`wrong hash: content does not hash to ${uuid}`);
      }
      return this.store({
        uuid,
        size: data.length,
        stored: () => compressBlob(data),
        full: data,
        isPrivate: opts.isPrivate ?? false,
        rcvid: opts.rcvid,
      });
    });
  }

  /**
   * Store an artifact as a delta against srcRid, which may be a phantom. When the source is
   * available the delta is expanded and verified now; otherwise it is verified when the source
   * arrives. If it does not match then, the put of the source fails when both came in the same
   * receipt (one sender lied); else the delta goes back to being a phantom and the source is kept.
   */
  putDelta(uuid: string, srcRid: number, delta: Uint8Array, fullSize: number, opts: PutOptions = {}): PutResult {
    checkName(uuid);
    return this.db.transaction(() => {
      const known = this.alreadyStored(uuid);
      if (known) return known;
      checkDeltaSize(uuid, delta, fullSize);
      const src = this.sourceContent(srcRid);
      const full = src ? this.expandVerified(uuid, src, delta, fullSize) : undefined;
      return this.store({
        uuid,
        size: fullSize,
        srcRid,
        stored: () => compressBlob(delta),
        full,
        isPrivate: opts.isPrivate ?? false,
        rcvid: opts.rcvid,
      });
    });
  }

  /**
   * Store bytes already in blob format (4-byte size + zlib), as a clone's `cfile` carries them:
   * full content, or a delta against srcRid. size is the full artifact's size either way.
   */
  putCompressed(
    uuid: string,
    compressed: Uint8Array,
    opts: PutOptions & {
      srcRid?: number;
      size: number;
      /**
       * Store the bytes as given, checking nothing now. Only for a caller that checks every
       * artifact's hash itself afterwards (a clone does, in its final rebuild).
       */
      deferChecks?: boolean;
    },
  ): PutResult {
    checkName(uuid);
    if (opts.deferChecks) {
      return this.db.transaction(() =>
        this.store({
          uuid,
          size: opts.size,
          srcRid: opts.srcRid,
          stored: () => compressed,
          isPrivate: opts.isPrivate ?? false,
          rcvid: opts.rcvid,
        }),
      );
    }
    return this.db.transaction(() => {
      const known = this.alreadyStored(uuid);
      if (known) return known;
      const inner = uncompressBlob(compressed);
      let full: Uint8Array | undefined;
      if (opts.srcRid === undefined) {
        full = inner;
        if (full.length !== opts.size) {
          throw new WrongHashError(`size mismatch on ${uuid}: claimed ${opts.size} bytes, content has ${full.length}`);
        }
        if (!verifyHash(full, uuid)) throw new WrongHashError(`wrong hash: content does not hash to ${uuid}`);
      } else {
        checkDeltaSize(uuid, inner, opts.size);
        const src = this.sourceContent(opts.srcRid);
        if (src) full = this.expandVerified(uuid, src, inner, opts.size);
      }
      return this.store({
        uuid,
        size: opts.size,
        srcRid: opts.srcRid,
        stored: () => compressed,
        full,
        isPrivate: opts.isPrivate ?? false,
        rcvid: opts.rcvid,
      });
    });
  }

  /** Remember a locally made artifact so the next push offers it without being asked. */
  markUnsent(rid: number): void {
    // Private artifacts are never pushed, so they never wait in unsent.
    this.db.run('INSERT OR IGNORE INTO unsent(rid) SELECT ? WHERE NOT EXISTS(SELECT 1 FROM private WHERE rid=?)', rid, rid);
  }

  makePrivate(rid: number): void {
    this.db.run('INSERT OR IGNORE INTO private(rid) VALUES(?)', rid);
  }

  makePublic(rid: number): void {
    this.db.run('DELETE FROM private WHERE rid=?', rid);
  }

  /**
   * Store rid as a delta of the one of srcRids that gives the smallest delta (content.c
   * content_deltify), when that saves space and is allowed: both available, both at least 50
   * bytes, never a public artifact from a private source, the delta under 75% of the artifact and,
   * compressed, smaller than what is stored now. If the chosen source is itself stored as a delta
   * descending from rid, it is expanded first so no loop can form. Unless force is set, an
   * artifact that already is a delta is left alone. With goodEnough, sources are tried in the
   * order given and the search stops at the first delta under that fraction of the artifact's
   * size. `expanded` gives content the caller already holds, by rid, so it is not expanded again
   * (it must be that rid's content). Returns the bytes saved (0: unchanged).
   */
  deltify(rid: number, srcRids: number | readonly number[], opts: { force?: boolean; goodEnough?: number; expanded?: (rid: number) => Uint8Array | undefined } = {}): number {
    const sources = typeof srcRids === 'number' ? [srcRids] : srcRids;
    const content = (r: number) => opts.expanded?.(r) ?? this.tryGet(r);
    return this.db.transaction(() => {
      if (!opts.force && this.deltaSource(rid) !== undefined) return 0;
      const data = content(rid);
      if (!data || data.length < MIN_DELTIFY_SIZE) return 0;
      let best: { srcRid: number; src: Uint8Array; delta: Uint8Array } | undefined;
      for (const srcRid of sources) {
        if (best && opts.goodEnough !== undefined && best.delta.length < data.length * opts.goodEnough) break;
        if (srcRid === rid) continue;
        if (this.isPrivate(srcRid) && !this.isPrivate(rid)) continue;
        const src = content(srcRid);
        if (!src || src.length < MIN_DELTIFY_SIZE) continue;
        const delta = createDelta(src, data);
        if (delta.length >= data.length * MAX_DELTA_RATIO) continue;
        if (!best || delta.length < best.delta.length) best = { srcRid, src, delta };
      }
      if (!best) return 0;
      const compressed = compressBlob(best.delta);
      const before = this.stored(rid)!.content.length;
      if (compressed.length >= before) return 0;
      // As fossil's verify_before_commit: what will be stored must give back the same bytes.
      if (!deltaReproduces(best.src, best.delta, data)) throw new Error(`deltify: the delta for rid ${rid} does not reproduce it`);
      if (this.chainOf(best.srcRid).includes(rid)) this.undeltify(best.srcRid);
      this.db.run('UPDATE blob SET content=? WHERE rid=?', compressed, rid);
      this.db.run('REPLACE INTO delta(rid, srcid) VALUES(?, ?)', rid, best.srcRid);
      return before - compressed.length;
    });
  }

  /** Store rid as full content if it is a delta (and its content is available). */
  undeltify(rid: number): boolean {
    if (this.deltaSource(rid) === undefined) return false;
    return this.db.transaction(() => {
      const full = this.tryGet(rid);
      if (!full) return false;
      this.db.run('UPDATE blob SET content=?, size=? WHERE rid=?', compressBlob(full), full.length, rid);
      this.db.run('DELETE FROM delta WHERE rid=?', rid);
      return true;
    });
  }

  // ----- internals of writing -----------------------------------------------------------------

  /** The name for new content under the repository's hash policy. */
  private nameFor(data: Uint8Array): string {
    const policy = this.config.hashPolicy;
    const primary = policy === HashPolicy.SHA1 || policy === HashPolicy.AUTO ? 'sha1' : 'sha3';
    // Under the policies that still accept both algorithms, content already stored under the
    // other algorithm's name keeps that name instead of getting a second row.
    if (policy === HashPolicy.SHA1 || policy === HashPolicy.AUTO || policy === HashPolicy.SHA3) {
      const other = hashBytes(data, primary === 'sha1' ? 'sha3' : 'sha1');
      if (this.ridOf(other) !== undefined) return other;
    }
    return hashBytes(data, primary);
  }

  /** The answer for content already stored and readable, so a put need not expand anything. */
  private alreadyStored(uuid: string): PutResult | undefined {
    const row = this.db.get<{ rid: number; size: number }>('SELECT rid, size FROM blob WHERE uuid=?', uuid);
    if (row && row.size >= 0 && this.isAvailable(row.rid)) return { rid: row.rid, created: false, available: true };
    return undefined;
  }

  /** Content of a delta source, or undefined while it is unavailable; throws if rid is unknown. */
  private sourceContent(srcRid: number): Uint8Array | undefined {
    this.ref(srcRid);
    return this.tryGet(srcRid) ?? undefined;
  }

  private expandVerified(uuid: string, source: Uint8Array, delta: Uint8Array, size: number): Uint8Array {
    const full = applyDelta(source, delta, size);
    if (full.length !== size) {
      throw new WrongHashError(`size mismatch on ${uuid}: claimed ${size} bytes, delta gives ${full.length}`);
    }
    if (!verifyHash(full, uuid)) throw new WrongHashError(`wrong hash: delta does not produce ${uuid}`);
    return full;
  }

  /** rids of rid's delta ancestors, nearest first. */
  private chainOf(rid: number): number[] {
    const out: number[] = [];
    const seen = new Set<number>([rid]);
    for (let r = this.deltaSource(rid); r !== undefined; r = this.deltaSource(r)) {
      if (seen.has(r)) throw new DeltaLoopError(`delta loop through rid ${r}`);
      seen.add(r);
      out.push(r);
    }
    return out;
  }

  private store(req: StoreRequest): PutResult {
    const existing = this.db.get<{ rid: number; size: number }>('SELECT rid, size FROM blob WHERE uuid=?', req.uuid);
    if (existing && existing.size >= 0) {
      const available = this.isAvailable(existing.rid);
      // Already stored. The one thing worth doing is rescuing a delta stranded on a missing
      // source when we now hold its full text.
      if (available || !req.full) return { rid: existing.rid, created: false, available };
    }

    let srcRid = req.srcRid;
    let stored = req.stored;
    const isPrivate = req.isPrivate || (existing !== undefined && this.isPrivate(existing.rid));
    if (existing && existing.size >= 0) {
      // Rescue (see above): store the full text in place of the stranded delta.
      srcRid = undefined;
      stored = () => compressBlob(req.full!);
    }
    if (srcRid !== undefined) {
      if (existing && (srcRid === existing.rid || this.chainOf(srcRid).includes(existing.rid))) {
        throw new DeltaLoopError(`storing ${req.uuid} as a delta of rid ${srcRid} would make a delta loop`);
      }
      if (!isPrivate && this.isPrivate(srcRid)) {
        // Peers without private sync could never expand it.
        if (!req.full) {
          throw new ContentError(`public artifact ${req.uuid} cannot be stored as a delta of private rid ${srcRid}`);
        }
        srcRid = undefined;
        stored = () => compressBlob(req.full!);
      }
    }

    if (req.uuid.length > HNAME_SHA1_LEN && this.config.hashPolicy === HashPolicy.AUTO) {
      this.config.hashPolicy = HashPolicy.SHA3;
    }
    const rcvid = req.rcvid ?? this.currentReceipt();

    let rid: number;
    if (existing) {
      rid = existing.rid;
      this.db.run('UPDATE blob SET rcvid=?, size=?, content=? WHERE rid=?', rcvid, req.size, stored(), rid);
      this.db.run('DELETE FROM phantom WHERE rid=?', rid);
    } else {
      rid = this.db.run('INSERT INTO blob(rcvid, size, uuid, content) VALUES(?, ?, ?, ?)', rcvid, req.size, req.uuid, stored())
        .lastInsertRowid;
    }
    if (req.isPrivate) this.db.run('INSERT OR IGNORE INTO private(rid) VALUES(?)', rid);
    if (srcRid !== undefined) this.db.run('REPLACE INTO delta(rid, srcid) VALUES(?, ?)', rid, srcRid);
    else if (existing) this.db.run('DELETE FROM delta WHERE rid=?', rid);
    if (!existing && !req.isPrivate) this.db.run('INSERT OR IGNORE INTO unclustered(rid) VALUES(?)', rid);
    // A phantom was listed in unclustered as public; filled as private it must not stay there
    // (private artifacts are never announced in clusters, and rebuild never lists them).
    if (existing && req.isPrivate) this.db.run('DELETE FROM unclustered WHERE rid=?', rid);

    const available = req.full !== undefined;
    if (req.full) this.cache.set(req.uuid, req.full);
    if (existing && available) this.announce(this.newlyAvailable({ rid, uuid: req.uuid, size: req.size }, req.full!));
    return { rid, created: true, available };
  }

  /**
   * rid just became available: it and every artifact stored as a delta below it, in tree
   * order. Each descendant is expanded and checked against its name on the way, so a bad delta
   * that arrived before its source is caught now.
   */
  private newlyAvailable(root: BlobRef, content: Uint8Array): AvailableEvent[] {
    const events: AvailableEvent[] = [];
    const seen = new Set<number>([root.rid]);
    const stack: { ref: BlobRef; content: Uint8Array }[] = [{ ref: root, content }];
    while (stack.length > 0) {
      const node = stack.pop()!;
      events.push({ rid: node.ref.rid, uuid: node.ref.uuid, cause: root.rid });
      const children = this.db.all<{ rid: number; uuid: string; size: number; rcvid: number }>(
        'SELECT b.rid AS rid, b.uuid AS uuid, b.size AS size, b.rcvid AS rcvid FROM delta d JOIN blob b ON b.rid=d.rid WHERE d.srcid=? AND b.size>=0 ORDER BY b.rid DESC',
        node.ref.rid,
      );
      for (const child of children) {
        if (seen.has(child.rid)) throw new DeltaLoopError(`delta loop through rid ${child.rid}`);
        seen.add(child.rid);
        let full: Uint8Array;
        try {
          full = this.expandVerified(child.uuid, node.content, this.storedBytes(child), child.size);
        } catch (e) {
          if (!(e instanceof ContentError || e instanceof DeltaError || e instanceof BlobFormatError)) throw e;
          // Sent together with its source (the same receipt): the sender lied, and all it sent is refused.
          if (child.rcvid === this.rcvid) throw e;
          // Kept unchecked from an earlier receipt and false: it, not the source that just came,
          // is what is wrong. It becomes a phantom again (asked for anew); deltas stored against
          // it keep waiting.
          this.forget(child.rid);
          continue;
        }
        this.cache.set(child.uuid, full);
        stack.push({ ref: child, content: full });
      }
    }
    return events;
  }

  /** Turn a stored artifact back into a phantom (its content was found to be false): asked for anew. */
  forget(rid: number): void {
    this.cache.clear();
    this.db.run('UPDATE blob SET size=-1, content=NULL, rcvid=0 WHERE rid=?', rid);
    this.db.run('DELETE FROM delta WHERE rid=?', rid);
    this.db.run('INSERT OR IGNORE INTO phantom(rid) VALUES(?)', rid);
  }

  private announce(events: AvailableEvent[]): void {
    for (const e of events) for (const listener of [...this.listeners]) listener(e);
  }
}

/** A delta declares the size of what it produces; it must be the size claimed for the artifact. */
function checkDeltaSize(uuid: string, delta: Uint8Array, size: number): void {
  const declared = deltaOutputSize(delta);
  // Checked now, not when the source arrives: a delta kept for later must be one we can expand.
  if (declared > MAX_DELTA_OUTPUT) {
    throw new ContentError(`delta for ${uuid} declares ${declared} bytes, over the limit of ${MAX_DELTA_OUTPUT}`);
  }
  if (declared !== size) {
    throw new WrongHashError(`size mismatch on ${uuid}: claimed ${size} bytes, delta produces ${declared}`);
  }
}

function checkName(uuid: string): void {
  if (isHashName(uuid)) return;
  if (isHashNameLoose(uuid)) throw new ContentError(`artifact names are stored in lower case: ${uuid}`);
  throw new ContentError(`not an artifact name: ${JSON.stringify(uuid.slice(0, 80))}`);
}

function isPowerOfFour(k: number): boolean {
  while (k > 1 && k % 4 === 0) k /= 4;
  return k === 1;
}

/**
 * Two buffers that take turns as a delta's output while the other one is its source. The store
 * keeps one pair for all its reads (they are synchronous, and what is written here is never
 * returned or cached): a clone's linker reads back thousands of manifests, and a pair per read
 * made 330 MB of garbage in one browser clone. Larger links than KEPT_SCRATCH get buffers of
 * their own, so one big file does not stay in memory afterwards.
 */
class ScratchPair {
  private readonly buffers: ArrayBuffer[] = [];

  /** size bytes of whichever buffer is not source's (grown when too small). */
  other(source: Uint8Array, size: number): Uint8Array {
    if (size > KEPT_SCRATCH) return new Uint8Array(size);
    const i = source.buffer === this.buffers[0] ? 1 : 0;
    let b = this.buffers[i];
    if (b === undefined || b.byteLength < size) b = this.buffers[i] = new ArrayBuffer(size);
    return new Uint8Array(b, 0, size);
  }
}

const KEPT_SCRATCH = 4 * 1024 * 1024;
