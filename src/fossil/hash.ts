/**
 * Artifact names: lowercase hex SHA1 (40) or SHA3-256 (64). The algorithm is chosen by the
 * length of the name, as upstream's hname.c does.
 */
import { platform } from '../platform/platform.ts';

export const HNAME_SHA1_LEN = 40;
export const HNAME_SHA3_LEN = 64;

/** Upstream hash-policy values (config `hash-policy`). */
export const HashPolicy = { SHA1: 0, AUTO: 1, SHA3: 2, SHA3_ONLY: 3, SHUN_SHA1: 4 } as const;
export type HashPolicy = (typeof HashPolicy)[keyof typeof HashPolicy];

export type HashAlgorithm = 'sha1' | 'sha3';

export function hashBytes(data: Uint8Array, algorithm: HashAlgorithm): string {
  return algorithm === 'sha1' ? platform().sha1(data) : platform().sha3(data);
}

/** True if s is a well-formed artifact name (40 or 64 hex digits; lowercase as we store them). */
export function isHashName(s: string): boolean {
  return (s.length === HNAME_SHA1_LEN || s.length === HNAME_SHA3_LEN) && /^[0-9a-f]+$/.test(s);
}

/** Like isHashName but also accepts upper case, as upstream's validator does on input. */
export function isHashNameLoose(s: string): boolean {
  return (s.length === HNAME_SHA1_LEN || s.length === HNAME_SHA3_LEN) && /^[0-9a-fA-F]+$/.test(s);
}

export function algorithmOf(name: string): HashAlgorithm {
  if (name.length === HNAME_SHA1_LEN) return 'sha1';
  if (name.length === HNAME_SHA3_LEN) return 'sha3';
  throw new Error(`not an artifact name: ${JSON.stringify(name.slice(0, 80))}`);
}

/** Does data hash to name under the algorithm the name's length implies? */
export function verifyHash(data: Uint8Array, name: string): boolean {
  return hashBytes(data, algorithmOf(name)) === name.toLowerCase();
}

/** The algorithm a policy uses for new artifacts. */
export function algorithmForPolicy(policy: number): HashAlgorithm {
  return policy === HashPolicy.SHA1 || policy === HashPolicy.AUTO ? 'sha1' : 'sha3';
}

export function md5Hex(data: Uint8Array): string {
  return platform().md5(data);
}

/** A Z card's checksum: MD5, 32 hex digits. */
export const Z_CHECKSUM_LEN = 32;

/**
 * The hex digest of data under the algorithm a name's length implies: SHA1 or SHA3-256 for an
 * artifact's name, MD5 for a Z card's checksum (the clone's verifiers check both, see
 * DeferredZCheck).
 */
export function digestFor(name: string, data: Uint8Array): string {
  return isZChecksum(name) ? md5Hex(data) : hashBytes(data, algorithmOf(name));
}

/** Is this a Z card's checksum rather than an artifact's name (as a verifier reports a failure)? */
export function isZChecksum(name: string): boolean {
  return name.length === Z_CHECKSUM_LEN;
}

/** Does data hash to name (an artifact's name, or a Z card's checksum)? */
export function digestMatches(data: Uint8Array, name: string): boolean {
  return digestFor(name, data) === name.toLowerCase();
}
