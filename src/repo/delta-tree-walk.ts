/**
 * Visit every artifact whose content can be reconstructed, expanding each exactly once: start at
 * the artifacts stored in full (delta-tree roots) and apply each child's delta to its source's
 * already expanded content. Expanding artifacts one by one instead would re-walk the whole chain
 * each time. Used by rebuild (crosslink everything) and verify (check every hash).
 *
 * Artifacts stored as deltas whose chain never reaches full content (a phantom source, a missing
 * source, a loop) are not visited; callers learn which by comparing with what they expected.
 */
import type { Db } from '../db/db.ts';
import { uncompressBlob } from '../fossil/blob-codec.ts';
import { applyDelta, deltaOutputSize, MAX_DELTA_OUTPUT } from '../fossil/delta.ts';
import { isLikelyArtifact } from '../fossil/artifact.ts';
import type { BufferPool } from './buffer-pool.ts';

export interface BlobInfo {
  rid: number;
  uuid: string;
  /** blob.size as stored (-1 for phantoms). */
  size: number;
}

export interface WalkOptions {
  /** Rids not to visit (nor anything stored as a delta of them). */
  skip?: ReadonlySet<number>;
  /** Content someone already expanded (taken instead of applying the delta again). */
  expanded?: (rid: number) => Uint8Array | undefined;
  /** Called when an artifact cannot be expanded; its delta descendants are then not visited. */
  onError?: (blob: BlobInfo, error: Error) => void;
  /**
   * Expand file content into buffers from this pool, each given back once the content and the
   * deltas made from it are done with. The visitor then must not keep file content past its
   * call: only what isLikelyArtifact accepts, which is never given back.
   */
  buffers?: BufferPool;
}

export interface RepositoryBlobs {
  /** Every blob row, by rid. */
  byRid: Map<number, BlobInfo>;
  /** rid -> rids stored as deltas against it, ascending. */
  deltaChildren: Map<number, number[]>;
  /** rid -> its delta source. */
  deltaSource: Map<number, number>;
}

/** Read the blob and delta tables' metadata in two scans. */
export function loadRepositoryBlobs(db: Db): RepositoryBlobs {
  const byRid = new Map<number, BlobInfo>();
  for (const b of db.prepare('SELECT rid, uuid, size FROM blob ORDER BY rid').all<BlobInfo>()) byRid.set(b.rid, b);
  const deltaChildren = new Map<number, number[]>();
  const deltaSource = new Map<number, number>();
  for (const d of db.prepare('SELECT rid, srcid FROM delta ORDER BY rid').all<{ rid: number; srcid: number }>()) {
    deltaSource.set(d.rid, d.srcid);
    const list = deltaChildren.get(d.srcid);
    if (list) list.push(d.rid);
    else deltaChildren.set(d.srcid, [d.rid]);
  }
  return { byRid, deltaChildren, deltaSource };
}

/**
 * An artifact from its stored bytes: full content, or a delta applied to its source's content
 * (written into a buffer from `buffers` when given: the caller gives it back when done).
 */
export function expandStored(stored: Uint8Array | null | undefined, source: Uint8Array | undefined, buffers?: BufferPool): Uint8Array {
  if (!stored) throw new Error('no content stored');
  const raw = uncompressBlob(stored, undefined, buffers?.taker);
  if (source === undefined) return raw;
  if (!buffers) return applyDelta(source, raw);
  try {
    const size = deltaOutputSize(raw);
    // applyDelta checks the declared size against its limit again before writing.
    return applyDelta(source, raw, MAX_DELTA_OUTPUT, size <= MAX_DELTA_OUTPUT ? buffers.take(size) : undefined);
  } finally {
    buffers.give(raw);
  }
}

/**
 * The order fossil's rebuild visits the delta children of one artifact: it reads them in rid
 * order into a Bag (bag.c, an open-addressing hash set of ints) and walks the bag's slots. The
 * order matters where the first artifact to mention something wins, such as which tag gets
 * which tagid (fossil lists a check-in's tags by tagid).
 */
export function fossilBagOrder(rids: readonly number[]): number[] {
  if (rids.length < 2) return [...rids];
  let slots: number[] = [];
  const place = (table: number[], e: number) => {
    let h = (e * 101) % table.length;
    while (table[h]) h = h + 1 === table.length ? 0 : h + 1;
    table[h] = e;
  };
  for (let used = 0; used < rids.length; used++) {
    const e = rids[used]!;
    // bag_insert grows the table (to twice plus 20) before it is half full.
    if (used + 1 >= slots.length / 2) {
      const grown: number[] = new Array(slots.length * 2 + 20).fill(0);
      for (const old of slots) if (old) place(grown, old);
      slots = grown;
    }
    place(slots, e);
  }
  return slots.filter((e) => e > 0);
}

interface Frame {
  rid: number;
  /** Expanded content of the delta source; undefined for a root. */
  source?: Uint8Array;
}

/**
 * Walk the delta trees, calling visit(blob, content) for each reconstructible artifact, sources
 * before the deltas made from them. Returns the set of visited rids.
 */
export function walkDeltaTrees(
  db: Db,
  blobs: RepositoryBlobs,
  visit: (blob: BlobInfo, content: Uint8Array) => void,
  opts: WalkOptions = {},
): Set<number> {
  const readStored = db.prepare('SELECT content FROM blob WHERE rid=?');
  const visited = new Set<number>();
  const stack: Frame[] = [];
  const buffers = opts.buffers;
  /** Pooled content -> frames still to expand from it. */
  const holders = new Map<Uint8Array, number>();
  const release = (source: Uint8Array | undefined) => {
    const n = source && holders.get(source);
    if (!n) return;
    if (n > 1) holders.set(source!, n - 1);
    else {
      holders.delete(source!);
      buffers!.give(source!);
    }
  };
  const roots = [...blobs.byRid.values()].filter(
    (b) => b.size >= 0 && !blobs.deltaSource.has(b.rid) && !opts.skip?.has(b.rid),
  );
  /** Expand and visit one artifact: its content, or undefined when it is not to be (or cannot be) visited. */
  const visitOne = (rid: number, source: Uint8Array | undefined): Uint8Array | undefined => {
    const blob = blobs.byRid.get(rid);
    if (!blob || blob.size < 0 || visited.has(rid) || opts.skip?.has(rid)) return undefined;
    let content = opts.expanded?.(rid);
    if (!content) {
      try {
        content = expandStored(readStored.column<Uint8Array | null>(rid)[0], source, buffers);
      } catch (e) {
        opts.onError?.(blob, e as Error);
        return undefined;
      }
    }
    visited.add(rid);
    visit(blob, content);
    return content;
  };
  for (const root of roots) {
    stack.push({ rid: root.rid });
    while (stack.length > 0) {
      const { rid, source } = stack.pop()!;
      const content = visitOne(rid, source);
      release(source);
      if (!content) continue;
      const children = blobs.deltaChildren.get(rid);
      const reusable = buffers !== undefined && !isLikelyArtifact(content);
      if (children) {
        if (reusable) holders.set(content, children.length);
        // Pushed in reverse so they are expanded in fossil's order.
        const ordered = fossilBagOrder(children);
        for (let i = ordered.length - 1; i >= 0; i--) stack.push({ rid: ordered[i]!, source: content });
      } else if (reusable) buffers.give(content);
    }
  }
  return visited;
}
