/**
 * Clusters (xfer.c create_cluster): when a server answering a pull has many unclustered
 * artifacts, it lists them in cluster artifacts and announces only those, so a puller learns
 * about thousands of artifacts from a few igot cards. Receiving a cluster (crosslinking it)
 * makes phantoms of its members, which the puller then asks for.
 */
import { utf8 } from '../fossil/bytes.ts';
import { md5Hex } from '../fossil/hash.ts';
import type { Repository } from '../repo/repository.ts';

/** A cluster is made once at least this many non-phantom artifacts are unclustered. */
export const CLUSTER_THRESHOLD = 100;
/** Entries per cluster, unless the remainder would make a small one. */
export const CLUSTER_CHUNK = 800;

function clusterArtifact(lines: string[]): Uint8Array {
  const body = lines.join('');
  return utf8(`${body}Z ${md5Hex(utf8(body))}\n`);
}

/** Make clusters of the unclustered artifacts when there are enough. Returns their rids. */
export function createClusters(repo: Repository): number[] {
  const db = repo.db;
  let remaining = db.value<number>(
    'SELECT count(*) FROM unclustered u WHERE NOT EXISTS(SELECT 1 FROM phantom p WHERE p.rid=u.rid)',
  ) ?? 0;
  if (remaining < CLUSTER_THRESHOLD) return [];
  const uuids = db.prepare(
    `SELECT b.uuid FROM unclustered u JOIN blob b ON b.rid=u.rid
      WHERE NOT EXISTS(SELECT 1 FROM phantom p WHERE p.rid=u.rid)
        AND NOT EXISTS(SELECT 1 FROM shun s WHERE s.uuid=b.uuid)
      ORDER BY 1`,
  ).column<string>();
  const made: number[] = [];
  const store = (lines: string[]): number => {
    const bytes = clusterArtifact(lines);
    const { rid } = repo.content.put(bytes);
    repo.crosslink(rid, bytes);
    return rid;
  };
  let lines: string[] = [];
  const full: number[] = [];
  for (const uuid of uuids) {
    lines.push(`M ${uuid}\n`);
    if (lines.length >= CLUSTER_CHUNK && remaining > lines.length + CLUSTER_THRESHOLD) {
      full.push(store(lines));
      remaining -= lines.length;
      lines = [];
    }
  }
  // Members leave the unclustered list; the clusters just made (all but the last) stay on it.
  const keep = full.length > 0 ? full.join(',') : '0';
  db.exec(
    `DELETE FROM unclustered WHERE rid NOT IN (${keep})
       AND NOT EXISTS(SELECT 1 FROM phantom p WHERE p.rid=unclustered.rid)`,
  );
  made.push(...full);
  if (lines.length > 0) made.push(store(lines));
  return made;
}
