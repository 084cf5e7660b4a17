/**
 * Building a Fossil delta from source to target.
 *
 * The approach is the one fossil's own encoder takes, so the output is about as small: the
 * source is cut into 16-byte blocks ("landmarks") indexed by a rolling hash; a 16-byte window
 * slides over the target, and each window whose hash names a landmark is a candidate match,
 * which is then grown backward and forward byte by byte. A copy is emitted only when its encoding
 * is no longer than the bytes it replaces; everything else becomes literal inserts.
 */
import { DeltaWriter, NEWLINE, SEMICOLON, deltaChecksum, digitCount } from './delta-format.ts';

/** Width of the hash window and of the source blocks. */
const NHASH = 16;
/** How many landmarks sharing one hash bucket are tried per target position; bounds the worst case. */
const MAX_CANDIDATES = 250;
/** A match this long is taken at once instead of looking for a longer one: the rest is found next. */
const GOOD_ENOUGH = 1 << 15;

/**
 * Hash of 16 bytes: a = sum of the bytes, b = sum of the running sums (so b weighs early bytes
 * more), both modulo 2^16, packed as b<<16 | a. Rolling it by one byte is O(1).
 */
function blockHash(data: Uint8Array, at: number): number {
  let a = 0;
  let b = 0;
  for (let k = 0; k < NHASH; k++) {
    a += data[at + k]!;
    b += a;
  }
  return (((b & 0xffff) << 16) | (a & 0xffff)) >>> 0;
}

/**
 * Bucket of a hash in a table of 2^(32-shift) buckets. The two 16-bit sums of typical data cluster
 * around their means, so using the packed value modulo the table size would crowd a few buckets;
 * a multiplicative hash keeps the top bits, which depend on all of both sums.
 */
function bucketOf(hash: number, shift: number): number {
  return Math.imul(hash, 0x9e3779b1) >>> shift;
}

/**
 * Source index: landmark[bucket] is the first block with that hash, chain[block] the next one.
 * Chains run in ascending offset order, so in long runs of repeated data the first candidate
 * is the one that can be extended furthest.
 */
interface LandmarkIndex {
  shift: number;
  landmark: Int32Array;
  chain: Int32Array;
  /** Each block's full hash: a cheap filter before touching the source bytes. */
  blockHashes: Uint32Array;
}

/**
 * Arrays kept from one createDelta to the next (it runs to completion, so one set serves every
 * call): a re-delta pass makes thousands of deltas, and each fresh array, the size of its target
 * or a quarter of its source, is written once and left to the collector. Past KEPT_SCRATCH a
 * call's arrays are its own: what is kept stays for the life of the process (a browser worker's
 * too), and most deltas are of files far smaller.
 */
const KEPT_SCRATCH = 2 * 1024 * 1024;
const scratch: { out: Uint8Array; ints: Int32Array; hashes: Uint32Array } = { out: new Uint8Array(0), ints: new Int32Array(0), hashes: new Uint32Array(0) };

/** n elements of the kept array, or of a new one when that is too short and n is large. */
function scratchInts(n: number): Int32Array {
  if (scratch.ints.length >= n) return scratch.ints.subarray(0, n);
  if (n * 4 > KEPT_SCRATCH) return new Int32Array(n);
  return (scratch.ints = new Int32Array(n));
}

function scratchHashes(n: number): Uint32Array {
  if (scratch.hashes.length >= n) return scratch.hashes.subarray(0, n);
  if (n * 4 > KEPT_SCRATCH) return new Uint32Array(n);
  return (scratch.hashes = new Uint32Array(n));
}

function indexSource(source: Uint8Array): LandmarkIndex {
  const blocks = Math.floor(source.length / NHASH);
  let bits = 1;
  while (1 << bits < blocks && bits < 30) bits++;
  const shift = 32 - bits;
  // One kept array holds both tables: landmark first, chain after it.
  const both = scratchInts((1 << bits) + blocks).fill(-1);
  const landmark = both.subarray(0, 1 << bits);
  const chain = both.subarray(1 << bits);
  const blockHashes = scratchHashes(blocks);
  for (let blk = blocks - 1; blk >= 0; blk--) {
    const h = blockHash(source, blk * NHASH);
    const hv = bucketOf(h, shift);
    blockHashes[blk] = h;
    chain[blk] = landmark[hv]!;
    landmark[hv] = blk;
  }
  return { shift, landmark, chain, blockHashes };
}

