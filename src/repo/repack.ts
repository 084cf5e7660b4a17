/**
 * The extra delta pass fossil runs at the end of every clone and in `fossil repack`
 * (rebuild.c extra_deltification). A server stores what it was given, often whole; a clone can
 * do better once it holds everything:
 *   - a check-in manifest stored whole becomes a delta of one of the five check-ins that follow
 *     it in time (manifests differ from their successors by a few lines);
 *   - a file stored whole becomes a delta of one of the five newer versions of the same name.
 * The pass needs the derived tables (event, mlink, plink), so it runs after the rebuild, and it
 * is one transaction: a kill leaves the clone as it was, only larger.
 */
import { limitCaches } from './rebuild.ts';
import type { Repository } from './repository.ts';

/** How many neighbours each artifact is tried against (N_NEIGHBOR in rebuild.c). */
const NEIGHBOURS = 5;
/** A delta under this fraction of the artifact ends the search for a better one. */
const GOOD_ENOUGH = 0.25;
/** The content cache's budget meanwhile. */
const COMPACTING_CACHE_BYTES = 16 * 1024 * 1024;

export interface RepackResult {
  /** Artifacts that became deltas. */
  deltas: number;
  /** Bytes of blob content saved (the file itself shrinks only after a VACUUM). */
  bytesSaved: number;
}

export function extraDeltification(repo: Repository): RepackResult {
  const { db, content } = repo;
  return db.transaction(() => {
    const result: RepackResult = { deltas: 0, bytesSaved: 0 };
    // The artifact tried last is the next one's closest neighbour, tried first: its content is
    // kept rather than expanded again (the content cache takes nothing over a quarter of its
    // budget, so the multi-megabyte files, where expanding costs most, were expanded twice).
    let last: { rid: number; data: Uint8Array } | undefined;
    const tryAgainst = (rid: number, neighbours: readonly number[]) => {
      if (neighbours.length === 0) return;
      const data = content.tryGet(rid);
      if (!data) return;
      const held = last;
      last = { rid, data };
      const expanded = (r: number) => (r === rid ? data : r === held?.rid ? held.data : undefined);
      // Unlike fossil, which takes the best of all five, the closest neighbour goes first and the
      // first delta under a quarter of the artifact is taken: on the 60k-artifact history that
      // saves 45.5 MB instead of 45.6 MB in less than half the time (most of which goes to the
      // few multi-megabyte files).
      const saved = content.deltify(rid, [...neighbours].reverse(), { goodEnough: GOOD_ENOUGH, expanded });
      if (saved > 0) {
        result.deltas++;
        result.bytesSaved += saved;
      }
    };
    const remember = (neighbours: number[], rid: number) => {
      neighbours.push(rid);
      if (neighbours.length > NEIGHBOURS) neighbours.shift();
    };

    // Newest first, so an older manifest becomes a delta of a newer one, as fossil stores them.
    const manifests = db.prepare(
      `SELECT blob.rid FROM event JOIN blob ON blob.rid=event.objid
        WHERE event.type='ci' AND NOT EXISTS(SELECT 1 FROM delta WHERE delta.rid=blob.rid)
        ORDER BY event.mtime DESC`,
    ).column<number>();
    const recent: number[] = [];
    for (const rid of manifests) {
      tryAgainst(rid, recent);
      remember(recent, rid);
    }

    // Files by name, newest first: each whole file against the newer versions of its name.
    const files = db.prepare(
      `SELECT DISTINCT blob.rid AS rid, mlink.fnid AS fnid FROM blob, mlink, plink
        WHERE NOT EXISTS(SELECT 1 FROM delta WHERE delta.rid=blob.rid)
          AND mlink.fid=blob.rid AND mlink.mid=plink.cid
        ORDER BY mlink.fnid, plink.mtime DESC`,
    ).all<{ rid: number; fnid: number }>();
    let newer: number[] = [];
    let fnid = 0;
    for (const f of files) {
      if (f.fnid !== fnid) newer = [];
      fnid = f.fnid;
      tryAgainst(f.rid, newer);
      remember(newer, f.rid);
    }
    return result;
  });
}

/**
 * Leave a finished clone as compact as fossil's: the extra delta pass (unless skipped), 8 KiB
 * pages once the file is past a thousand pages, then VACUUM (clone.c clone_cmd's last steps).
 */
export function compactClone(repo: Repository, opts: { extraDeltas?: boolean } = {}): RepackResult {
  // The pass mostly needs the artifact it just made a delta source (the closest neighbour
  // usually gives a good enough delta): room for a few of the largest files is plenty, and a
  // VACUUM copies pages through in order, so neither wants the full-size caches at its peak.
  const restoreCaches = limitCaches(repo, COMPACTING_CACHE_BYTES);
  try {
    const result = opts.extraDeltas === false ? { deltas: 0, bytesSaved: 0 } : extraDeltification(repo);
    const { db } = repo;
    if ((db.value<number>('PRAGMA page_count') ?? 0) > 1000 && (db.value<number>('PRAGMA page_size') ?? 0) < 8192) {
      db.exec('PRAGMA page_size=8192');
    }
    db.exec('VACUUM');
    return result;
  } finally {
    restoreCaches();
  }
}
