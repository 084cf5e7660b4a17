/**
 * How `fossil search` matches and scores a pattern against a comment (search.c: search_init,
 * search_match), ported so that the set it returns here is the set fossil returns.
 *
 * A word is a run of ASCII letters, digits and `_`, and of any byte from 0x80 up (so any
 * non-ASCII character); everything else separates words. The pattern's first 8 words are its
 * terms. A term matches a word of the text that equals it, ignoring ASCII case; a term followed
 * by `*` in the pattern matches a word that starts with it. Every term must match somewhere, or
 * the text does not match at all. The score multiplies, per term, the longest run of terms that
 * matched consecutive words ending at that term; fossil's `search` command (without `-a`) then
 * keeps only the matches scoring above a third of the best one.
 */

/** fossil's SEARCH_MAX_TERM: words of the pattern after the 8th are ignored. */
const MAX_TERMS = 8;

export interface SearchTerm {
  /** The term as typed (fossil compares it ignoring ASCII case). */
  text: string;
  /** Followed by `*` in the pattern: matches words that start with it. */
  prefix: boolean;
}

/** Words as fossil separates them: runs of [A-Za-z0-9_] and of non-ASCII characters. */
const WORD = /[A-Za-z0-9_\u0080-\u{10FFFF}]+/gu;

export function searchTerms(pattern: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  for (const m of pattern.matchAll(WORD)) {
    if (terms.length >= MAX_TERMS) break;
    terms.push({ text: m[0], prefix: pattern[m.index + m[0].length] === '*' });
  }
  return terms;
}

const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/**
 * fossil's score of TEXT for the terms (0: some term is missing). The terms are tried in order
 * at each word and the first that matches counts, as in search_match.
 */
export function searchScore(terms: SearchTerm[], text: string): number {
  if (!terms.length) return 0;
  const lowered = terms.map((t) => asciiLower(t.text));
  const best = terms.map(() => 0);
  const wordIdx = terms.map(() => -1);
  // fossil counts one word for the start of the document before its first word.
  let iWord = 1;
  for (const m of text.matchAll(WORD)) {
    iWord++;
    const word = asciiLower(m[0]);
    for (let j = 0; j < terms.length; j++) {
      const t = lowered[j]!;
      if (word === t || (terms[j]!.prefix && word.startsWith(t))) {
        wordIdx[j] = iWord;
        let k = 1;
        while (j - k >= 0 && best[j - k]! > 0 && wordIdx[j - k] === iWord - k) k++;
        for (let ii = 0; ii < k; ii++) if (best[j - ii]! < k) best[j - ii] = k;
        break;
      }
    }
  }
  return best.reduce((a, b) => a * b, 1);
}

/** The FTS5 query (for the index's `ascii` tokenizer) that finds the texts holding every term. */
export function ftsQuery(terms: SearchTerm[]): string {
  return terms.map((t) => `"${t.text}"${t.prefix ? ' *' : ''}`).join(' AND ');
}

/**
 * Whether fossil's score can be had from phrase matches alone, without the text: no term is a
 * prefix term and no two are the same word, so a word matches at most one term. Then each run
 * of consecutive terms fossil counts (search_match) is exactly an occurrence of those terms as a
 * phrase, and phraseScore gives the score searchScore gives.
 */
export function scoresFromPhrases(terms: SearchTerm[]): boolean {
  const words = terms.map((t) => asciiLower(t.text));
  return terms.every((t) => !t.prefix) && new Set(words).size === words.length;
}

/** The FTS5 phrase of terms FROM..TO (inclusive), for the index's tokenizer. */
export function ftsPhrase(terms: SearchTerm[], from: number, to: number): string {
  return `"${terms.slice(from, to + 1).map((t) => t.text).join(' ')}"`;
}

/**
 * fossil's score of a text holding all N terms, from the runs of consecutive terms (FROM, TO)
 * that occur in it as phrases: each term counts the longest such run it is part of (1 alone).
 */
export function phraseScore(n: number, runs: Iterable<readonly [number, number]>): number {
  const best = new Array<number>(n).fill(1);
  for (const [from, to] of runs) for (let i = from; i <= to; i++) best[i] = Math.max(best[i]!, to - from + 1);
  return best.reduce((a, b) => a * b, 1);
}
