/**
 * The two pieces of fossil's printf that show up in generated timeline comments: `%h` (HTML
 * escaping) and `%S`/`%!S` (a hash shortened to the repository's `hash-digits`). The comments are
 * stored in the event table, so they must come out byte-for-byte as fossil writes them.
 */
import type { Db } from '../../db/db.ts';

const HTML_ESCAPES: Record<string, string> = {
  '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;',
};

/** `%h`: escape the five HTML-significant characters. Text after a NUL is dropped, as in C. */
export function escapeHtml(s: string | null | undefined): string {
  if (!s) return '';
  const nul = s.indexOf('\0');
  if (nul >= 0) s = s.slice(0, nul);
  return s.replace(/[<>&"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Upstream's defaults for how many hash digits to show to people and to put in URLs. */
const DEFAULT_HASH_DIGITS = 10;
const DEFAULT_HASH_DIGITS_URL = 16;
const MAX_HASH_LENGTH = 64;

export interface HashDigits {
  /** Length of a `%S` hash. */
  human: number;
  /** Length of a `%!S` hash. */
  url: number;
}

/** The `hash-digits` setting turned into the two lengths fossil's printf uses. */
export function readHashDigits(db: Db): HashDigits {
  const raw = db.value<string | number>("SELECT value FROM config WHERE name='hash-digits'");
  let human = raw === undefined || raw === null ? DEFAULT_HASH_DIGITS : Number.parseInt(String(raw), 10) || 0;
  human = Math.min(Math.max(human, 6), MAX_HASH_LENGTH);
  const url = Math.min(Math.max(human + 6, DEFAULT_HASH_DIGITS_URL), MAX_HASH_LENGTH);
  return { human, url };
}

/** `[%!S|%S]`: the hyperlink-with-short-label form fossil uses for artifacts in comments. */
export function hashLink(hash: string, digits: HashDigits): string {
  return `[${hash.slice(0, digits.url)}|${hash.slice(0, digits.human)}]`;
}
