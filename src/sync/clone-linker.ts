/**
 * Crosslinking a fresh clone while it is still arriving, instead of in one rebuild at the end.
 *
 * A clone's rounds leave the client idle while the server gathers the next batch, and the final
 * rebuild (expand every artifact, check its hash, crosslink) is most of a clone's time. The
 * linker does that work in the gaps: between rounds it finds what has arrived since it last
 * looked, and expands, checks and crosslinks every artifact whose delta chain is now complete
 * (a delta that arrived before its source waits for it; the source expands the whole waiting
 * tree, each artifact once). It stops as soon as the next reply is in, so the transfer never
 * waits for it, and what is left is done at the end.
 *
 * Crosslinking in arrival order gives the same tables as a rebuild (each crosslink step copes
 * with related artifacts being present or not yet), and each slice of work is one transaction
 * with its own crosslink session, as a pull's rounds are. Hashes go to the clone's verifier as in
 * the rebuild; a clone whose linker could not reach every artifact falls back to the rebuild.
 */
import type { Db } from '../db/db.ts';
import { beginCrosslink, crosslinkArtifact, endCrosslink, abortCrosslink, linkOrphansOf } from '../repo/crosslink/crosslink.ts';
import { activeSession } from '../repo/crosslink/session.ts';
import { standaloneString } from '../fossil/bytes.ts';
import { expandStored, fossilBagOrder, loadRepositoryBlobs } from '../repo/delta-tree-walk.ts';
import type { Repository } from '../repo/repository.ts';
import { TAGXREF_TAGID_INDEX } from '../repo/schema.ts';
import { isLikelyArtifact } from '../fossil/artifact.ts';
import { BufferPool } from '../repo/buffer-pool.ts';
import type { ArtifactVerifier } from './artifact-verifier.ts';

interface Frame {
  rid: number;
  /** Expanded content of its delta source; undefined for full content. */
  source?: Uint8Array;
  /** A delta source already linked, to read back when the frame's turn comes. */
  sourceRid?: number;
}

export interface CloneLinkerProgress {
  linked: number;
  /** Artifacts stored so far (phantoms not counted). */
  stored: number;
}

export class CloneLinker {
  private readonly db: Db;
  /** Highest blob rid looked at. */
  private watermark = 0;
  /** Rows seen as phantoms, to look at again once their content may have come. */
  private readonly unfilled = new Set<number>();
  /** Delta source rid -> rids stored as deltas of it, waiting for it to be expanded. */
  private readonly waiting = new Map<number, number[]>();
  private readonly done = new Set<number>();
  /**
   * The walk of the delta tree under way. A frame holds its source's expanded content, so a
   * tree is finished before the next one starts (see `queued`), and a branch point's children
   * are visited smallest subtree first (see `orderChildren`): then at most about log2(n) expanded
   * artifacts are held at once, where newest-first held one per branch point on the path.
   */
  private readonly stack: Frame[] = [];
  /**
   * A second walk, for while the hashing thread has no room for the next artifact of the first
   * (a run of versions of a large file fills its ring faster than it hashes): rather than hash
   * that artifact on this thread, the linker walks other trees meanwhile, taking only artifacts
   * that fit, so this thread expands and crosslinks while the other one catches up.
   */
  private readonly side: Frame[] = [];
  /** Trees ready to walk (full artifacts, and deltas of something already linked), oldest first. */
  private readonly queued: Frame[] = [];
  private queuedHead = 0;
  /** Expanded contents the stack's frames hold -> how many frames hold each. */
  private readonly held = new Map<Uint8Array, number>();
  private heldMost = 0;
  private readonly readRow;
  private readonly readSource;
  private readonly fixSize;
  private storedCount = 0;
  /** Tag name -> (rid of an artifact that asked for it -> order of asking), to number tags as a rebuild does. */
  private readonly tagWants = new Map<string, Map<number, number>>();
  private wantSeq = 0;
  /** Every check-in whose leaf status a slice examined: examined again once all is linked. */
  private readonly leafChecks = new Set<number>();
  /** The last few artifacts expanded (check-ins ask for their parents, usually stored as deltas of them). */
  private readonly recent = new Map<number, Uint8Array>();
  /** Expanded for the crosslinker ahead of their turn; taken when the walk gets there. */
  private readonly prefetched = new Map<number, Uint8Array>();
  /**
   * Artifacts' buffers the walk is done with (out of `recent`, no frame holding them), to give
   * back to the pool once the crosslink session that may still read them has ended: a parsed
   * manifest points into its bytes, and the session keeps parsed artifacts until its end.
   * Manifests are most of the bytes a clone expands (each about 1.7 times, a parent's for its
   * child), and fresh memory for each cost more than the linking (collector, page faults).
   */
  private readonly retired = new Set<Uint8Array>();
  private retiredSinceRelease = 0;
  /** Hash -> rid of every row seen, so the crosslinker's lookups skip the database. */
  private readonly rids = new Map<string, number>();
  private readonly readStored;
  private readonly readSize;
  private readonly readArrivals;
  /** Keys of the Z card checks handed to the verifier: negative, so they name no artifact. */
  private zChecks = 0;

