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
 *
 * The decoded string is kept only while the text is among the few decoded last, and decoded again
 * when used after that (see RecentTexts). A parsed check-in stays in the crosslinker's cache long
 * enough for the engine's young generation to copy its text twice and move it to the old one, to
 * die there: a clone of the 60k-artifact history moved 1.36 GB that way, and its scavenges took
 * 4.5 s instead of 1.5. Decoding 60 KB again costs microseconds. For the same reason every string
 * handed out here is a copy of its own, never a slice that would keep the whole text alive
 * (standaloneString).
 */
import { defossilizeBytes } from './artifact-checks.ts';
import { latin1, standaloneString } from './bytes.ts';
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

/**
 * The texts decoded last, which keep their strings; decoding one more releases the string of the
 * one used least recently. Four covers a check-in, its parent, the reference it was parsed
 * against and one more. Held strongly (a WeakRef's target stays alive until the running job
 * ends, and a rebuild is one job: it kept every manifest it parsed), so whoever parses in bulk
 * lets them go when done (releaseDecodedTexts), as the crosslinker does at the end of a session.
 */
class RecentTexts {
  private readonly texts: ArtifactText[] = [];

  constructor(private readonly size: number) {}

  /** t has just been decoded or used. */
  touch(t: ArtifactText): void {
    if (this.texts[this.texts.length - 1] === t) return;
    const i = this.texts.indexOf(t);
    if (i >= 0) this.texts.splice(i, 1);
    this.texts.push(t);
    if (this.texts.length > this.size) this.texts.shift()!.release();
  }

  clear(): void {
    for (const t of this.texts) t.release();
    this.texts.length = 0;
  }
}

const recent = new RecentTexts(4);

/** Let go of the texts decoded last, and their strings: nothing here then keeps an artifact alive. */
export function releaseDecodedTexts(): void {
  recent.clear();
}

/** Strings shorter than this are copies already when sliced (the engine slices only longer ones). */
const SLICED_FROM = 13;

/** s[start, end) as a string of its own (see the top of this file). */
function standaloneSlice(s: string, start: number, end: number): string {
  const slice = s.slice(start, end);
  return end - start < SLICED_FROM ? slice : standaloneString(slice);
}

export class ArtifactText {
  private decoded: string | undefined;
  private isAscii: boolean | undefined;
  private nulAt: NextOccurrence | undefined;
  private backslashAt: NextOccurrence | undefined;

  constructor(readonly bytes: Uint8Array) {}

  /** One character per byte of bytes (see byteText), decoded again if it was released. */
  get text(): string {
    if (this.decoded === undefined) {
      const { text, ascii } = byteText(this.bytes);
      this.decoded = text;
      this.isAscii = ascii;
    }
    recent.touch(this);
    return this.decoded;
  }

  /** Whether every byte is ASCII, so that text slices are also the decoded values. */
  get ascii(): boolean {
    // Known once the text has been decoded (and kept after its string is let go).
    if (this.isAscii === undefined) void this.text;
    return this.isAscii!;
  }

  /** Whether the decoded string is held now (for tests and diagnostics). */
  get holdsText(): boolean {
    return this.decoded !== undefined;
  }

  /** Let the string go (it is decoded again when next used); called as others are decoded. */
  release(): void {
    this.decoded = undefined;
    this.nulAt = undefined;
    this.backslashAt = undefined;
  }

  /** Does [start, end) hold a NUL byte? */
  hasNul(start: number, end: number): boolean {
    const text = this.text;
    return (this.nulAt ??= new NextOccurrence(text, '\0')).within(start, end);
  }

  /** Does [start, end) hold a backslash (an escape)? */
  hasBackslash(start: number, end: number): boolean {
    const text = this.text;
    return (this.backslashAt ??= new NextOccurrence(text, '\\')).within(start, end);
  }

  /** Bytes [start, end) as one character per byte: exact for ASCII tokens such as hashes. */
  raw(start: number, end: number): string {
    return standaloneSlice(this.text, start, end);
  }

  /** Bytes [start, end) decoded from UTF-8, losslessly. */
  str(start: number, end: number): string {
    return this.ascii ? standaloneSlice(this.text, start, end) : decodeLossless(this.bytes, start, end);
  }

  /** A fossilized argument, unescaped and decoded. */
  unescaped(start: number, end: number): string {
    if (!this.hasBackslash(start, end)) return this.str(start, end);
    return decodeLossless(defossilizeBytes(this.bytes.subarray(start, end)));
  }

  /**
   * A fossilized argument unescaped, as one character per byte: compares as the bytes do, as
   * upstream's strcmp on them does. A slice of the text: for comparing, not for keeping.
   */
  unescapedRaw(start: number, end: number): string {
    if (!this.hasBackslash(start, end)) return this.text.slice(start, end);
    return latin1(defossilizeBytes(this.bytes.subarray(start, end)));
  }
}
