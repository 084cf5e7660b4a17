/**
 * The complete file list of a check-in, read from its manifest: for a delta-manifest (B card)
 * the baseline's list with the delta's changes applied.
 */
import { parseArtifact } from '../fossil/artifact.ts';
import type { Artifact, FileCard } from '../fossil/artifact-types.ts';
import type { Repository } from './repository.ts';

export class NotACheckinError extends Error {
  override name = 'NotACheckinError';
}

export function readCheckin(repo: Repository, rid: number): Artifact {
  const a = parseArtifact(repo.content.get(rid));
  if (a.type !== 'manifest') throw new NotACheckinError(`artifact ${repo.content.uuidOf(rid)?.slice(0, 16)} is a ${a.type}, not a check-in`);
  return a;
}

/** Byte order of UTF-8 encodings equals code point order, which JS string comparison is not. */
export function compareNames(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < x.length && i < y.length; i++) {
    if (x[i] !== y[i]) return x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
  }
  return x.length - y.length;
}

export function checkinFiles(repo: Repository, manifest: Artifact): FileCard[] {
  if (!manifest.baseline) return manifest.files;
  const baseRid = repo.content.ridOf(manifest.baseline);
  if (baseRid === undefined) throw new Error(`baseline ${manifest.baseline.slice(0, 16)} of a delta-manifest is missing`);
  const merged = new Map<string, FileCard>();
  for (const f of readCheckin(repo, baseRid).files) merged.set(f.name, f);
  for (const f of manifest.files) {
    if (f.uuid) merged.set(f.name, f);
    else merged.delete(f.name);
  }
  return [...merged.values()].sort((p, q) => compareNames(p.name, q.name));
}

/** Files of the check-in with the given rid. */
export function filesOfCheckin(repo: Repository, rid: number): FileCard[] {
  return checkinFiles(repo, readCheckin(repo, rid));
}