  constructor(
    private readonly repo: Repository,
    private readonly verifier: ArtifactVerifier,
    /**
     * Buffers for expanded content: the verifier and the crosslinker are done with a file's
     * content when its step ends; an artifact's goes back once retired (see `retired`).
     */
    private readonly buffers = new BufferPool(),
  ) {
    this.db = repo.db;
    this.readRow = this.db.prepare('SELECT uuid, size, content FROM blob WHERE rid=?');
    this.readSource = this.db.prepare('SELECT srcid FROM delta WHERE rid=?');
    this.fixSize = this.db.prepare('UPDATE blob SET size=? WHERE rid=?');
    this.readStored = this.db.prepare('SELECT content FROM blob WHERE rid=? AND size>=0');
    this.readSize = this.db.prepare('SELECT size FROM blob WHERE rid=?');
    this.readArrivals = this.db.prepare('SELECT rid, uuid, size FROM blob WHERE rid>? ORDER BY rid');
  }

  /**
   * Content the crosslinker asks for, if it is at hand: a recent artifact, or a delta of one
   * (a check-in's parent, stored as a delta of the check-in, is one delta away).
   */
  private hint(rid: number): Uint8Array | undefined {
    const known = this.recent.get(rid) ?? this.prefetched.get(rid);
    if (known) return known;
    const src = this.readSource.column<number>(rid)[0];
    const base = src === undefined ? undefined : this.recent.get(src);
    if (!base) return undefined;
    const stored = this.readStored.column<Uint8Array | null>(rid)[0];
    if (!stored) return undefined;
    try {
      const content = expandStored(stored, base, this.buffers);
      this.prefetched.set(rid, content);
      return content;
    } catch {
      return undefined; // the walk meets the same problem and leaves it for the rebuild
    }
  }

  get progress(): CloneLinkerProgress {
    return { linked: this.done.size, stored: this.storedCount };
  }

  /**
   * Link what is ready until `stop()` says to (checked between artifacts, at least every
   * `sliceMs`, when a slice's transaction commits). Returns when there is nothing ready or
   * stop() is true.
   */
  async runWhile(keepGoing: () => boolean, sliceMs = 50): Promise<void> {
    while (keepGoing()) {
      if (!this.timedSlice(sliceMs)) return;
      // Let the reply (and anything else) in before the next slice.
      await yieldToOthers();
    }
  }

  /**
   * Link everything that can be linked now, in slices as while the clone arrived: one
   * crosslink session for everything left would keep all of it (a clone's linking can fall
   * far behind its transfer) in memory until the end. Slices commit together once
   * `commitEveryMs` has passed (0: each slice commits), as the clone's rounds do.
   *
   * Other work runs between slices: what is left can be tens of seconds of linking, and a
   * browser's pages, which its worker answers, must not freeze that long. As the clone's rounds
   * do, a group holds the repository's write lock, so no other writer joins its transaction.
   */
  async finish(sliceMs = 250, commitEveryMs = 0): Promise<void> {
    for (let more = true; more; ) {
      const release = await this.repo.writeLock.acquire();
      try {
        more = commitEveryMs > 0 ? await this.group(sliceMs, commitEveryMs) : this.timedSlice(sliceMs);
      } finally {
        release();
      }
      if (more) await yieldToOthers();
    }
  }

