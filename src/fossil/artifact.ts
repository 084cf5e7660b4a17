/**
 * Structural artifacts (spec 5): parse, print, and tell them apart from ordinary file content.
 */
import type { Artifact } from './artifact-types.ts';
import { ArtifactError } from './artifact-checks.ts';
import { parseArtifact, type DeferredZCheck } from './artifact-parse.ts';
import { signedTextRange } from './clearsign.ts';
import type { FileLines } from './file-lines.ts';

export { ArtifactError } from './artifact-checks.ts';
export { parseArtifact, type DeferredZCheck } from './artifact-parse.ts';
export { printArtifact, type PrintOptions } from './artifact-print.ts';

const Z_LINE = 35;

function isLowerHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66);
}

/**
 * A cheap test, in constant time for almost any input, that rules out content which cannot be an
 * artifact. It never rejects a well-formed artifact: every artifact type requires a Z card, which
 * must be the last line and spelled `Z <32 lowercase hex>`, and its first card is at most 'M'
 * (every type requires D or M). True means "worth parsing", not "is an artifact".
 */
export function isLikelyArtifact(bytes: Uint8Array): boolean {
  const n = bytes.length;
  if (n < 2 || bytes[n - 1] !== 0x0a) return false;
  let start = 0;
  let end = n;
  if (bytes[0] === 0x2d /* '-' */) {
    const signed = signedTextRange(bytes);
    if (!signed) return false;
    ({ start, end } = signed);
  }
  const len = end - start;
  if (len < Z_LINE + 3) return false;
  const first = bytes[start]!;
  if (first < 0x41 || first > 0x4d || bytes[start + 1] !== 0x20) return false;
  const z = end - Z_LINE;
  if (bytes[z - 1] !== 0x0a || bytes[z] !== 0x5a || bytes[z + 1] !== 0x20 || bytes[end - 1] !== 0x0a) return false;
  for (let i = z + 2; i < end - 1; i++) if (!isLowerHex(bytes[i]!)) return false;
  return true;
}

/**
 * The parsed artifact, or null if the bytes are not a well-formed structural artifact.
 * `reference` and `deferZ` as for parseArtifact.
 */
export function tryParseArtifact(bytes: Uint8Array, reference?: FileLines, deferZ?: DeferredZCheck): Artifact | null {
  if (!isLikelyArtifact(bytes)) return null;
  try {
    return parseArtifact(bytes, reference, deferZ);
  } catch (e) {
    if (e instanceof ArtifactError) return null;
    throw e;
  }
}
