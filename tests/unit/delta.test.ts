import { afterAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import {
  applyDelta, createDelta, deltaChecksum, deltaOutputSize, DeltaError, deltaReproduces, encodeDeltaInt,
} from '../../src/fossil/delta.ts';
import { utf8, concat } from '../../src/fossil/bytes.ts';
import { haveTool, tempDir } from '../helpers/tools.ts';
import { fossilDeltaApply, fossilDeltaCreate } from '../helpers/fossil-delta.ts';
import { editBytes, editText, generatedPairs, randomBytes, randomText, rng } from '../helpers/edits.ts';
import { haveMirror, versionPairs } from '../helpers/source-history.ts';
import { expectSameBytes } from '../helpers/bytes-expect.ts';

const hasFossil = haveTool('fossil');
const tmp = tempDir('edgesync-delta-');
afterAll(() => tmp.cleanup());

const d = (s: string) => utf8(s);

describe('delta integers and checksum', () => {
  it('writes base-64 digits most significant first', () => {
    expect(encodeDeltaInt(0)).toBe('0');
    expect(encodeDeltaInt(63)).toBe('~');
    expect(encodeDeltaInt(64)).toBe('10');
    expect(encodeDeltaInt(1000000)).toBe('3p90');
    expect(encodeDeltaInt(0xffffffff)).toBe('3~~~~~');
  });
  it('sums big-endian words with the tail zero-padded, modulo 2^32', () => {
    expect(deltaChecksum(new Uint8Array(0))).toBe(0);
    expect(deltaChecksum(Uint8Array.of(1, 2, 3, 4))).toBe(0x01020304);
    expect(deltaChecksum(Uint8Array.of(1, 2, 3, 4, 5))).toBe(0x01020304 + 0x05000000);
    expect(deltaChecksum(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2))).toBe(1);
  });
  it('gives the bytewise sum for any length and alignment, all bytes 0xff included', () => {
    const bytewise = (b: Uint8Array) => {
      let sum = 0;
      for (let i = 0; i < b.length; i++) sum = (sum + b[i]! * 2 ** (24 - 8 * (i % 4))) % 2 ** 32;
      return sum;
    };
    const next = rng(7);
    const big = new Uint8Array(70_000 + 11);
    for (let i = 0; i < big.length; i++) big[i] = next() < 0.3 ? 0xff : Math.floor(next() * 256);
    for (const len of [0, 1, 3, 4, 5, 15, 16, 17, 1023, 1024, 1025, 4099, 70_000]) {
      for (const offset of [0, 1, 2, 4]) {
        const view = big.subarray(offset, offset + len);
        expect(deltaChecksum(view), `length ${len} at offset ${offset}`).toBe(bytewise(view));
      }
    }
    expect(deltaChecksum(new Uint8Array(1 << 20).fill(0xff))).toBe(bytewise(new Uint8Array(1 << 20).fill(0xff)));
  });
});

