// Property tests on mutated captures: the message layer either decodes or throws its own error
// class (never a TypeError, RangeError or a non-Error), always finishes quickly, and whatever it
// decodes writes back to text that decodes to the same cards.
// FUZZ_RUNS sets the number of runs per property (default kept small for CI).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concat, utf8 } from '../../src/fossil/bytes.ts';
import { CardParseError, CardWriter, CardWriterError, readAllCards, type XferCard } from '../../src/sync/cards.ts';
import { EnvelopeError, decodeBody } from '../../src/sync/envelope.ts';
import { HttpMessageError, parseHttpMessage } from '../helpers/http-message.ts';
import { loadCaptures } from './xfer-vectors.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const captures = loadCaptures();
const bodies = captures.map((c) => parseHttpMessage(c.raw));
const texts = bodies.map((m) => decodeBody(m.body, m.headers.get('content-type')!).text);

const TOKENS = [
  '\n', '\r\n', ' ', '\t', '#', '\\', '\\s', 'file ', 'cfile ', 'config ', 'uvfile ', 'igot ', 'gimme ', 'login ',
  'pragma ', 'push ', 'clone ', 'private\n', '0', '1', '5', '-', '-1', '99999999', '4294967295', '1e3', 'a'.repeat(40),
  'B'.repeat(64), '\xef\xbb\xbf', '\0',
].map((t) => (t === '\xef\xbb\xbf' ? new Uint8Array([0xef, 0xbb, 0xbf]) : utf8(t)));

type Mutation =
  | { op: 'set'; at: number; value: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; len: number }
  | { op: 'truncate'; at: number }
  | { op: 'duplicate'; from: number; len: number; to: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 12 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.constantFrom(...TOKENS) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.nat(64) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicate' as const), from: fc.nat(), len: fc.nat(300), to: fc.nat() }),
);

/** Edits of the 4-byte size prefix only, which leave the zlib stream intact. */
const sizePrefixEdit: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constant('set' as const),
  at: fc.nat(3),
  value: fc.integer({ min: 0, max: 255 }),
});

function mutate(input: Uint8Array, mutations: Mutation[]): Uint8Array {
  let b = input;
  for (const m of mutations) {
    const at = (p: number) => (b.length === 0 ? 0 : p % (b.length + 1));
    switch (m.op) {
      case 'set':
        if (b.length > 0) {
          b = b.slice();
          b[m.at % b.length] = m.value;
        }
        break;
      case 'insert':
        b = concat([b.subarray(0, at(m.at)), m.bytes, b.subarray(at(m.at))]);
        break;
      case 'delete':
        b = concat([b.subarray(0, at(m.at)), b.subarray(at(m.at) + m.len)]);
        break;
      case 'truncate':
        b = b.subarray(0, at(m.at));
        break;
      case 'duplicate': {
        const from = at(m.from);
        b = concat([b.subarray(0, at(m.to)), b.subarray(from, from + m.len), b.subarray(at(m.to))]);
        break;
      }
    }
  }
  return b;
}

const pick = <T>(list: readonly T[]) => fc.nat(list.length - 1).map((i) => list[i]!);

/** Run f, require it to fail only with one of the allowed error classes. */
function bounded<T>(f: () => T, allowed: readonly (new (...a: never[]) => Error)[]): T | undefined {
  try {
    return f();
  } catch (e) {
    if (!allowed.some((cls) => e instanceof cls)) throw new Error(`unexpected throw: ${String(e)}`, { cause: e });
    return undefined;
  }
}

const withoutPosition = (cards: XferCard[]) =>
  cards.filter((c) => c.kind !== 'blank').map(({ line: _l, offset: _o, ...rest }) => ('tailOffset' in rest ? { ...rest, tailOffset: 0 } : rest));

describe('fuzzing the message layer with mutated captures', () => {
  it('the card parser decodes or throws CardParseError, and what it decodes round-trips', () => {
    const outcomes = { decoded: 0, refused: 0 };
    fc.assert(
      fc.property(pick(texts), fc.array(mutation, { minLength: 1, maxLength: 6 }), (text, ms) => {
        const msg = mutate(text, ms);
        const cards = bounded(() => readAllCards(msg), [CardParseError]);
        outcomes[cards === undefined ? 'refused' : 'decoded']++;
        if (cards === undefined) return;
        const w = new CardWriter();
        // The writer may refuse only an unknown card it cannot reproduce (a `#` name not in column 0).
        const refusable = cards.some((c) => c.kind === 'unknown') ? [CardWriterError] : [];
        const written = bounded(() => {
          for (const c of cards) w.card(c);
          return w.finish();
        }, refusable);
        if (written) expect(withoutPosition(readAllCards(written))).toEqual(withoutPosition(cards));
      }),
      { numRuns: RUNS },
    );
    // Both branches must be exercised, or the property says little.
    expect(outcomes.decoded).toBeGreaterThan(RUNS / 20);
    expect(outcomes.refused).toBeGreaterThan(RUNS / 20);
  });

  it('the envelope decodes or throws EnvelopeError, within its size bound', () => {
    const outcomes = { inflated: 0, plain: 0 };
    const envelopes = bodies.filter((m) => m.headers.get('content-type') === 'application/x-fossil').map((m) => m.body);
    fc.assert(
      fc.property(pick(envelopes), fc.array(fc.oneof(mutation, sizePrefixEdit), { maxLength: 4 }), (body, ms) => {
        const maxSize = 64 * 1024;
        const d = bounded(() => decodeBody(mutate(body, ms), 'application/x-fossil', { maxSize }), [EnvelopeError]);
        if (d) expect(d.text.length).toBeLessThanOrEqual(maxSize);
        if (d) outcomes[d.compressed ? 'inflated' : 'plain']++;
      }),
      { numRuns: RUNS },
    );
    expect(outcomes.inflated).toBeGreaterThan(0);
    expect(outcomes.plain).toBeGreaterThan(0);
  });

  it('the HTTP parser parses or throws HttpMessageError', () => {
    fc.assert(
      fc.property(pick(captures.map((c) => c.raw)), fc.array(mutation, { minLength: 1, maxLength: 4 }), (raw, ms) => {
        bounded(() => parseHttpMessage(mutate(raw, ms)), [HttpMessageError]);
      }),
      { numRuns: RUNS },
    );
  });

  it('pathological messages finish quickly', () => {
    const big = 4 * 1024 * 1024;
    const cases = [
      new Uint8Array(big).fill(0x0a), // four million blank lines: stopped by maxCards
      new Uint8Array(big).fill(0x20), // one line of spaces: stopped by maxLineLength
      new Uint8Array(big).fill(0x61), // one huge token
      utf8(`file ${'a'.repeat(40)} ${big}\n`), // a size claiming more than is there
      utf8(`igot ${'a'.repeat(40)}\n`.repeat(50_000)),
    ];
    for (const msg of cases) bounded(() => readAllCards(msg), [CardParseError]);
  });
});