  /** Slices in one transaction until `commitEveryMs` has passed; true if work is left. */
  private async group(sliceMs: number, commitEveryMs: number): Promise<boolean> {
    const db = this.db;
    const groupEnd = performance.now() + commitEveryMs;
    db.exec('BEGIN IMMEDIATE');
    try {
      let more: boolean;
      while ((more = this.timedSlice(sliceMs)) && performance.now() < groupEnd) await yieldToOthers();
      db.exec('COMMIT');
      return more;
    } catch (e) {
      try {
        if (db.inTransaction) db.exec('ROLLBACK');
      } catch {
        // SQLite may have rolled back by itself (a full disk); the first error is the one to report.
      }
      this.repo.content.clearCache();
      throw e;
    }
  }

  private timedSlice(sliceMs: number): boolean {
    const deadline = performance.now() + sliceMs;
    return this.slice(() => performance.now() < deadline);
  }

  /** True when every stored artifact has been expanded, checked and linked. */
  get complete(): boolean {
    const stored = this.db.value<number>('SELECT count(*) FROM blob WHERE size>=0') ?? 0;
    return !this.hasWork && this.done.size === stored;
  }

  /**
   * One transaction's worth: returns true if work is left that is ready now. Its crosslink
   * session ends and a new one begins whenever the manifests retired meanwhile pass
   * RETIRED_BYTES, so they go back to the pool (a slice can link hundreds of them).
   */
  private slice(more: () => boolean): boolean {
    return this.db.transaction(() => {
      this.collectArrivals();
      let s = this.beginSession();
      try {
        while (this.hasWork) {
          this.step(s, this.nextWalk());
          if (!more()) break;
          if (this.retiredSinceRelease > RETIRED_BYTES) {
            this.endSession(s);
            s = this.beginSession();
          }
        }
      } catch (e) {
        abortCrosslink(s);
        throw e;
      }
      this.endSession(s);
      return this.hasWork;
    });
  }

  private beginSession(): ReturnType<typeof beginCrosslink> {
    const s = beginCrosslink(this.repo);
    s.onTagWanted = (name, rid) => this.wantTag(name, rid);
    s.contentHint = (rid) => this.hint(rid);
    s.knownRids = this.rids;
    // Z cards' MD5s go to the hashing thread with the artifacts' hashes (finishClone rebuilds
    // when one does not match).
    s.deferZCheck = (covered, checksum) => this.verifier.check(--this.zChecks, checksum, covered);
    return s;
  }

  private endSession(s: ReturnType<typeof beginCrosslink>): void {
    for (const rid of s.leafChecks) this.leafChecks.add(rid);
    endCrosslink(s);
    this.releaseRetired();
  }

  private retire(bytes: Uint8Array): void {
    if (this.retired.has(bytes)) return;
    this.retired.add(bytes);
    this.retiredSinceRelease += bytes.byteLength;
  }

  /** Give back the retired buffers nothing can read any more (see `retired`). */
  private releaseRetired(): void {
    this.retiredSinceRelease = 0;
    // A slice that joined someone else's session: that session may still read them.
    if (activeSession(this.db)) return;
    const inUse = new Set<Uint8Array>([...this.recent.values(), ...this.prefetched.values(), ...this.held.keys()]);
    for (const bytes of this.retired) {
      if (inUse.has(bytes)) continue;
      this.retired.delete(bytes);
      this.buffers.give(bytes);
    }
  }

