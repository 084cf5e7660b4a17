/**
 * Mutation fuzzing seeded with what fossil 2.21 really sent (../shared/vectors/fossil-2.21-xfer):
 * the artifacts, deltas and compressed blobs carried by the captured file/cfile cards, and the
 * card text re-encoded into envelopes. tests/unit/xfer-fuzz.test.ts already mutates the raw
 * capture bytes and fuzz.test.ts the decoders on a made-up corpus; here each decoder gets the
 * real payloads, mutated, and the whole path envelope -> cards -> blob -> delta -> artifact runs on
 * mutated card text. Every input must give a valid result or the decoder's own error class, within
 * a time bound and within the size limit it was given. FUZZ_RUNS scales the runs (CI: a few seconds).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArtifactError, parseArtifact } from '../../src/fossil/artifact.ts';
import { BlobFormatError, compressBlob, uncompressBlob } from '../../src/fossil/blob-codec.ts';
import { concat, utf8 } from '../../src/fossil/bytes.ts';
import { applyDelta, DeltaError, deltaOutputSize } from '../../src/fossil/delta.ts';
import { md5Hex, verifyHash } from '../../src/fossil/hash.ts';
import { CardParseError, readAllCards, type XferCard } from '../../src/sync/cards.ts';
import { decodeBody, encodeBody, EnvelopeError } from '../../src/sync/envelope.ts';
import { parseHttpMessage } from '../helpers/http-message.ts';
import { loadCaptures } from './xfer-vectors.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
/**
 * The bounded CI run uses a fixed seed, so its counts of accepted and refused inputs (checked
 * below, to show both kinds were met) are the same every time; a long run draws a fresh seed
 * (fast-check prints it with any failure).
 */
const SEEDED = process.env.FUZZ_RUNS ? {} : { seed: 20_261_121 };
/** Size limit handed to every decoder: mutated inputs must respect it whatever they claim. */
const LIMIT = 256 * 1024;

type ErrorClass = new (...a: never[]) => Error;

/** Run f; a throw must be one of the allowed classes with a message. */
function bounded<T>(f: () => T, allowed: readonly ErrorClass[]): T | undefined {
  try {
    return f();
  } catch (e) {
    if (!allowed.some((cls) => e instanceof cls)) throw new Error(`unexpected throw: ${String(e)}`, { cause: e });
    expect((e as Error).message.length).toBeGreaterThan(5);
    return undefined;
  }
}

// ----- the corpus: everything the captured messages carry -----------------------------------

const cards: XferCard[] = loadCaptures().flatMap((c) => {
  const m = parseHttpMessage(c.raw);
  return readAllCards(decodeBody(m.body, m.headers.get('content-type')!).text);
});
const texts: Uint8Array[] = loadCaptures().map((c) => {
  const m = parseHttpMessage(c.raw);
  return decodeBody(m.body, m.headers.get('content-type')!).text;
});
const payloadCards = cards.filter((c): c is Extract<XferCard, { kind: 'file' | 'cfile' }> => c.kind === 'file' || c.kind === 'cfile');

/** Full content by hash, expanding deltas once their source is known. */
const full = new Map<string, Uint8Array>();
/** Real deltas with the source they apply to and the artifact they produce. */
const deltas: { source: Uint8Array; delta: Uint8Array; target: Uint8Array }[] = [];
for (let pending = payloadCards, progress = true; pending.length > 0 && progress; ) {
  const next: typeof pending = [];
  for (const c of pending) {
    const inner = c.kind === 'cfile' ? uncompressBlob(c.payload) : c.payload;
    if (c.src === undefined) full.set(c.hash, inner);
    else if (full.has(c.src)) {
      const target = applyDelta(full.get(c.src)!, inner);
      full.set(c.hash, target);
      deltas.push({ source: full.get(c.src)!, delta: inner, target });
    } else next.push(c);
  }
  progress = next.length < pending.length;
  pending = next;
}
for (const [uuid, bytes] of full) if (!verifyHash(bytes, uuid)) throw new Error(`capture content does not hash to ${uuid}`);
/** Control artifacts (manifests, clusters, ...) among them. */
const artifacts = [...full.values()].filter((b) => {
  try {
    parseArtifact(b);
    return true;
  } catch {
    return false;
  }
});
/** Blobs in storage form: the cfile payloads as sent, and the full contents compressed. */
const blobs = [...payloadCards.filter((c) => c.kind === 'cfile').map((c) => c.payload), ...[...full.values()].map((b) => compressBlob(b))];

// ----- mutations -----------------------------------------------------------------------------

