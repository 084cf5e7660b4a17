/**
 * Hand-written artifacts: each rule of the parser, the older layouts fossil still accepts, the
 * printer's own checks, and the R card. Where fossil is available it is asked for its verdict on
 * every case, so the expectations here are fossil's, not ours.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  ArtifactError, isLikelyArtifact, parseArtifact, printArtifact, tryParseArtifact,
} from '../../src/fossil/artifact.ts';
import type { Artifact } from '../../src/fossil/artifact-types.ts';
import { computeRCard } from '../../src/fossil/rcard.ts';
import { concat, utf8 } from '../../src/fossil/bytes.ts';
import { md5Hex } from '../../src/fossil/hash.ts';
import { haveTool, tempDir } from '../helpers/tools.ts';
import { fossilAccepts, withZ } from '../helpers/artifact-zoo.ts';
import { expectSameBytes } from '../helpers/bytes-expect.ts';
import { randomBytes, rng } from '../helpers/edits.ts';

const hasFossil = haveTool('fossil');
const tmp = tempDir('edgesync-artifact-');
afterAll(() => tmp.cleanup());

const H1 = 'a'.repeat(40);
const H2 = 'b'.repeat(64);
const H3 = 'c'.repeat(64);
const bytes = (s: string) => utf8(s);

/** Fossil's verdict must match ours (skipped without fossil). */
function fossilSays(input: Uint8Array, accepted: boolean, label: string): void {
  if (hasFossil) expect(fossilAccepts(tmp.dir, input), `fossil's verdict on ${label}`).toBe(accepted);
}

function accepts(label: string, input: Uint8Array): Artifact {
  const a = parseArtifact(input);
  expectSameBytes(printArtifact(a), input, `${label} prints back`);
  fossilSays(input, true, label);
  return a;
}