  /**
   * Crosslink these stored artifacts now, ahead of the walk: a clone's head start (the newest
   * check-ins and the tip's files, head-start.ts), so they can be shown while the rest arrives.
   * They were checked against their names when they were stored. Their parents and files that
   * have not come yet stay phantoms, as in any crosslink; each crosslink step copes with those
   * arriving later. The walk skips them when it meets them (`done`), and what is stored as a
   * delta of them is expanded from them then. Oldest first, as arrival order would have it.
   */
  linkNow(rids: readonly number[]): void {
    const content = this.repo.content;
    this.db.transaction(() => {
      const s = beginCrosslink(this.repo);
      s.onTagWanted = (name, rid) => this.wantTag(name, rid);
      s.knownRids = this.rids;
      try {
        for (const rid of [...rids].reverse()) {
          if (this.done.has(rid)) continue;
          const bytes = content.tryGet(rid);
          const uuid = content.uuidOf(rid);
          if (!bytes || !uuid) continue;
          this.rids.set(uuid, rid);
          this.done.add(rid);
          crosslinkArtifact(s, rid, bytes);
          linkOrphansOf(s, rid);
        }
      } catch (e) {
        abortCrosslink(s);
        throw e;
      }
      for (const rid of s.leafChecks) this.leafChecks.add(rid);
      endCrosslink(s);
    });
  }

  /** The most expanded artifacts the walk has held at once for deltas still to expand. */
  get peakHeld(): number {
    return this.heldMost;
  }

  private push(walk: Frame[], frame: Frame): void {
    walk.push(frame);
    if (frame.source) {
      this.held.set(frame.source, (this.held.get(frame.source) ?? 0) + 1);
      if (this.held.size > this.heldMost) this.heldMost = this.held.size;
    }
  }

  private pop(walk: Frame[]): Frame {
    const frame = walk.pop()!;
    if (frame.source) {
      const n = this.held.get(frame.source)! - 1;
      if (n === 0) this.held.delete(frame.source);
      else this.held.set(frame.source, n);
    }
    return frame;
  }

  private get hasWork(): boolean {
    return this.stack.length > 0 || this.side.length > 0 || this.queuedHead < this.queued.length;
  }

  /** The walk to take the next step in (see `side`). */
  private nextWalk(): Frame[] {
    if (this.stack.length === 0) {
      if (this.side.length > 0) return this.side;
      this.push(this.stack, this.nextQueued());
    }
    const fits = this.verifier.hasRoomFor;
    if (!fits || fits(this.sizeOf(this.stack.at(-1)!))) return this.stack;
    if (this.side.length === 0 && this.queuedHead < this.queued.length) this.push(this.side, this.nextQueued());
    const next = this.side.at(-1);
    return next && fits(this.sizeOf(next)) ? this.side : this.stack;
  }

  /** The size a frame's artifact expands to, as stored (0 if unknown: it is looked at anyway). */
  private sizeOf(frame: Frame): number {
    return Math.max(0, this.readSize.column<number>(frame.rid)[0] ?? 0);
  }

  private nextQueued(): Frame {
    const frame = this.queued[this.queuedHead]!;
    this.queued[this.queuedHead++] = undefined!;
    if (this.queuedHead > 4096 && this.queuedHead * 2 > this.queued.length) {
      this.queued.splice(0, this.queuedHead);
      this.queuedHead = 0;
    }
    return frame;
  }

  private wantTag(name: string, rid: number): void {
    let byRid = this.tagWants.get(name);
    if (!byRid) this.tagWants.set(standaloneString(name), (byRid = new Map()));
    if (!byRid.has(rid)) byRid.set(rid, ++this.wantSeq);
  }