describe('applyDelta', () => {
  const src = d('abcdefghijklmnopqrstuvwxyz');
  const make = (body: string, target: string) => d(`${encodeDeltaInt(target.length)}\n${body}${encodeDeltaInt(deltaChecksum(d(target)))};`);

  it('applies copies and inserts', () => {
    const delta = make('3@0,4:WXYZ2@O,', 'abcWXYZyz');
    expect(new TextDecoder().decode(applyDelta(src, delta))).toBe('abcWXYZyz');
    expect(deltaOutputSize(delta)).toBe(9);
  });

  const bad: [string, Uint8Array, RegExp][] = [
    ['missing newline after the size', d('3@0,'), /not followed by a newline/],
    ['copy past the end of the source', make('3@Y,', 'xyz!'), /past the end of the 26-byte source/],
    ['output larger than declared', d('2\n3:abc0;'), /larger than the declared 2 bytes/],
    ['copy larger than declared', d('2\n3@0,0;'), /larger than the declared 2 bytes/],
    ['missing comma', d('3\n3@0;0;'), /not terminated by ','/],
    ['unknown operator', d('3\n3#abc0;'), /unknown delta operator 0x23/],
    ['final length mismatch', make('2@0,', 'abc'), /produced 2 bytes but declared 3/],
    ['no terminating semicolon', d('3\n3@0,'), /no terminating ';'/],
    ['insert longer than the delta', d('9\n9:abc'), /claims 9 bytes but only 3 remain/],
    ['checksum mismatch', d('3\n3@0,0;'), /checksum mismatch/],
    ['no size at all', d('\n3@0,'), /expected the target size at offset 0/],
    ['number over 32 bits', d('~~~~~~~\n'), /larger than 32 bits/],
  ];
  for (const [what, delta, message] of bad) {
    it(`rejects: ${what}`, () => {
      expect(() => applyDelta(src, delta)).toThrow(DeltaError);
      expect(() => applyDelta(src, delta)).toThrow(message);
    });
  }

  it('refuses a claimed size over the limit before allocating', () => {
    // 4 GiB - 1 claimed; with the default 1 GiB cap this must fail at once, not try to allocate.
    const delta = d('3~~~~~\n0;');
    expect(() => applyDelta(src, delta)).toThrow(/over the limit/);
    expect(() => applyDelta(src, make('3@0,', 'abc'), 2)).toThrow(/3 output bytes, over the limit of 2/);
    expect(applyDelta(src, make('3@0,', 'abc'), 3)).toEqual(d('abc'));
  });

  it('writes into a given buffer of the declared size, and into a new one otherwise', () => {
    const delta = make('3@0,4:WXYZ2@O,', 'abcWXYZyz');
    const into = new Uint8Array(9).fill(0x2e);
    const out = applyDelta(src, delta, undefined, into);
    expect(out).toBe(into);
    expect(new TextDecoder().decode(into)).toBe('abcWXYZyz');
    const wrongSize = new Uint8Array(10);
    const fresh = applyDelta(src, delta, undefined, wrongSize);
    expect(fresh).not.toBe(wrongSize);
    expect(new TextDecoder().decode(fresh)).toBe('abcWXYZyz');
    // Never over its own source.
    const shared = new Uint8Array(40);
    shared.set(src);
    const source = shared.subarray(0, 26);
    const apart = applyDelta(source, delta, undefined, shared.subarray(26, 35));
    expect(apart.buffer).not.toBe(shared.buffer);
    expect(new TextDecoder().decode(apart)).toBe('abcWXYZyz');
  });

  it('deltaOutputSize reports a malformed header', () => {
    expect(() => deltaOutputSize(d('12'))).toThrow(DeltaError);
    expect(deltaOutputSize(d('10\n'))).toBe(64);
  });
});

describe('deltaReproduces', () => {
  const src = d('abcdefghijklmnopqrstuvwxyz');
  const make = (body: string, target: string) => d(`${encodeDeltaInt(target.length)}\n${body}${encodeDeltaInt(deltaChecksum(d(target)))};`);

  it('agrees with comparing applyDelta\'s output, on generated histories and any change to the target', () => {
    const r = rng(7);
    for (const { source: a, target: b } of generatedPairs(20, 40)) {
      const delta = createDelta(a, b);
      expect(deltaReproduces(a, delta, b)).toBe(true);
      if (b.length === 0) continue;
      const changed = b.slice();
      const at = Math.floor(r() * b.length);
      changed[at] = changed[at]! ^ 1;
      expect(deltaReproduces(a, delta, changed)).toBe(false);
      expect(deltaReproduces(a, delta, b.subarray(0, b.length - 1))).toBe(false);
      expect(deltaReproduces(a, delta, concat([b, d('x')]))).toBe(false);
    }
  });

  it('tells a copy from an insert that differ from the target', () => {
    expect(deltaReproduces(src, make('3@0,4:WXYZ2@O,', 'abcWXYZyz'), d('abcWXYZyz'))).toBe(true);
    expect(deltaReproduces(src, make('3@0,4:WXYZ2@O,', 'abcWXYZyz'), d('abdWXYZyz'))).toBe(false);
    expect(deltaReproduces(src, make('3@0,4:WXYZ2@O,', 'abcWXYZyz'), d('abcWXyZyz'))).toBe(false);
  });

  it('throws what applyDelta throws for a malformed delta', () => {
    expect(() => deltaReproduces(src, d('3\n3#abc0;'), d('abc'))).toThrow(/unknown delta operator 0x23/);
    expect(() => deltaReproduces(src, d('3\n3@0,0;'), d('abc'))).toThrow(/checksum mismatch/);
    expect(() => deltaReproduces(src, make('3@Y,', 'xyz!'), d('xyz!'))).toThrow(/past the end of the 26-byte source/);
    expect(() => deltaReproduces(src, d('3\n3@0,'), d('abc'))).toThrow(/no terminating ';'/);
  });
});

