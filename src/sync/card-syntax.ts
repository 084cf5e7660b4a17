/**
 * Lexical rules of the xfer card language, shared by the parser and the writer so both sides
 * agree on what a token, a number and an artifact name are (blob.c blob_token/blob_is_int,
 * hname.c hname_validate).
 */
import { isHashNameLoose } from '../fossil/hash.ts';

/** Upstream keeps at most this many tokens of a card line (xfer.c aToken[6]); the rest is ignored. */
export const MAX_TOKENS = 6;

export const NEWLINE = 0x0a;
export const HASH_SIGN = 0x23; // '#', starts a comment line

/** fossil_isspace: space, \t, \n, \v, \f, \r. A CRLF line therefore tokenizes like an LF line. */
export function isSpaceByte(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** A token as a [start, end) byte range of the message, so nothing is copied until needed. */
export interface TokenRange {
  start: number;
  end: number;
}

/** Split bytes [start, end) on whitespace, keeping at most `max` tokens. */
export function tokenize(b: Uint8Array, start: number, end: number, max = MAX_TOKENS): TokenRange[] {
  const out: TokenRange[] = [];
  let i = start;
  while (out.length < max) {
    while (i < end && isSpaceByte(b[i]!)) i++;
    if (i >= end) break;
    const s = i;
    while (i < end && !isSpaceByte(b[i]!)) i++;
    out.push({ start: s, end: i });
  }
  return out;
}

/** Does the string contain any byte the tokenizer would split on? */
export function hasSpace(s: string): boolean {
  return /[ \t\n\v\f\r]/.test(s);
}

/**
 * A plain decimal as blob_is_int accepts it: digits only, no sign. Returns undefined for anything
 * else, including numbers too long to be exact in a double.
 */
export function parseDecimal(s: string): number | undefined {
  if (s.length === 0 || s.length > 15 || !/^[0-9]+$/.test(s)) return undefined;
  return Number(s);
}

/** An artifact name as received: 40 or 64 hex digits, either case; returned in lowercase. */
export function normalizeHashName(s: string): string | undefined {
  return isHashNameLoose(s) ? s.toLowerCase() : undefined;
}

/**
 * Which pragma arguments travel fossilized (xfer.c emits them with %F). Indexes count from the
 * first argument after the pragma name. Every other pragma argument is sent verbatim.
 */
const FOSSILIZED_PRAGMA_ARGS: ReadonlyMap<string, readonly number[]> = new Map([
  ['link', [0, 1]], // pragma link URL ARG MTIME
  ['ci-lock-fail', [0]], // pragma ci-lock-fail LOGIN MTIME
]);

export function isFossilizedPragmaArg(pragma: string, index: number): boolean {
  return FOSSILIZED_PRAGMA_ARGS.get(pragma)?.includes(index) ?? false;
}