  /**
   * Give the tags made during the clone the ids a rebuild would have given them. A rebuild walks
   * the delta trees in a fixed order and makes each tag when the first artifact in that order
   * asks for it; linking in arrival order makes them in another order. The ids are only names,
   * but fossil lists a check-in's tags by id, so its timeline would read differently.
   */
  renumberTags(firstTagId: number): void {
    const order = rebuildWalkOrder(this.db);
    const keyOf = (name: string): [number, number] => {
      let best: [number, number] = [Infinity, Infinity];
      for (const [rid, seq] of this.tagWants.get(name) ?? []) {
        const key: [number, number] = [rid === 0 ? Infinity : (order.get(rid) ?? Infinity), seq];
        if (key[0] < best[0] || (key[0] === best[0] && key[1] < best[1])) best = key;
      }
      return best;
    };
    const tags = this.db.prepare('SELECT tagid, tagname FROM tag WHERE tagid>=? ORDER BY tagid').all<{ tagid: number; tagname: string }>(firstTagId);
    const keyed = tags.map((t) => ({ ...t, key: keyOf(t.tagname) }));
    keyed.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.tagid - b.tagid);
    const moves = keyed.map((t, i) => [t.tagid, tags[i]!.tagid] as const).filter(([from, to]) => from !== to);
    if (moves.length === 0) return;
    this.db.transaction(() => {
      this.db.exec('CREATE TEMP TABLE edgesync_tagmap(old INTEGER PRIMARY KEY, new INTEGER)');
      const put = this.db.prepare('INSERT INTO edgesync_tagmap VALUES(?,?)');
      for (const [from, to] of moves) put.run(from, to);
      // Most of tagxref's rows change (a long history has hundreds of thousands). Through its
      // index by tag, the updates would visit the table tag by tag, all over it, and change
      // every page many times over more than the page cache holds: in the browser each page
      // let go is a write to storage (that took 4.5 of the 60k history's 4.9 s of finishing;
      // 2.5 s now). Without the index they walk the table once in its own order; the index is
      // then made in one sorted pass.
      this.db.exec('DROP INDEX tagxref_i1');
      // Through negative ids, so no two rows ever share one on the way.
      for (const table of ['tag', 'tagxref', 'event']) {
        this.db.exec(`UPDATE ${table} SET tagid=-(SELECT new FROM edgesync_tagmap WHERE old=tagid) WHERE tagid IN (SELECT old FROM edgesync_tagmap)`);
        this.db.exec(`UPDATE ${table} SET tagid=-tagid WHERE tagid<0`);
      }
      this.db.exec(TAGXREF_TAGID_INDEX);
      this.db.exec('DROP TABLE edgesync_tagmap');
    });
  }

  /**
   * Settle leaf status with the final tags. A slice decides leaves from the branch tags known
   * when it ends; a tag that moved later (an ancestor's branch tag arriving after) can change the
   * answer, and a rebuild decides them all at the very end.
   */
  settleLeaves(): void {
    this.db.transaction(() => {
      const s = beginCrosslink(this.repo);
      for (const rid of this.leafChecks) s.leafChecks.add(rid);
      endCrosslink(s);
    });
  }

  /** Queue every artifact that arrived since the last look and can be expanded now or later. */
  private collectArrivals(): void {
    const arrived: number[] = [];
    for (const r of this.readArrivals.all<{ rid: number; uuid: string; size: number }>(this.watermark)) {
      this.watermark = r.rid;
      this.rids.set(r.uuid, r.rid);
      if (r.size >= 0) arrived.push(r.rid);
      else this.unfilled.add(r.rid);
    }
    if (this.unfilled.size > 0) {
      for (const rid of [...this.unfilled]) {
        if ((this.readSize.column<number>(rid)[0] ?? -1) >= 0) {
          this.unfilled.delete(rid);
          arrived.push(rid);
        }
      }
    }
    this.storedCount += arrived.length;
    // Ascending rid order, as the rebuild walks.
    for (const rid of arrived) {
      const src = this.readSource.column<number>(rid)[0];
      if (src === undefined) this.queued.push({ rid });
      else if (this.done.has(src)) {
        // Its source was linked before it came (rare in fossil's order): the source is read back
        // when its turn comes rather than held while it waits.
        this.queued.push({ rid, sourceRid: src });
      } else this.wait(src, rid);
    }
  }

  private wait(src: number, rid: number): void {
    const list = this.waiting.get(src);
    if (list) list.push(rid);
    else this.waiting.set(src, [rid]);
  }

  private step(s: ReturnType<typeof beginCrosslink>, walk: Frame[]): void {
    const frame = this.pop(walk);
    try {
      this.expandAndLink(s, frame, walk);
    } finally {
      // The last delta made from it is expanded: its buffer can take another version's content.
      const source = frame.source;
      if (source && !this.held.has(source)) {
        if (isLikelyArtifact(source)) this.retire(source);
        else this.buffers.give(source);
      }
    }
  }

  private expandAndLink(s: ReturnType<typeof beginCrosslink>, frame: Frame, walk: Frame[]): void {
    const rid = frame.rid;
    if (this.done.has(rid)) return;
    let source = frame.source;
    if (frame.sourceRid !== undefined) {
      source = this.repo.content.tryGet(frame.sourceRid) ?? undefined;
      if (!source) {
        this.wait(frame.sourceRid, rid);
        return;
      }
    }
    const row = this.readRow.get<{ uuid: string; size: number; content: Uint8Array | null }>(rid);
    if (!row || row.size < 0) return;
    // A broken delta is left unlinked: the clone then falls back to the rebuild, which reports it.
    let content = this.prefetched.get(rid);
    if (content) this.prefetched.delete(rid);
    else {
      try {
        content = expandStored(row.content, source, this.buffers);
      } catch {
        return;
      }
    }
    this.done.add(rid);
    // Only artifacts are ever asked for; file content, some of it megabytes, would only add to the peak.
    const artifact = isLikelyArtifact(content);
    if (artifact) {
      this.recent.set(rid, content);
      if (this.recent.size > 16) {
        const [oldest, bytes] = this.recent.entries().next().value!;
        this.recent.delete(oldest);
        this.retire(bytes);
      }
    }
    this.verifier.check(rid, row.uuid, content);
    if (content.length !== row.size) this.fixSize.run(content.length, rid);
    crosslinkArtifact(s, rid, content);
    linkOrphansOf(s, rid);
    const children = this.waiting.get(rid);
    if (children) {
      this.waiting.delete(rid);
      for (const child of this.orderChildren(children)) this.push(walk, { rid: child, source: content });
    } else if (!artifact) this.buffers.give(content);
  }

  /**
   * The order to push a branch point's children in: the largest subtree first, so it is walked
   * last, when no other frame holds this artifact's content any more. Every frame still holding
   * it is then a sibling of a subtree at most half its parent's size, which bounds how many
   * expanded artifacts the walk holds by the depth of that halving. Ties go in ascending rid
   * order, as the rebuild walks.
   */
  private orderChildren(children: number[]): number[] {
    if (children.length < 2) return children;
    const size = new Map(children.map((c) => [c, this.subtreeSize(c)]));
    return children.sort((a, b) => size.get(b)! - size.get(a)! || b - a);
  }

  /**
   * How many artifacts wait (directly or not) on rid, itself included, counting at most `cap`:
   * a long chain with a side branch at every version would otherwise be counted again at each.
   * Subtrees past the cap tie, and go in rid order.
   */
  private subtreeSize(rid: number, cap = 4096): number {
    let n = 0;
    const todo = [rid];
    while (todo.length > 0 && n < cap) {
      n++;
      const kids = this.waiting.get(todo.pop()!);
      if (kids) for (const k of kids) todo.push(k);
    }
    return n;
  }
}