describe('createDelta', () => {
  it('round-trips generated file histories', () => {
    for (const p of generatedPairs(1, 80)) {
      const delta = createDelta(p.source, p.target);
      expectSameBytes(applyDelta(p.source, delta), p.target, p.label);
      expect(deltaOutputSize(delta)).toBe(p.target.length);
    }
  });

  it('round-trips arbitrary byte strings (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.uint8Array({ maxLength: 600 }), fc.nat(), (a, b, cut) => {
        // Mix: unrelated pairs and pairs sharing material.
        const target = cut % 2 ? b : concat([b.subarray(0, cut % 50), a, b]);
        expect(applyDelta(a, createDelta(a, target))).toEqual(target);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips views at any offset into larger buffers, and repetitive data (property)', () => {
    // Matches are compared four bytes at a time through DataViews over the arrays' own range, and
    // landmarks that cannot beat the best match are skipped: runs of one repeated unit exercise both.
    const unit = fc.uint8Array({ minLength: 1, maxLength: 5 });
    const repetitive = fc.tuple(unit, fc.nat(400), fc.uint8Array({ maxLength: 40 })).map(([u, n, tail]) => concat([...Array<Uint8Array>(n % 200).fill(u), tail]));
    const view = (bytes: Uint8Array, offset: number) => {
      const whole = new Uint8Array(offset + bytes.length + 3).fill(0xa5);
      whole.set(bytes, offset);
      return whole.subarray(offset, offset + bytes.length);
    };
    fc.assert(
      fc.property(repetitive, repetitive, fc.nat(7), fc.nat(7), (a, b, oa, ob) => {
        const source = view(a, oa);
        const target = view(concat([b, a.subarray(0, a.length >> 1), b]), ob);
        expect(applyDelta(source, createDelta(source, target))).toEqual(target);
      }),
      { numRuns: 300 },
    );
    // A view whose buffer holds, before it, the very bytes the other side has: comparing from the
    // buffer's start instead of the view's would find a match that is not there.
    const r = rng(5);
    const shared = randomBytes(r, 64);
    const target = concat([shared, randomBytes(r, 500)]);
    const source = concat([shared, randomBytes(r, 500)]);
    const sourceInBuffer = concat([target, source]).subarray(target.length);
    const targetInBuffer = concat([source, target]).subarray(source.length);
    expect(applyDelta(source, createDelta(sourceInBuffer, target))).toEqual(target);
    expect(applyDelta(source, createDelta(source, targetInBuffer))).toEqual(target);
  });

  it('uses copies: an edited 100 kB text gives a small delta', () => {
    const r = rng(7);
    const text = randomText(r, 3000);
    const edited = editText(r, text, 5);
    const delta = createDelta(utf8(text), utf8(edited));
    expect(delta.length).toBeLessThan(2000);
    expect(createDelta(utf8(text), utf8(text)).length).toBeLessThan(30);
  });

  it('handles large inputs (5 MB; the times are printed, not asserted)', () => {
    const r = rng(11);
    const big = randomBytes(r, 5 * 1024 * 1024);
    const edited = editBytes(r, big.subarray(0, 200_000), 3);
    const target = concat([big.subarray(0, 2_000_000), edited, big.subarray(2_100_000)]);
    const textSrc = utf8(randomText(r, 120_000));
    const textTgt = utf8(editText(r, new TextDecoder().decode(textSrc), 200));
    const t0 = performance.now();
    const delta = createDelta(big, target);
    const t1 = performance.now();
    const textDelta = createDelta(textSrc, textTgt);
    const t2 = performance.now();
    const unrelated = createDelta(big, randomBytes(r, 5 * 1024 * 1024));
    const t3 = performance.now();
    const zeros = new Uint8Array(5 * 1024 * 1024);
    const zerosDelta = createDelta(zeros, concat([zeros.subarray(1000), utf8('x'), zeros.subarray(0, 5000)]));
    const pattern = utf8('abcdefgh'.repeat(640 * 1024));
    const patternDelta = createDelta(pattern, concat([utf8('123'), pattern.subarray(5)]));
    const t4 = performance.now();
    console.log(
      `createDelta 5 MB binary: ${(t1 - t0).toFixed(0)} ms, ${(textSrc.length / 1e6).toFixed(1)} MB text: ` +
        `${(t2 - t1).toFixed(0)} ms, 5 MB unrelated: ${(t3 - t2).toFixed(0)} ms, ` +
        `5 MB zeros + 5 MB repeated pattern: ${(t4 - t3).toFixed(0)} ms`,
    );
    expect(zerosDelta.length).toBeLessThan(100);
    expect(patternDelta.length).toBeLessThan(100);
    expectSameBytes(applyDelta(big, delta), target, 'big');
    expectSameBytes(applyDelta(textSrc, textDelta), textTgt, 'textSrc');
    expect(delta.length).toBeLessThan(250_000);
    expect(unrelated.length).toBeGreaterThan(5 * 1024 * 1024);
  });

  it('gives the same delta whatever was made before it (the kept arrays carry nothing over)', async () => {
    const r = rng(23);
    const pairs = generatedPairs(23, 30).map((p) => [p.source, p.target] as const);
    // Each pair's delta as the first call of a freshly loaded module, whose kept arrays are new.
    const alone: Uint8Array[] = [];
    for (const [s, t] of pairs) {
      vi.resetModules();
      const fresh = await import('../../src/fossil/delta-create.ts');
      alone.push(fresh.createDelta(s, t));
    }
    // Between each pair's second delta and the one before: a larger and a smaller one, so the
    // kept arrays hold another source's index and another delta's bytes past what this one writes.
    const big = randomBytes(r, 300_000);
    const bigEdited = editBytes(r, big, 20);
    pairs.forEach(([s, t], i) => {
      createDelta(big, bigEdited);
      createDelta(utf8('tiny source, bigger than one block'), utf8('tiny target'));
      const again = createDelta(s, t);
      expectSameBytes(again, alone[i]!, `pair ${i}`);
      expectSameBytes(applyDelta(s, again), t, `pair ${i} applied`);
    });
    // What a call returned stays its own after later calls.
    const first = createDelta(pairs[0]![0], pairs[0]![1]);
    const copyOfFirst = first.slice();
    createDelta(big, bigEdited);
    expectSameBytes(first, copyOfFirst, 'earlier result');
  });
});