describe('parseArtifact accepts', () => {
  it('a control artifact (spec 5.5 example)', () => {
    const a = accepts('control', bytes(withZ(`D 2026-11-20T22:22:34.590\nT +sym-v1.0 ${H2}\nU alice\n`)));
    expect(a.type).toBe('control');
    expect(a.date).toBe('2026-11-20T22:22:34.590');
    expect(a.julian).toBeCloseTo(2461365.43234, 5);
    expect(a.tags).toEqual([{ op: '+', name: 'sym-v1.0', target: H2 }]);
    expect(a.user).toBe('alice');
  });

  it('a check-in with decoded-name ordering, perms, a rename and tags', () => {
    // 'a b' (space) sorts before 'a!b' once decoded, though 'a\sb' sorts after it encoded.
    const text = withZ(
      `C two\\swords\nD 2026-11-20T22:22:34.512\nF a\\sb ${H2}\nF a!b ${H2} x\nF link ${H2} l\nF new ${H2} w old\\sname\n` +
        `P ${H3} ${H1}\nR d41d8cd98f00b204e9800998ecf8427e\nT *branch * trunk\nT *sym-trunk *\nT -sym-old *\nU alice\n`,
    );
    const a = accepts('manifest', bytes(text));
    expect(a.type).toBe('manifest');
    expect(a.comment).toBe('two words');
    expect(a.files.map((f) => [f.name, f.perm, f.oldName])).toEqual([
      ['a b', '', undefined], ['a!b', 'x', undefined], ['link', 'l', undefined], ['new', '', 'old name'],
    ]);
    expect(a.files[3]!.permToken).toBeUndefined();
    expect(a.parents).toEqual([H3, H1]);
    expect(a.tags.map((t) => `${t.op}${t.name}:${t.target}:${t.value ?? ''}`)).toEqual(['*branch:*:trunk', '*sym-trunk:*:', '-sym-old:*:']);
  });

  it('a delta-manifest that deletes a file', () => {
    const a = accepts('delta-manifest', bytes(withZ(`B ${H2}\nC c\nD 2026-01-01T00:00:00.000\nF gone\nF kept ${H3}\nP ${H2}\nU u\n`)));
    expect(a.baseline).toBe(H2);
    expect(a.files[0]).toEqual({ name: 'gone', uuid: null, perm: '' });
  });

  it('wiki text with binary bytes and exactly one newline after it', () => {
    const body = concat([bytes('D 2026-01-01T00:00:00.000\nL Page\\sOne\nU u\nW 5\n'), Uint8Array.of(0, 1, 10, 255, 10), bytes('\n')]);
    const input = concat([body, bytes(`Z ${md5Hex(body)}\n`)]);
    const a = accepts('wiki', input);
    expect(a.type).toBe('wiki');
    expect(a.wikiTitle).toBe('Page One');
    expect(a.wiki).toEqual(Uint8Array.of(0, 1, 10, 255, 10));
  });

  it('tickets, attachments, forum posts, technotes and clusters', () => {
    expect(accepts('ticket', bytes(withZ(`D 2026-01-01T00:00:00.000\nJ +comment \\smore\nJ foundin \nJ status Open\nK ${H1}\nU u\n`))).fields)
      .toEqual([
        { name: 'comment', value: ' more', append: true },
        { name: 'foundin', value: '', append: false },
        { name: 'status', value: 'Open', append: false },
      ]);
    expect(accepts('attachment', bytes(withZ(`A f.txt Some\\sPage ${H2}\nD 2026-01-01T00:00:00.000\nU u\n`))).attachment)
      .toEqual({ filename: 'f.txt', target: 'Some Page', source: H2 });
    expect(accepts('attachment delete', bytes(withZ(`A f.txt ${H1}\nD 2026-01-01T00:00:00.000\n`))).attachment)
      .toEqual({ filename: 'f.txt', target: H1 });
    const forum = accepts('forum', bytes(withZ(`D 2026-01-01T00:00:00.000\nG ${H2}\nI ${H3}\nN text/x-markdown\nP ${H3}\nU u\nW 2\nhi\n`)));
    expect([forum.type, forum.threadRoot, forum.inReplyTo]).toEqual(['forum', H2, H3]);
    const note = accepts('technote', bytes(withZ(`C note\nD 2026-01-01T00:00:00.000\nE 2026-01-02T03:04:05 ${H1}\nN text/plain\nT +sym-x *\nU u\nW 0\n\n`)));
    expect([note.type, note.event?.id, note.event?.date]).toEqual(['technote', H1, '2026-01-02T03:04:05']);
    const cluster = accepts('cluster', bytes(withZ(`M ${H1}\nM ${H2}\nM ${H3}\n`)));
    expect([cluster.type, cluster.members.length, cluster.date]).toEqual(['cluster', 3, undefined]);
  });

  it('older layouts, printed back byte for byte', () => {
    const nAfterP = accepts('technote N after P', bytes(withZ(`C n\nD 2020-01-01T00:00:00.000\nE 2020-01-01T00:00:00 ${H1}\nP ${H2}\nN text/plain\nU u\nW 1\nx\n`)));
    expect(nAfterP.legacy?.mimetypeAfterParents).toBe(true);
    const emptyP = accepts('empty P card', bytes(withZ('C initial\\sempty\\scheck-in\nD 2007-07-21T14:09:59\nP\nR d41d8cd98f00b204e9800998ecf8427e\nU drh\n')));
    expect([emptyP.type, emptyP.parents, emptyP.legacy?.emptyParentCard]).toEqual(['manifest', [], true]);
    const reserved = accepts('reserved names', bytes(withZ(`C c\nD 2008-01-01T00:00:00\nF _FOSSIL_ ${H1}\nF a ${H1}\nF sub/.fslckout ${H1}\nF z ${H1}\nU u\n`)));
    expect(reserved.files.map((f) => f.name)).toEqual(['a', 'z']);
    expect(reserved.legacy?.reservedFiles?.map((r) => [r.index, r.file.name])).toEqual([[0, '_FOSSIL_'], [1, 'sub/.fslckout']]);
    expect(accepts('bare w', bytes(withZ(`C c\nD 2008-01-01T00:00:00\nF a ${H1} w\nU u\n`))).files[0]).toEqual({ name: 'a', uuid: H1, perm: '', permToken: 'w' });
    expect(accepts('J without value', bytes(withZ(`D 2008-01-01T00:00:00\nJ status\nK ${H1}\nU u\n`))).fields[0])
      .toEqual({ name: 'status', value: '', append: false, noValue: true });
    expect(accepts('upper-case hash', bytes(withZ(`C c\nD 2008-01-01\nP ${H1.toUpperCase()}\nU u\n`))).parents).toEqual([H1.toUpperCase()]);
  });

  it('comments that are not UTF-8 survive a round trip', () => {
    const body = concat([bytes('C caf'), Uint8Array.of(0xe9, 0x5c, 0x73, 0xff), bytes('\nD 2008-01-01T00:00:00\nU u\n')]);
    const input = concat([body, bytes(`Z ${md5Hex(body)}\n`)]);
    const a = accepts('latin-1 comment', input);
    expect(a.comment).toBe('caf\udce9 \udcff');
  });

  it('PGP clear-signed artifacts (with CRLF armor)', () => {
    const inner = withZ(`D 2026-01-01T00:00:00.000\nT +x ${H1}\nU u\n`);
    const input = bytes(`-----BEGIN PGP SIGNED MESSAGE-----\r\nHash: SHA1\r\n\r\n${inner}-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n`);
    const a = accepts('clear-signed', input);
    expect(a.type).toBe('control');
    expect(new TextDecoder().decode(a.clearsign!.header)).toBe('-----BEGIN PGP SIGNED MESSAGE-----\r\nHash: SHA1\r\n\r\n');
  });
});