const TOKENS = ['\n', ' ', '\\s', '0', '-1', '4294967295', '99999999', 'Z ', 'F ', 'M ', 'P ', 'file ', 'cfile ', '@', ':', ';', ','].map(utf8);

type Mutation = (b: Uint8Array) => Uint8Array;
const pos = (b: Uint8Array, at: number) => (b.length === 0 ? 0 : at % (b.length + 1));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, v]): Mutation => (b) => {
    if (b.length === 0) return b;
    const c = b.slice();
    c[at % c.length] = v;
    return c;
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...TOKENS)).map(([at, t]): Mutation => (b) => concat([b.subarray(0, pos(b, at)), t, b.subarray(pos(b, at))])),
  fc.tuple(fc.nat(), fc.nat(80)).map(([at, n]): Mutation => (b) => concat([b.subarray(0, pos(b, at)), b.subarray(pos(b, at) + n)])),
  fc.nat().map((at): Mutation => (b) => b.subarray(0, pos(b, at))),
  fc.tuple(fc.nat(), fc.nat(400), fc.nat()).map(([from, n, to]): Mutation => (b) =>
    concat([b.subarray(0, pos(b, to)), b.subarray(pos(b, from), pos(b, from) + n), b.subarray(pos(b, to))])),
);
/** Rewrite the 4-byte size prefix of a blob or envelope: the lie a bomb tells. */
const sizePrefix: fc.Arbitrary<Mutation> = fc.oneof(fc.nat(), fc.constantFrom(0, 1, LIMIT, LIMIT + 1, 0x7fffffff, 0xffffffff))
  .map((n): Mutation => (b) => {
    if (b.length < 4) return b;
    const c = b.slice();
    new DataView(c.buffer, c.byteOffset).setUint32(0, n >>> 0);
    return c;
  });
const apply = (b: Uint8Array, ms: Mutation[]) => ms.reduce((x, m) => m(x), b);
const pick = <T>(list: readonly T[]) => fc.nat(list.length - 1).map((i) => list[i]!);

/** What each downstream decoder makes of one payload card; returns how far it got. */
function decodePayload(c: XferCard): 'refused' | 'decoded' {
  if (c.kind !== 'file' && c.kind !== 'cfile') return 'decoded';
  const inner = c.kind === 'cfile' ? bounded(() => uncompressBlob(c.payload, LIMIT), [BlobFormatError]) : c.payload;
  if (inner === undefined) return 'refused';
  if (inner.length > LIMIT) throw new Error(`a ${inner.length}-byte payload passed a limit of ${LIMIT}`);
  let content: Uint8Array | undefined = inner;
  if (c.src !== undefined) {
    const source = full.get(c.src) ?? new Uint8Array(0);
    content = bounded(() => applyDelta(source, inner, LIMIT), [DeltaError]);
    if (content === undefined) return 'refused';
    expect(content.length).toBeLessThanOrEqual(LIMIT);
  }
  return bounded(() => parseArtifact(content!), [ArtifactError]) ? 'decoded' : 'refused';
}

