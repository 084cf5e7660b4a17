/**
 * Streaming parser of an xfer message (the uncompressed card text) into typed cards.
 *
 * It works line by line on the bytes and never decodes the whole message as a string: payloads
 * are binary and may be large. Nothing in the message is trusted: sizes are checked against the
 * bytes that are really there and against the caller's limits before anything is taken, and every
 * problem is reported as a CardParseError naming the card and the line.
 *
 * Known card names with a malformed line (wrong argument count, a size that is not a number, a
 * bad artifact name) are errors here, where upstream would treat them as unknown cards; both end
 * the exchange, and the error says why.
 */
import { latin1 } from '../fossil/bytes.ts';
import { defossilize } from '../fossil/fossilize.ts';
import type { CardLimits } from './card-limits.ts';
import { DEFAULT_CARD_LIMITS } from './card-limits.ts';
import {
  HASH_SIGN,
  NEWLINE,
  isFossilizedPragmaArg,
  normalizeHashName,
  parseDecimal,
  tokenize,
  type TokenRange,
} from './card-syntax.ts';
import type { XferCard } from './card-types.ts';

// Tokens are decoded as they are: a leading byte-order mark is kept, so that no token can turn
// into a different (e.g. known) card name when written back.
const utf8Lenient = new TextDecoder('utf-8', { ignoreBOM: true });
const utf8Strict = new TextDecoder('utf-8', { ignoreBOM: true, fatal: true });
const text = (b: Uint8Array): string => utf8Lenient.decode(b);

export class CardParseError extends Error {
  override name = 'CardParseError';
  constructor(
    message: string,
    /** The card name, when the problem belongs to one card. */
    readonly card: string | undefined,
    /** 1-based physical line of the message. */
    readonly line: number,
  ) {
    super(message);
  }
}

/** Show a token in an error message without flooding it. */
function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
}

function countNewlines(b: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = b.indexOf(NEWLINE, start); i >= 0 && i < end; i = b.indexOf(NEWLINE, i + 1)) n++;
  return n;
}

/** One card line being interpreted: its tokens and how to read them, with errors that name it. */
class CardLine {
  constructor(
    private readonly msg: Uint8Array,
    readonly name: string,
    private readonly tokens: readonly TokenRange[],
    readonly line: number,
  ) {}

  get argCount(): number {
    return this.tokens.length - 1;
  }

  fail(detail: string): never {
    throw new CardParseError(`${this.name} card (line ${this.line}): ${detail}`, this.name, this.line);
  }

  expectArgs(min: number, max = min): void {
    const n = this.argCount;
    if (n >= min && n <= max) return;
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    const last = max === Infinity ? min : max;
    this.fail(`expects ${want} argument${last === 1 ? '' : 's'}, got ${n}`);
  }

  private range(i: number): Uint8Array {
    const t = this.tokens[i]!;
    return this.msg.subarray(t.start, t.end);
  }

  /** A token known to be ASCII (names, numbers, hex); one char per byte, lossless. */
  ascii(i: number): string {
    const t = this.tokens[i]!;
    return latin1(this.msg, t.start, t.end);
  }

  /** A text token (user names, config names, codes), decoded as UTF-8. */
  text(i: number): string {
    return text(this.range(i));
  }

  /** A fossilized text token, decoded. */
  fossilized(i: number): string {
    return defossilize(this.text(i));
  }

  /** A file name, which upstream requires to be valid UTF-8. */
  fileName(i: number): string {
    try {
      return utf8Strict.decode(this.range(i));
    } catch {
      return this.fail(`name ${quote(this.text(i))} is not valid UTF-8`);
    }
  }

  number(i: number, what: string): number {
    const s = this.ascii(i);
    const n = parseDecimal(s);
    return n ?? this.fail(`${what} ${quote(s)} is not a decimal number`);
  }

  hash(i: number, what: string): string {
    const s = this.ascii(i);
    return normalizeHashName(s) ?? this.fail(`${what} ${quote(s)} is not a 40 or 64 digit hex artifact name`);
  }

  /** A hash that may be `-`, which the unversioned cards use for a deleted file. */
  hashOrDash(i: number, what: string): string | null {
    return this.ascii(i) === '-' ? null : this.hash(i, what);
  }
}

/**
 * Reads cards one at a time from a whole message held in memory. Payloads are views into the
 * message, not copies.
 */
