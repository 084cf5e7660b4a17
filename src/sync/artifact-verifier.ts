/**
 * Checking artifacts against their names while a clone's rebuild expands them. The plain
 * verifier hashes on the spot; a host can supply one that hashes elsewhere (the Node CLI uses
 * a worker thread, so hashing overlaps crosslinking).
 */
import { verifyHash } from '../fossil/hash.ts';

export interface ArtifactVerifier {
  /**
   * Check (now or later) that content hashes to uuid. The content is only valid during the call
   * (the walk reuses its buffer): a check made later works on a copy.
   */
  check(rid: number, uuid: string, content: Uint8Array): void;
  /** Wait for every check; returns the uuid of an artifact that failed, if any. */
  finish(): string | undefined;
  /** Release resources (safe to call more than once). */
  close(): void;
}

export function inlineVerifier(): ArtifactVerifier {
  let failed: string | undefined;
  return {
    check(_rid, uuid, content) {
      if (failed === undefined && !verifyHash(content, uuid)) failed = uuid;
    },
    finish: () => failed,
    close() {},
  };
}
