/**
 * The few services the pure core needs from its host: hashing, zlib and randomness.
 * Each host installs a fast native implementation once at start-up (Node: node:crypto and
 * node:zlib; browser: hash-wasm and fflate), so the core itself imports neither node:* nor the DOM.
 * Everything is synchronous because the repository layer runs inside synchronous SQLite transactions.
 */
export interface Platform {
  /** Lowercase hex SHA1. */
  sha1(data: Uint8Array): string;
  /** Lowercase hex SHA3-256 (FIPS-202). */
  sha3(data: Uint8Array): string;
  /** Lowercase hex MD5 (Z and R cards). */
  md5(data: Uint8Array): string;
  /** zlib (RFC 1950) stream of data. */
  deflate(data: Uint8Array, level?: number): Uint8Array;
  /**
   * Inflate a zlib (RFC 1950) stream. Must throw if the output would exceed maxOutput bytes,
   * so a hostile stream can never make us allocate more than the caller allows. A caller that
   * knows the size to expect (a blob says it) passes it, so the output is allocated once.
   * `alloc`, when given, makes that output buffer (of the size asked): a caller expanding many
   * blobs hands out reused buffers (in a browser a fresh one costs more than inflating into it).
   * An implementation that cannot inflate into a given buffer ignores it.
   */
  inflate(data: Uint8Array, maxOutput: number, expectedSize?: number, alloc?: (size: number) => Uint8Array): Uint8Array;
  randomBytes(n: number): Uint8Array;
  /** Name of the implementation, for diagnostics. */
  readonly name: string;
}

let current: Platform | undefined;

export function setPlatform(p: Platform): void {
  current = p;
}

export function platform(): Platform {
  if (!current) throw new Error('no platform installed: call setPlatform() (node: installNodePlatform())');
  return current;
}