/**
 * Manifests retired (their bytes) before a slice starts a new crosslink session to give them
 * back: about fifty of a large tree's, the few megabytes a clone's memory can spare.
 */
const RETIRED_BYTES = 4 * 1024 * 1024;

/** rid -> position in the order a rebuild visits artifacts (delta trees from their roots, then the rest). */
function rebuildWalkOrder(db: Db): Map<number, number> {
  const blobs = loadRepositoryBlobs(db);
  const order = new Map<number, number>();
  const stack: number[] = [];
  for (const b of blobs.byRid.values()) {
    if (b.size < 0 || blobs.deltaSource.has(b.rid)) continue;
    stack.push(b.rid);
    while (stack.length > 0) {
      const rid = stack.pop()!;
      if (order.has(rid) || (blobs.byRid.get(rid)?.size ?? -1) < 0) continue;
      order.set(rid, order.size);
      const children = blobs.deltaChildren.get(rid);
      if (children) {
        const ordered = fossilBagOrder(children);
        for (let i = ordered.length - 1; i >= 0; i--) stack.push(ordered[i]!);
      }
    }
  }
  for (const b of blobs.byRid.values()) if (!order.has(b.rid)) order.set(b.rid, order.size);
  return order;
}

/** A macrotask's turn: replies, timers and a page's requests run before the next slice. */
function yieldToOthers(): Promise<void> {
  return new Promise((r) => setTimeout(r, 0));
}