export function createDelta(source: Uint8Array, target: Uint8Array): Uint8Array {
  const out = new DeltaWriter(target.length + 64, scratch.out);
  try {
    return writeDelta(out, source, target);
  } finally {
    if (out.buffer.length <= KEPT_SCRATCH) scratch.out = out.buffer;
  }
}

function writeDelta(out: DeltaWriter, source: Uint8Array, target: Uint8Array): Uint8Array {
  const lenSrc = source.length;
  const lenOut = target.length;
  out.int(lenOut);
  out.byte(NEWLINE);

  // Too small a source to hold even one landmark: the whole target is one literal.
  if (lenSrc <= NHASH) {
    out.insert(target, 0, lenOut);
    out.int(deltaChecksum(target));
    out.byte(SEMICOLON);
    return out.finish();
  }

  const { shift, landmark, chain, blockHashes } = indexSource(source);
  const srcView = new DataView(source.buffer, source.byteOffset, source.byteLength);
  const tgtView = new DataView(target.buffer, target.byteOffset, target.byteLength);

  // Everything before target[base] has been written to the delta.
  let base = 0;
  while (base + NHASH < lenOut) {
    let a = 0;
    let b = 0;
    for (let k = 0; k < NHASH; k++) {
      a = (a + target[base + k]!) & 0xffff;
      b = (b + a) & 0xffff;
    }
    // The window is target[base+i, base+i+16).
    let i = 0;
    for (;;) {
      let bestCnt = 0;
      let bestOfst = 0;
      let bestLit = 0;
      const at = base + i;
      const hash = ((b << 16) | a) >>> 0;
      let blk = landmark[bucketOf(hash, shift)]!;
      for (let tries = 0; blk >= 0 && tries < MAX_CANDIDATES; tries++, blk = chain[blk]!) {
        // A different hash means the 16 bytes differ: no match anchored on this window.
        if (blockHashes[blk] !== hash) continue;
        const iSrc = blk * NHASH;
        // Grow forward from the window start (the hash may collide, so nothing is assumed).
        const fwdLimit = Math.min(lenSrc - iSrc, lenOut - at);
        const backLimit = Math.min(iSrc, i);
        // To beat the best match so far this one must grow forward past bestCnt - backLimit
        // bytes: one byte there that differs rules it out at once. In repetitive data (runs of
        // blanks or zeros) hundreds of landmarks share a hash, and growing each of them as far as
        // the run goes made the encoder quadratic in the run's length. The output is the same.
        const mustReach = bestCnt - backLimit;
        if (mustReach >= 0 && (mustReach >= fwdLimit || source[iSrc + mustReach] !== target[at + mustReach])) continue;
        let fwd = 0;
        // Four bytes at a time while they last (a match often runs for kilobytes), then by byte.
        while (fwd + 4 <= fwdLimit && srcView.getUint32(iSrc + fwd) === tgtView.getUint32(at + fwd)) fwd += 4;
        while (fwd < fwdLimit && source[iSrc + fwd] === target[at + fwd]) fwd++;
        if (fwd === 0) continue;
        // Grow backward, but never into bytes already written (before base).
        let back = 0;
        while (back < backLimit && source[iSrc - back - 1] === target[at - back - 1]) back++;
        const cnt = fwd + back;
        const ofst = iSrc - back;
        const lit = i - back;
        // Cost of the copy command plus the header of the insert that precedes it.
        const cost = digitCount(lit) + digitCount(cnt) + digitCount(ofst) + 3;
        if (cnt >= cost && cnt > bestCnt) {
          bestCnt = cnt;
          bestOfst = ofst;
          bestLit = lit;
          if (cnt >= GOOD_ENOUGH) break;
        }
      }

      if (bestCnt > 0) {
        out.insert(target, base, base + bestLit);
        out.copy(bestCnt, bestOfst);
        base += bestLit + bestCnt;
        break;
      }

      if (at + NHASH >= lenOut) {
        // Reached the end of the target without a usable match.
        out.insert(target, base, lenOut);
        base = lenOut;
        break;
      }

      // Slide the window one byte.
      const old = target[at]!;
      a = (a - old + target[at + NHASH]!) & 0xffff;
      b = (b - NHASH * old + a) & 0xffff;
      i++;
    }
  }
  out.insert(target, base, lenOut);
  out.int(deltaChecksum(target));
  out.byte(SEMICOLON);
  return out.finish();
}