export class CardReader {
  private pos = 0;
  private line = 1;
  private cards = 0;
  private afterPayload = false;
  private readonly limits: CardLimits;

  constructor(
    private readonly msg: Uint8Array,
    limits: Partial<CardLimits> = {},
  ) {
    this.limits = { ...DEFAULT_CARD_LIMITS, ...limits };
  }

  /** Byte offset of the next unread line. */
  get position(): number {
    return this.pos;
  }

  /** The next card, or undefined at the end of the message. */
  next(): XferCard | undefined {
    const { msg, limits } = this;
    if (this.pos >= msg.length) return undefined;
    const offset = this.pos;
    const line = this.line;
    if (++this.cards > limits.maxCards) {
      throw new CardParseError(`message has more than ${limits.maxCards} cards (line ${line})`, undefined, line);
    }
    const nl = msg.indexOf(NEWLINE, offset);
    const lineEnd = nl < 0 ? msg.length : nl;
    if (lineEnd - offset > limits.maxLineLength) {
      throw new CardParseError(
        `line ${line} is longer than ${limits.maxLineLength} bytes`,
        undefined,
        line,
      );
    }
    this.pos = nl < 0 ? msg.length : nl + 1;
    if (nl >= 0) this.line++;
    const afterPayload = this.afterPayload;
    this.afterPayload = false;

    if (msg[offset] === HASH_SIGN) return { kind: 'comment', line, offset, text: this.commentText(offset + 1, lineEnd) };
    const tokens = tokenize(msg, offset, lineEnd);
    if (tokens.length === 0) return { kind: 'blank', line, offset, afterPayload };
    const first = tokens[0]!;
    const card = new CardLine(msg, latin1(msg, first.start, first.end), tokens, line);
    return this.interpret(card, offset);
  }

  private commentText(start: number, end: number): string {
    if (end > start && this.msg[end - 1] === 0x0d) end--;
    if (start < end && this.msg[start] === 0x20) start++;
    return text(this.msg.subarray(start, end));
  }

  /** Take `size` payload bytes that follow the card line. */
  private take(card: CardLine, size: number): Uint8Array {
    if (size > this.limits.maxPayloadSize) {
      card.fail(`payload of ${size} bytes is over the limit of ${this.limits.maxPayloadSize}`);
    }
    const left = this.msg.length - this.pos;
    if (size > left) {
      throw new CardParseError(
        `truncated ${card.name} card (line ${card.line}): needs ${size} bytes, ${left} left`,
        card.name,
        card.line,
      );
    }
    const payload = this.msg.subarray(this.pos, this.pos + size);
    this.line += countNewlines(this.msg, this.pos, this.pos + size);
    this.pos += size;
    this.afterPayload = true;
    return payload;
  }

