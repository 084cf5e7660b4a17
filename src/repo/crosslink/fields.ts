/** Small readings of parsed artifacts shared by several artifact types. */
import type { Artifact } from '../../fossil/artifact-types.ts';

/**
 * The user a timeline entry shows: the U card, "anonymous" for an empty one, and nothing at all
 * when the artifact has no U card (upstream leaves the column NULL then).
 */
export function userOf(a: Artifact): string | null {
  if (a.user === undefined) return null;
  return a.user === '' ? 'anonymous' : a.user;
}

/** The artifact's D-card time as a Julian day; 0 for artifacts without one (clusters). */
export function timeOf(a: Artifact): number {
  return a.julian ?? 0;
}