describe('parseArtifact rejects', () => {
  const D = 'D 2026-01-01T00:00:00.000\n';
  // [what, input, message, does fossil reject it too]
  const cases: [string, string | Uint8Array, RegExp, boolean][] = [
    ['empty input', '', /empty input/, true],
    ['no final newline', withZ(`${D}T +x ${H1}\nU u\n`).slice(0, -1), /does not end with a newline/, true],
    ['plain text', 'hello world, not an artifact\n', /does not start with a card/, true],
    ['a wrong Z card', withZ(`${D}T +x ${H1}\nU u\n`).replace('U u', 'U v'), /Z card checksum .* does not match/, true],
    ['cards out of order', withZ(`U u\n${D}T +x ${H1}\n`), /line 2, D card: cards out of order \(D after U\)/, true],
    ['a repeated single card', withZ(`C a\nC b\n${D}U u\n`), /line 2, C card: more than one C card/, true],
    ['unsorted F cards', withZ(`C c\n${D}F b ${H1}\nF a ${H1}\nU u\n`), /line 4, F card: file names not in strictly ascending order: "a" after "b"/, true],
    ['F cards sorted only when encoded', withZ(`C c\n${D}F a!b ${H1}\nF a\\sb ${H1}\nU u\n`), /not in strictly ascending order/, true],
    ['a repeated file', withZ(`C c\n${D}F a ${H1}\nF a ${H1}\nU u\n`), /not in strictly ascending order/, true],
    ['a deletion outside a delta-manifest', withZ(`C c\n${D}F a\nU u\n`), /only a delta-manifest may delete/, true],
    ['a path with ..', withZ(`C c\n${D}F a/../b ${H1}\nU u\n`), /not a simple path/, true],
    ['a bad hash', withZ(`C c\n${D}F a ${H1.slice(1)}\nU u\n`), /invalid hash/, true],
    ['unsorted T cards', withZ(`${D}T +y ${H1}\nT +x ${H1}\nU u\n`), /tags not in ascending order/, true],
    ['T cards with one name, targets unsorted', withZ(`${D}T +x ${H2}\nT +x ${H1}\nU u\n`), /tags not in ascending order/, true],
    ['a hex tag name', withZ(`${D}T +abc ${H1}\nU u\n`), /looks like a hexadecimal hash/, true],
    ['a tag without prefix', withZ(`${D}T abc ${H1}\nU u\n`), /must start with/, true],
    ['a control artifact tagging itself', withZ(`${D}T +x *\nU u\n`), /cannot tag itself/, true],
    ['a propagating technote tag', withZ(`${D}E 2026-01-01 ${H1}\nT *x *\nU u\nW 0\n\n`), /technote T cards must use '\+'/, true],
    ['a forum post with H and I', withZ(`${D}H t\nI ${H1}\nU u\nW 0\n\n`), /both an H card/, true],
    ['a forum post with two parents', withZ(`${D}H t\nP ${H1} ${H2}\nU u\nW 0\n\n`), /at most one parent/, true],
    ['W text without its newline', withZ(`${D}L p\nU u\nW 3\nabcd\n`), /not followed by a newline/, true],
    ['W text past the end', withZ(`${D}L p\nU u\nW 300\nabc\n`), /runs past the end/, true],
    ['a short ticket id', withZ(`${D}J a b\nK ${H1.slice(2)}\nU u\n`), /40 hex digits/, true],
    ['unsorted J cards', withZ(`${D}J b 1\nJ a 2\nK ${H1}\nU u\n`), /field names not in strictly ascending order/, true],
    ['unsorted M cards', withZ(`M ${H2}\nM ${H1}\n`), /ascending order/, true],
    ['a Q card without + or -', withZ(`C c\n${D}Q ${H1}\nU u\n`), /must start with '\+' or '-'/, true],
    ['a lower-case card', withZ(`${D}T +x ${H1}\nU u\nx y\n`), /not a card letter/, true],
    ['a card not allowed in the type', withZ(`${D}F a ${H1}\nL p\nU u\nW 0\n\n`), /F card not allowed in a wiki page/, true],
    ['a missing required card', withZ(`${D}T +x ${H1}\n`), /missing U card, required in a control artifact/, true],
    ['too many arguments', withZ(`D 2026-01-01 extra\nT +x ${H1}\nU u\n`), /line 1, D card: too many arguments/, true],
    ['a blank line', withZ(`${D}\nT +x ${H1}\nU u\n`), /line 2: not a card/, true],
    ['an unreadable date', withZ(`D yesterday\nT +x ${H1}\nU u\n`), /cannot parse date "yesterday"/, true],
    ['N after P outside a technote', withZ(`${D}L p\nP ${H1}\nN text/plain\nU u\nW 0\n\n`), /cards out of order \(N after P\)/, true],
    ['a NUL byte in a card', withZ(`C a\0b\n${D}U u\n`), /NUL byte/, true],
    ['a malformed wiki name', withZ(`${D}L \\sp\nU u\nW 0\n\n`), /malformed wiki page name/, true],
    ['an R card of the wrong size', withZ(`C c\n${D}R abc\nU u\n`), /32 hex digits/, true],
    // Stricter than fossil, on purpose (no fossil writes these):
    ['two P cards', withZ(`C c\n${D}P ${H1}\nP ${H2}\nU u\n`), /more than one P card/, false],
  ];
  for (const [what, input, message, fossilRejects] of cases) {
    it(what, () => {
      const b = typeof input === 'string' ? bytes(input) : input;
      expect(() => parseArtifact(b)).toThrow(ArtifactError);
      expect(() => parseArtifact(b)).toThrow(message);
      expect(tryParseArtifact(b)).toBeNull();
      if (b.length > 0) fossilSays(b, !fossilRejects, what);
    });
  }
});