  private interpret(c: CardLine, offset: number): XferCard {
    const base = { line: c.line, offset };
    switch (c.name) {
      case 'file': {
        c.expectArgs(2, 3);
        const hash = c.hash(1, 'hash');
        const src = c.argCount === 3 ? c.hash(2, 'delta source') : undefined;
        const size = c.number(c.argCount, 'size');
        const payload = this.take(c, size);
        return src === undefined
          ? { kind: 'file', ...base, hash, size, payload }
          : { kind: 'file', ...base, hash, src, size, payload };
      }
      case 'cfile': {
        c.expectArgs(3, 4);
        const hash = c.hash(1, 'hash');
        const src = c.argCount === 4 ? c.hash(2, 'delta source') : undefined;
        const usize = c.number(c.argCount - 1, 'uncompressed size');
        const csize = c.number(c.argCount, 'compressed size');
        const payload = this.take(c, csize);
        return src === undefined
          ? { kind: 'cfile', ...base, hash, usize, csize, payload }
          : { kind: 'cfile', ...base, hash, src, usize, csize, payload };
      }
      case 'config': {
        c.expectArgs(2);
        const name = c.text(1);
        const size = c.number(2, 'size');
        const payload = this.take(c, size);
        this.skipConfigNewline(c);
        return { kind: 'config', ...base, name, size, payload };
      }
      case 'uvfile': {
        c.expectArgs(5);
        const name = c.fileName(1);
        const mtime = c.number(2, 'mtime');
        const hash = c.hashOrDash(3, 'hash');
        const size = c.number(4, 'size');
        const flags = c.number(5, 'flags');
        // Deleted (1) and content-omitted (4) records carry no payload even when SIZE > 0.
        if (size > 0 && (flags & 5) === 0) {
          const payload = this.take(c, size);
          return { kind: 'uvfile', ...base, name, mtime, hash, size, flags, payload };
        }
        return { kind: 'uvfile', ...base, name, mtime, hash, size, flags };
      }
      case 'uvigot':
        c.expectArgs(4);
        return {
          kind: 'uvigot',
          ...base,
          name: c.fileName(1),
          mtime: c.number(2, 'mtime'),
          hash: c.hashOrDash(3, 'hash'),
          size: c.number(4, 'size'),
        };
      case 'uvgimme':
        c.expectArgs(1);
        return { kind: 'uvgimme', ...base, name: c.fileName(1) };
      case 'igot':
        // Upstream ignores anything after the private flag, so extra arguments are allowed.
        c.expectArgs(1, Infinity);
        return { kind: 'igot', ...base, hash: c.hash(1, 'hash'), isPrivate: c.argCount >= 2 && c.ascii(2) === '1' };
      case 'gimme':
        c.expectArgs(1);
        return { kind: 'gimme', ...base, hash: c.hash(1, 'hash') };
      case 'login':
        c.expectArgs(3);
        return {
          kind: 'login',
          ...base,
          user: c.fossilized(1),
          // Not validated here: a malformed nonce or signature is a failed login, not a bad card.
          nonce: c.text(2),
          signature: c.text(3),
          tailOffset: this.pos,
        };
      case 'pragma': {
        c.expectArgs(1, Infinity);
        const name = c.text(1);
        const args: string[] = [];
        for (let i = 2; i <= c.argCount; i++) {
          args.push(isFossilizedPragmaArg(name, i - 2) ? c.fossilized(i) : c.text(i));
        }
        return { kind: 'pragma', ...base, name, args };
      }
      case 'push':
      case 'pull': {
        c.expectArgs(2);
        const projectCode = c.ascii(2);
        if (normalizeHashName(projectCode) === undefined) {
          c.fail(`project code ${quote(projectCode)} is not a 40 or 64 digit hex code`);
        }
        return { kind: c.name, ...base, serverCode: c.text(1), projectCode };
      }
      case 'clone':
        c.expectArgs(0, 2);
        if (c.argCount === 1) c.fail('expects no arguments or PROTOCOL SEQNO, got 1 argument');
        if (c.argCount === 0) return { kind: 'clone', ...base };
        return { kind: 'clone', ...base, protocol: c.number(1, 'protocol'), seqno: c.number(2, 'sequence number') };
      case 'clone_seqno':
        c.expectArgs(1);
        return { kind: 'clone_seqno', ...base, seqno: c.number(1, 'sequence number') };
      case 'cookie':
        c.expectArgs(1);
        return { kind: 'cookie', ...base, value: c.text(1) };
      case 'reqconfig':
        c.expectArgs(1);
        return { kind: 'reqconfig', ...base, name: c.text(1) };
      case 'private':
        c.expectArgs(0);
        return { kind: 'private', ...base };
      case 'message':
      case 'error':
        c.expectArgs(1);
        return { kind: c.name, ...base, text: c.fossilized(1) };
      default: {
        const args: string[] = [];
        for (let i = 1; i <= c.argCount; i++) args.push(c.text(i));
        return { kind: 'unknown', ...base, name: c.text(0), args };
      }
    }
  }

  /** A config payload is followed by one `\n` that its size does not count (configure.c). */
  private skipConfigNewline(c: CardLine): void {
    if (this.pos >= this.msg.length) return;
    if (this.msg[this.pos] !== NEWLINE) c.fail('payload is not followed by a newline');
    this.pos++;
    this.line++;
  }
}

/** Iterate over the cards of a message. */
export function* parseCards(msg: Uint8Array, limits: Partial<CardLimits> = {}): Generator<XferCard, void, undefined> {
  const reader = new CardReader(msg, limits);
  for (let card = reader.next(); card !== undefined; card = reader.next()) yield card;
}

/** All cards of a message, or the first error. */
export function readAllCards(msg: Uint8Array, limits: Partial<CardLimits> = {}): XferCard[] {
  return [...parseCards(msg, limits)];
}