describe.skipIf(!hasFossil)('against the real fossil', () => {
  const pairs = generatedPairs(2, 60);

  it('fossil applies our deltas', () => {
    for (const p of pairs) {
      const ours = createDelta(p.source, p.target);
      expectSameBytes(fossilDeltaApply(tmp.dir, p.source, ours), p.target, p.label);
    }
  });

  it('we apply fossil deltas, and checksums agree', () => {
    for (const p of pairs) {
      const theirs = fossilDeltaCreate(tmp.dir, p.source, p.target);
      expectSameBytes(applyDelta(p.source, theirs), p.target, p.label);
      // Fossil ends every delta with the checksum of the target; ours must compute the same value.
      const suffix = utf8(`${encodeDeltaInt(deltaChecksum(p.target))};`);
      expect(theirs.subarray(theirs.length - suffix.length), p.label).toEqual(suffix);
    }
  });

  it('our deltas are about as small as fossil\'s on generated histories', () => {
    let ours = 0;
    let theirs = 0;
    for (const p of pairs) {
      ours += createDelta(p.source, p.target).length;
      theirs += fossilDeltaCreate(tmp.dir, p.source, p.target).length;
    }
    console.log(`generated pairs: ours ${ours} bytes, fossil ${theirs} bytes, ratio ${(ours / theirs).toFixed(4)}`);
    expect(ours / theirs).toBeLessThan(1.1);
  });

  it.skipIf(!haveMirror())('within 10% of fossil on real source histories', () => {
    const files = ['src/manifest.c', 'src/xfer.c', 'src/checkin.c', 'src/db.c', 'src/timeline.c', 'src/main.c', 'src/delta.c'];
    const history = versionPairs(files, 6);
    expect(history.length).toBeGreaterThanOrEqual(30);
    let ours = 0;
    let theirs = 0;
    let worst = 0;
    for (const v of history) {
      const mine = createDelta(v.older, v.newer);
      expectSameBytes(applyDelta(v.older, mine), v.newer, v.label);
      const fossils = fossilDeltaCreate(tmp.dir, v.older, v.newer);
      ours += mine.length;
      theirs += fossils.length;
      worst = Math.max(worst, mine.length / fossils.length);
    }
    console.log(
      `real histories (${history.length} pairs): ours ${ours} bytes, fossil ${theirs} bytes, ` +
        `ratio ${(ours / theirs).toFixed(4)}, worst single pair ${worst.toFixed(3)}`,
    );
    expect(ours / theirs).toBeLessThan(1.1);
  });
});

describe('error type', () => {
  it('DeltaError is an Error', () => {
    expect(new DeltaError('x')).toBeInstanceOf(Error);
  });
});