describe('isLikelyArtifact', () => {
  it('rejects ordinary content at once, even when large', () => {
    const big = randomBytes(rng(3), 50 * 1024 * 1024);
    big[big.length - 1] = 10;
    for (let i = 0; i < 100; i++) expect(tryParseArtifact(big)).toBeNull();
    expect(isLikelyArtifact(bytes('#include <stdio.h>\nint main(){}\n'))).toBe(false);
    expect(isLikelyArtifact(bytes(`D looks like a card\nbut has no Z card at the end\n`))).toBe(false);
  });
  it('never rejects a real artifact', () => {
    expect(isLikelyArtifact(bytes(withZ(`M ${H1}\n`)))).toBe(true);
    expect(isLikelyArtifact(bytes(`-----BEGIN PGP SIGNED MESSAGE-----\n\n${withZ(`D 2026-01-01\nT +x ${H1}\nU u\n`)}`))).toBe(true);
  });
});

describe('printArtifact', () => {
  const empty = { files: [], fields: [], members: [], parents: [], cherrypicks: [], tags: [] };

  it('writes a new artifact with its Z card', () => {
    const a: Artifact = {
      ...empty, type: 'control', date: '2026-11-20T22:22:34.590', user: 'alice',
      tags: [{ op: '+', name: 'sym-v1.0', target: H2 }, { op: '+', name: 'comment', target: H2, value: 'new text' }],
    };
    // T cards are written in the given order; fossil requires them sorted, so this one is invalid.
    expect(() => printArtifact(a)).toThrow(/tags not in ascending order/);
    a.tags.reverse();
    const out = printArtifact(a);
    const body = `D 2026-11-20T22:22:34.590\nT +comment ${H2} new\\stext\nT +sym-v1.0 ${H2}\nU alice\n`;
    expect(new TextDecoder().decode(out)).toBe(`${body}Z ${md5Hex(bytes(body))}\n`);
    fossilSays(out, true, 'printed control artifact');
  });

  it('derives the D card from a Julian day when no text is given', () => {
    const a: Artifact = { ...empty, type: 'control', julian: 2451545, user: 'u', tags: [{ op: '+', name: 'x', target: H1 }] };
    expect(new TextDecoder().decode(printArtifact(a))).toMatch(/^D 2000-01-01T12:00:00.000\n/);
  });

  it('refuses models that are not valid artifacts', () => {
    const base: Artifact = { ...empty, type: 'manifest', comment: 'c', date: '2026-01-01T00:00:00.000', user: 'u' };
    expect(() => printArtifact({ ...base, files: [{ name: 'b', uuid: H1, perm: '' }, { name: 'a', uuid: H1, perm: '' }] }))
      .toThrow(/cannot print this manifest: .*not in strictly ascending order/);
    expect(() => printArtifact({ ...base, parents: ['not a hash'] })).toThrow(/not an artifact hash/);
    expect(() => printArtifact({ ...base, date: '2026-01-01\nT +x *' })).toThrow(/single non-empty word/);
    expect(() => printArtifact({ ...base, type: 'wiki' })).toThrow(/cards given for a wiki make a manifest|missing/);
  });
});

describe('computeRCard', () => {
  it('is the MD5 of nothing for no files', () => {
    expect(computeRCard([])).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });
  it('orders by UTF-8 bytes, not by JavaScript string order', () => {
    // U+FF21 sorts after an astral character in UTF-16 but before it in UTF-8.
    const files = [
      { name: '\u{1F600}.txt', content: bytes('smile\n') },
      { name: 'b', content: bytes('') },
      { name: '\uFF21.txt', content: bytes('A\n') },
      { name: 'a b', content: bytes('x') },
    ];
    const expected = createHash('md5')
      .update('a b 1\nx')
      .update('b 0\n')
      .update('\uFF21.txt 2\nA\n')
      .update('\u{1F600}.txt 6\nsmile\n')
      .digest('hex');
    expect(computeRCard(files)).toBe(expected);
    expect(() => computeRCard([files[1]!, files[1]!])).toThrow(/listed twice/);
  });
});
