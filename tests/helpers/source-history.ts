/**
 * Successive versions of real source files, for measuring delta sizes on realistic histories.
 * They come from a local git mirror of fossil's own repository (FOSSIL_GIT_MIRROR, default
 * /work/.mirror/drhsqlite+fossil-mirror/repo); when it is absent the history is empty.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const FOSSIL_GIT_MIRROR = process.env.FOSSIL_GIT_MIRROR ?? '/work/.mirror/drhsqlite+fossil-mirror/repo';

export interface VersionPair {
  label: string;
  older: Uint8Array;
  newer: Uint8Array;
}

function git(args: string[]): Buffer {
  return execFileSync('git', ['-C', FOSSIL_GIT_MIRROR, ...args], {
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

export function haveMirror(): boolean {
  return existsSync(FOSSIL_GIT_MIRROR);
}

/**
 * For each path, the last `perFile` changes before `rev`: pairs (version before, version after).
 * Commits where the file did not exist on one side are skipped.
 */
export function versionPairs(paths: string[], perFile: number, rev = 'version-2.21'): VersionPair[] {
  const pairs: VersionPair[] = [];
  for (const path of paths) {
    const commits = git(['log', '--format=%H', `-n${perFile + 1}`, rev, '--', path]).toString().trim().split('\n');
    for (let i = 0; i + 1 < commits.length; i++) {
      try {
        const newer = new Uint8Array(git(['show', `${commits[i]}:${path}`]));
        const older = new Uint8Array(git(['show', `${commits[i + 1]}:${path}`]));
        pairs.push({ label: `${path}@${commits[i]!.slice(0, 10)}`, older, newer });
      } catch {
        // renamed or missing on one side
      }
    }
  }
  return pairs;
}
