/**
 * The text of an artifact as the parser reads it: the bytes, plus the same bytes decoded once
 * into a string with exactly one character per byte, so that byte positions index the string
 * and a token is a slice of it rather than a copy decoded on its own. Check-in manifests list
 * every file, so a large repository's manifests add up to gigabytes of cards; decoding each
 * token separately and allocating a view per token is what made parsing slow.
 *
 * Almost every artifact is pure ASCII, which the platform's UTF-8 decoder turns into a string in
 * one native pass. Anything else is decoded byte by byte into Latin-1 (still one character per
 * byte, and character order is byte order), and its text tokens are decoded from UTF-8 on their own.
 */
import { defossilizeBytes } from './artifact-checks.ts';
import { latin1 } from './bytes.ts';
import { decodeLossless } from './utf8-lossless.ts';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** One character per byte: the UTF-8 decoding when that is pure ASCII, else Latin-1. */
function byteText(b: Uint8Array): { text: string; ascii: boolean } {
  try {
    const s = strictUtf8.decode(b);
    // Valid UTF-8 turns a multi-byte sequence into fewer code units than bytes.
    if (s.length === b.length) return { text: s, ascii: true };
  } catch {
    // not UTF-8: fall through
  }
  return { text: latin1(b), ascii: false };
}

/**
 * Finds a character in ranges of a text that mostly come in increasing order (tokens as a
 * parser reads them): it remembers where the next occurrence is, so each part of the text is
 * searched once rather than once per token.
 */
class NextOccurrence {
  /** Searched from here... */
  private from = 0;
  /** ...and found here (-1: nowhere after from). */
  private at: number;

  constructor(private readonly text: string, private readonly char: string) {
    this.at = text.indexOf(char);
  }

  within(start: number, end: number): boolean {
    if (start < this.from) {
      // Out of order (a second pass over the text): start over from here.
      this.at = this.text.indexOf(this.char, start);
    } else if (this.at !== -1 && this.at < start) {
      this.at = this.text.indexOf(this.char, start);
    }
    this.from = start;
    return this.at !== -1 && this.at < end;
  }
}

export class ArtifactText {
  /** One character per byte of bytes (see byteText). */
  readonly text: string;
  /** Whether every byte is ASCII, so that text slices are also the decoded values. */
  readonly ascii: boolean;
  private readonly nul: NextOccurrence;
  private readonly backslash: NextOccurrence;

  constructor(readonly bytes: Uint8Array) {
    ({ text: this.text, ascii: this.ascii } = byteText(bytes));
    this.nul = new NextOccurrence(this.text, '\0');
    this.backslash = new NextOccurrence(this.text, '\\');
  }

  /** Does [start, end) hold a NUL byte? */
  hasNul(start: number, end: number): boolean {
    return this.nul.within(start, end);
  }

  /** Does [start, end) hold a backslash (an escape)? */
  hasBackslash(start: number, end: number): boolean {
    return this.backslash.within(start, end);
  }

  /** Bytes [start, end) as one character per byte: exact for ASCII tokens such as hashes. */
  raw(start: number, end: number): string {
    return this.text.slice(start, end);
  }

  /** Bytes [start, end) decoded from UTF-8, losslessly. */
  str(start: number, end: number): string {
    return this.ascii ? this.text.slice(start, end) : decodeLossless(this.bytes, start, end);
  }

  /** A fossilized argument, unescaped and decoded. */
  unescaped(start: number, end: number): string {
    if (!this.hasBackslash(start, end)) return this.str(start, end);
    return decodeLossless(defossilizeBytes(this.bytes.subarray(start, end)));
  }

  /**
   * A fossilized argument unescaped, as one character per byte: compares as the bytes do, as
   * upstream's strcmp on them does.
   */
  unescapedRaw(start: number, end: number): string {
    if (!this.hasBackslash(start, end)) return this.text.slice(start, end);
    return latin1(defossilizeBytes(this.bytes.subarray(start, end)));
  }
}
