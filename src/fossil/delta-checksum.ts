/**
 * The checksum that ends a delta: the sum of the output read as big-endian 32-bit words, the
 * last partial word padded with zeros on the right, modulo 2^32. Every delta applied is checked
 * against it, so it runs over every byte a rebuild or a verify expands (gigabytes on a large
 * repository) and is worth doing a word at a time.
 *
 * The sum of big-endian words is (S0 << 24) + (S1 << 16) + (S2 << 8) + S3, where Sk is the sum of
 * the bytes at offsets k mod 4. Those four byte sums are gathered from native-order words, two
 * lanes per add: masking a word with 0x00ff00ff leaves two bytes in separate 16-bit slots, which
 * can take 256 additions before they could carry into each other.
 */

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Words summed before the 16-bit slots are emptied (each slot then holds at most 128 * 255). */
const BLOCK = 256;

/** The straightforward form, for data not aligned to 4 bytes (and big-endian hosts). */
function bytewiseChecksum(data: Uint8Array): number {
  const n = data.length;
  const whole = n & ~3;
  let sum = 0;
  for (let i = 0; i < whole; i += 4) {
    // Int32 addition wraps exactly like unsigned addition modulo 2^32.
    sum = (sum + ((data[i]! << 24) | (data[i + 1]! << 16) | (data[i + 2]! << 8) | data[i + 3]!)) | 0;
  }
  return (sum + tailWord(data, whole)) >>> 0;
}

/** The last partial word, padded with zeros on the right. */
function tailWord(data: Uint8Array, from: number): number {
  let tail = 0;
  for (let i = from, shift = 24; i < data.length; i++, shift -= 8) tail |= data[i]! << shift;
  return tail >>> 0;
}

export function deltaChecksum(data: Uint8Array): number {
  if (!LITTLE_ENDIAN || (data.byteOffset & 3) !== 0) return bytewiseChecksum(data);
  const words = data.length >>> 2;
  const w = new Uint32Array(data.buffer, data.byteOffset, words);
  // Byte sums by offset mod 4 (s0: the first byte of each word, the most significant one).
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const unrolled = words & ~3;
  let i = 0;
  while (i < unrolled) {
    const stop = Math.min(unrolled, i + BLOCK);
    // Each accumulator takes two words per step: 128 additions per block.
    let even0 = 0;
    let odd0 = 0;
    let even1 = 0;
    let odd1 = 0;
    for (; i < stop; i += 4) {
      const a = w[i]!;
      const b = w[i + 1]!;
      const c = w[i + 2]!;
      const d = w[i + 3]!;
      even0 += (a & 0x00ff00ff) + (b & 0x00ff00ff);
      odd0 += ((a >>> 8) & 0x00ff00ff) + ((b >>> 8) & 0x00ff00ff);
      even1 += (c & 0x00ff00ff) + (d & 0x00ff00ff);
      odd1 += ((c >>> 8) & 0x00ff00ff) + ((d >>> 8) & 0x00ff00ff);
    }
    s0 += (even0 & 0xffff) + (even1 & 0xffff);
    s2 += (even0 >>> 16) + (even1 >>> 16);
    s1 += (odd0 & 0xffff) + (odd1 & 0xffff);
    s3 += (odd0 >>> 16) + (odd1 >>> 16);
  }
  for (; i < words; i++) {
    const x = w[i]!;
    s0 += x & 0xff;
    s1 += (x >>> 8) & 0xff;
    s2 += (x >>> 16) & 0xff;
    s3 += x >>> 24;
  }
  // Each sum stays far below 2^53 (1 GiB of 0xff bytes sums to 2^36), so this is exact.
  const sum = (s0 % 256) * 2 ** 24 + (s1 % 65536) * 2 ** 16 + (s2 % 2 ** 24) * 2 ** 8 + s3 + tailWord(data, words * 4);
  return sum % 2 ** 32;
}
