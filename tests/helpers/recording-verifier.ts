/**
 * A clone verifier that also records, per rid, whether the content it was shown hashes to its
 * name, so a test can see every artifact a walk expanded was checked, and checked right.
 */
import { digestMatches } from '../../src/fossil/hash.ts';
import { inlineVerifier, type ArtifactVerifier } from '../../src/sync/artifact-verifier.ts';

export function recordingVerifier(): { verifier: ArtifactVerifier; checked: Map<number, boolean> } {
  const checked = new Map<number, boolean>();
  const inline = inlineVerifier();
  const verifier: ArtifactVerifier = {
    check(rid, uuid, content) {
      checked.set(rid, digestMatches(content, uuid));
      inline.check(rid, uuid, content);
    },
    finish: () => inline.finish(),
    close() {},
  };
  return { verifier, checked };
}