describe('fuzzing with the payloads of the real captures', () => {
  it('the captures give a corpus of every kind', () => {
    expect(artifacts.length).toBeGreaterThanOrEqual(5);
    expect(deltas.length).toBeGreaterThanOrEqual(2);
    expect(payloadCards.some((c) => c.kind === 'cfile')).toBe(true);
    expect(blobs.length).toBeGreaterThanOrEqual(10);
  });

  it('the artifact parser parses or throws ArtifactError on mutated real artifacts', () => {
    const seen = { parsed: 0, refused: 0 };
    fc.assert(
      fc.property(pick(artifacts), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (a, ms, fix) => {
        // With a recomputed Z card the mutation reaches the card checks behind the checksum.
        const input = fix ? withFreshZ(apply(withoutZ(a), ms)) : apply(a, ms);
        seen[bounded(() => parseArtifact(input), [ArtifactError]) ? 'parsed' : 'refused']++;
      }),
      { numRuns: RUNS * 2, ...SEEDED },
    );
    expect(seen.refused).toBeGreaterThan(0);
    expect(seen.parsed).toBeGreaterThan(0);
  });

  it('delta apply: a mutated real delta gives its declared size within the limit, or DeltaError', () => {
    fc.assert(
      fc.property(pick(deltas), fc.array(mutation, { minLength: 1, maxLength: 3 }), (d, ms) => {
        const delta = apply(d.delta, ms);
        const out = bounded(() => applyDelta(d.source, delta, LIMIT), [DeltaError]);
        if (out) {
          expect(out.length).toBe(deltaOutputSize(delta));
          expect(out.length).toBeLessThanOrEqual(LIMIT);
        }
      }),
      { numRuns: RUNS * 2, ...SEEDED },
    );
  });

  it('delta apply: a real delta on a mutated source gives the true target or DeltaError (the checksum)', () => {
    let caught = 0;
    fc.assert(
      fc.property(pick(deltas), fc.array(mutation, { minLength: 1, maxLength: 3 }), (d, ms) => {
        const out = bounded(() => applyDelta(apply(d.source, ms), d.delta, LIMIT), [DeltaError]);
        if (out === undefined) caught++;
        else expect(Buffer.from(out).equals(Buffer.from(d.target))).toBe(true);
      }),
      { numRuns: RUNS, ...SEEDED },
    );
    expect(caught).toBeGreaterThan(0);
  });

  it('blob decompression: mutated real blobs and lying size prefixes give exactly the claimed size within the limit, or BlobFormatError', () => {
    let ok = 0;
    fc.assert(
      fc.property(pick(blobs), fc.array(fc.oneof(mutation, sizePrefix), { minLength: 1, maxLength: 3 }), (b, ms) => {
        const blob = apply(b, ms);
        const out = bounded(() => uncompressBlob(blob, LIMIT), [BlobFormatError]);
        if (out) {
          ok++;
          expect(out.length).toBe(new DataView(blob.buffer, blob.byteOffset).getUint32(0));
          expect(out.length).toBeLessThanOrEqual(LIMIT);
        }
      }),
      { numRuns: RUNS * 2, ...SEEDED },
    );
    expect(ok).toBeGreaterThan(0);
  });

  it('a decompression bomb (16 MiB of zeros in a few KiB) is refused without inflating it', () => {
    const bomb = compressBlob(new Uint8Array(16 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(32 * 1024);
    bounded(() => expect(() => uncompressBlob(bomb, LIMIT)).toThrow(BlobFormatError), []);
    // Claiming a small size does not help: the stream holds more than it claims.
    const liar = sizePrefixTo(bomb, 100);
    bounded(() => expect(() => uncompressBlob(liar, LIMIT)).toThrow(BlobFormatError), []);
    bounded(() => {
      const d = decodeBody(liar, 'application/x-fossil', { maxSize: LIMIT });
      expect(d.text.length).toBeLessThanOrEqual(LIMIT);
    }, [EnvelopeError]);
  });

  it('the whole path: mutated card text in a re-encoded envelope decodes, parses and expands, or is refused by one of the decoders', () => {
    const seen = { envelope: 0, cards: 0, payload: 0, decoded: 0 };
    fc.assert(
      fc.property(
        pick(texts),
        fc.array(mutation, { minLength: 1, maxLength: 5 }),
        fc.option(sizePrefix, { nil: undefined }),
        (text, ms, prefix) => {
          let body = encodeBody(apply(text, ms), 'application/x-fossil');
          if (prefix) body = prefix(body);
          const decoded = bounded(() => decodeBody(body, 'application/x-fossil', { maxSize: LIMIT }), [EnvelopeError]);
          if (!decoded) return void seen.envelope++;
          expect(decoded.text.length).toBeLessThanOrEqual(LIMIT);
          const parsed = bounded(() => readAllCards(decoded.text, { maxPayloadSize: LIMIT }), [CardParseError]);
          if (!parsed) return void seen.cards++;
          for (const c of parsed) {
            if ((c.kind === 'file' || c.kind === 'cfile') && c.payload.length > LIMIT) throw new Error('payload over the limit');
          }
          seen[parsed.map(decodePayload).includes('refused') ? 'payload' : 'decoded']++;
        },
      ),
      { numRuns: RUNS * 2, ...SEEDED },
    );
    // Every stage must have had its turn, or the property proves little.
    for (const [stage, n] of Object.entries(seen)) expect(n, stage).toBeGreaterThan(0);
  });
});

function withoutZ(b: Uint8Array): Uint8Array {
  const n = b.length;
  return n >= 35 && b[n - 35] === 0x5a && b[n - 34] === 0x20 ? b.subarray(0, n - 35) : b;
}

function withFreshZ(body: Uint8Array): Uint8Array {
  return concat([body, utf8(`Z ${md5Hex(body)}\n`)]);
}

function sizePrefixTo(b: Uint8Array, n: number): Uint8Array {
  const c = b.slice();
  new DataView(c.buffer, c.byteOffset).setUint32(0, n);
  return c;
}
