/**
 * Checking artifacts against their names while a clone's rebuild expands them. The plain
 * verifier hashes on the spot; a host can supply one that hashes elsewhere (the Node CLI uses
 * a worker thread, so hashing overlaps crosslinking).
 */
import { digestMatches } from '../fossil/hash.ts';

export interface ArtifactVerifier {
  /**
   * Check (now or later) that content hashes to uuid. The content is only valid during the call
   * (the walk reuses its buffer): a check made later works on a copy. uuid may also be a Z
   * card's MD5 checksum (32 hex digits) with the text it covers; rid is then any key that names
   * no artifact (the linker uses negative ones).
   */
  check(rid: number, uuid: string, content: Uint8Array): void;
  /**
   * Whether a check of this many bytes made now would go to the hashing thread rather than be
   * hashed during the call (absent: every check is hashed during the call).
   */
  hasRoomFor?(bytes: number): boolean;
  /** Wait for every check; returns the uuid (or Z checksum) of the first that failed, if any. */
  finish(): string | undefined;
  /** Release resources (safe to call more than once). */
  close(): void;
}

export function inlineVerifier(): ArtifactVerifier {
  let failed: string | undefined;
  return {
    check(_rid, uuid, content) {
      if (failed === undefined && !digestMatches(content, uuid)) failed = uuid;
    },
    finish: () => failed,
    close() {},
  };
}
