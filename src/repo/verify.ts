/**
 * Integrity check of the artifact store, in the spirit of `fossil test-integrity`: every artifact
 * that is not a phantom must expand to content of its recorded size that hashes to its name;
 * delta sources must exist; no public artifact may be stored as a delta of a private one (a peer
 * receiving the public one could never reconstruct it). Each artifact is expanded once, by
 * walking the delta trees from their roots.
 */
import type { Db } from '../db/db.ts';
import { verifyHash } from '../fossil/hash.ts';
import { loadRepositoryBlobs, walkDeltaTrees } from './delta-tree-walk.ts';
import { BufferPool } from './buffer-pool.ts';

export interface VerifyProgress {
  done: number;
  total: number;
}

export interface VerifyOptions {
  onProgress?: (p: VerifyProgress) => void;
}

export interface VerifyResult {
  ok: boolean;
  /** Non-phantom artifacts whose content was checked. */
  checked: number;
  /** One sentence per problem found. */
  problems: string[];
}

const PROGRESS_EVERY = 1000;

export function verifyRepo(repo: { readonly db: Db }, opts: VerifyOptions = {}): VerifyResult {
  const db = repo.db;
  const problems: string[] = [];
  const short = (uuid: string | undefined) => (uuid ? uuid.slice(0, 16) : '?');

  const exposed = db.all<{ rid: number; uuid: string; srcid: number; src: string }>(
    `SELECT d.rid, b.uuid, d.srcid, s.uuid AS src
       FROM delta d JOIN blob b ON b.rid=d.rid LEFT JOIN blob s ON s.rid=d.srcid
      WHERE d.srcid IN private AND d.rid NOT IN private`,
  );
  for (const e of exposed) {
    problems.push(`public artifact ${short(e.uuid)} (${e.rid}) is a delta from private artifact ${short(e.src)} (${e.srcid})`);
  }

  const blobs = loadRepositoryBlobs(db);
  for (const [rid, srcid] of blobs.deltaSource) {
    const blob = blobs.byRid.get(rid);
    if (!blob) {
      problems.push(`delta row for rid ${rid}, which is not in the blob table`);
    } else if (!blobs.byRid.has(srcid)) {
      problems.push(`artifact ${short(blob.uuid)} (${rid}) is a delta from rid ${srcid}, which does not exist`);
    }
  }

  const stored = [...blobs.byRid.values()].filter((b) => b.size >= 0);
  const total = stored.length;
  let checked = 0;
  const failed = new Set<number>();
  const visited = walkDeltaTrees(
    db,
    blobs,
    (blob, content) => {
      checked++;
      if (content.length !== blob.size) {
        problems.push(`size mismatch on artifact ${short(blob.uuid)} (${blob.rid}): recorded ${blob.size}, content has ${content.length}`);
      }
      if (!verifyHash(content, blob.uuid)) {
        problems.push(`wrong hash on artifact ${short(blob.uuid)} (${blob.rid}): content does not hash to its name`);
      }
      if (opts.onProgress && checked % PROGRESS_EVERY === 0) opts.onProgress({ done: checked, total });
    },
    {
      buffers: new BufferPool(),
      onError: (blob, e) => {
        failed.add(blob.rid);
        problems.push(`cannot expand artifact ${short(blob.uuid)} (${blob.rid}): ${e.message}`);
      },
    },
  );

  for (const blob of stored) {
    if (visited.has(blob.rid) || failed.has(blob.rid)) continue;
    problems.push(`cannot expand artifact ${short(blob.uuid)} (${blob.rid}): ${whyUnexpanded(blob.rid)}`);
  }
  opts.onProgress?.({ done: total, total });

  /**
   * Why the walk never reached rid: its chain loops, leaves the blob table, or ends in a phantom
   * (directly, or through deltas that wait on it too: how a sync keeps artifacts that came before
   * their source), or an ancestor failed to expand.
   */
  function whyUnexpanded(rid: number): string {
    const seen = new Set<number>([rid]);
    let through: number | undefined;
    for (let r = blobs.deltaSource.get(rid); r !== undefined; r = blobs.deltaSource.get(r)) {
      const source = blobs.byRid.get(r);
      if (source === undefined) return 'its delta chain does not reach full content';
      if (seen.has(r)) return `its delta chain loops through rid ${r}`;
      seen.add(r);
      if (source.size < 0) {
        return through === undefined
          ? `it is a delta from phantom ${short(source.uuid)} (${source.rid})`
          : `its delta chain reaches phantom ${short(source.uuid)} (${source.rid}) through rid ${through}`;
      }
      if (failed.has(r)) return `its delta source rid ${r} could not be expanded`;
      through ??= r;
    }
    return 'its delta chain does not reach full content';
  }
  return { ok: problems.length === 0, checked, problems };
}

/**
 * Stored artifacts that are not what their names say: content that does not hash to the name,
 * or that cannot be expanded at all (a broken or looping delta). One waiting for a source that
 * has not arrived (a delta of a phantom) is not false, only incomplete.
 */
export function falseArtifacts(db: Db): number[] {
  const blobs = loadRepositoryBlobs(db);
  const bad = new Set<number>();
  const visited = walkDeltaTrees(
    db,
    blobs,
    (blob, content) => {
      if (content.length !== blob.size || !verifyHash(content, blob.uuid)) bad.add(blob.rid);
    },
    { onError: (blob) => bad.add(blob.rid), buffers: new BufferPool() },
  );
  for (const blob of blobs.byRid.values()) {
    if (blob.size < 0 || visited.has(blob.rid) || bad.has(blob.rid)) continue;
    // Not reached: fine when its chain ends in a phantom, false when it loops or breaks off.
    const seen = new Set<number>([blob.rid]);
    let r = blobs.deltaSource.get(blob.rid);
    let waiting = false;
    while (r !== undefined && !seen.has(r)) {
      seen.add(r);
      const source = blobs.byRid.get(r);
      if (source === undefined) break;
      if (source.size < 0) {
        waiting = true;
        break;
      }
      r = blobs.deltaSource.get(r);
    }
    if (!waiting) bad.add(blob.rid);
  }
  return [...bad].sort((a, b) => a - b);
}
