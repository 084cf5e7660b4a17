/**
 * The crosslinker as the repository plugs it in (`Repository.open(db, { crosslinker:
 * crosslinkerFactory })`). The repository calls `crosslink` for every artifact it creates, and
 * `onAvailable` for every artifact the content store reports readable.
 *
 * Each call joins the crosslink session already running on the database, or runs in a session
 * of its own. A caller storing many artifacts (a sync round, an import) should wrap them in
 * `withCrosslink` so that the deferred work (tickets, leaves, time nudges) runs once at the end.
 */
import { crosslinkArtifact, crosslinkAvailable, linkOrphansOf, withCrosslink } from './crosslink.ts';
import type { CrosslinkRepo } from './host.ts';

/** What the content store says when an artifact becomes readable. */
export interface AvailabilityReport {
  rid: number;
  /** The rid that was stored; equal to rid for the stored artifact itself. */
  cause: number;
}

export interface RepositoryCrosslinker {
  crosslink(rid: number, content: Uint8Array): void;
  onAvailable(event: AvailabilityReport): void;
}

export function crosslinkerFactory(repo: CrosslinkRepo): RepositoryCrosslinker {
  return {
    crosslink(rid, content) {
      withCrosslink(repo, (s) => crosslinkArtifact(s, rid, content));
    },
    onAvailable(event) {
      withCrosslink(repo, (s) => {
        if (event.rid === event.cause) {
          // The stored artifact itself is linked by whoever stored it; only delta-manifests
          // that were waiting for it as their baseline are ours to finish.
          linkOrphansOf(s, event.rid);
        } else {
          crosslinkAvailable(s, [event.rid]);
        }
      });
    },
  };
}
