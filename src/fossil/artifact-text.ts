/**
 * The text of an artifact as the parser reads it: its bytes, never decoded as a whole. Tokens
 * are byte positions, and only the tokens kept become strings (a file's name and hash, a
 * comment).
 *
 * Check-in manifests list every file, so a large repository's manifests add up to gigabytes of
 * cards, and nearly all of their lines are the same as in the check-in before. Decoding each one
 * into a string to compare and search it cost more than everything done with it: in Node the
 * strings went through every young-generation collection (1.36 GB moved in one clone of the 60k
 * history), and in the browser the decoder makes each string in memory new to the process
 * (1.7 GB in one clone, 5-6 s of page faults). Lines are compared as bytes (line-runs.ts) and
 * searched byte by byte, which costs the same in both.
 */
import { defossilizeBytes } from './artifact-checks.ts';
import { latin1 } from './bytes.ts';
import { decodeLossless } from './utf8-lossless.ts';

export class ArtifactText {
  private words: DataView | undefined;

  constructor(readonly bytes: Uint8Array) {}

  /** The bytes as a DataView, for comparing them four at a time (line-runs.ts). */
  get view(): DataView {
    return (this.words ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength));
  }

  /** Where the next newline at or after `from` is (the text ends with one). */
  lineEnd(from: number): number {
    return this.bytes.indexOf(0x0a, from);
  }

  /** Does [start, end) hold a backslash (an escape)? */
  hasBackslash(start: number, end: number): boolean {
    const b = this.bytes;
    for (let i = start; i < end; i++) if (b[i] === 0x5c) return true;
    return false;
  }

  /** Bytes [start, end) as one character per byte: exact for ASCII tokens such as hashes. */
  raw(start: number, end: number): string {
    return latin1(this.bytes, start, end);
  }

  /** Bytes [start, end) decoded from UTF-8, losslessly. */
  str(start: number, end: number): string {
    return decodeLossless(this.bytes, start, end);
  }

  /** A fossilized argument, unescaped and decoded. */
  unescaped(start: number, end: number): string {
    if (!this.hasBackslash(start, end)) return this.str(start, end);
    return decodeLossless(defossilizeBytes(this.bytes.subarray(start, end)));
  }
}
