// A check-in comment (and user) that is not valid UTF-8, as old repositories hold in Latin-1,
// is stored in the timeline byte for byte, as fossil stores it, not with U+FFFD in place of
// the stray bytes; on both Db adapters.
import { expect, it } from 'vitest';
import { forEachAdapter } from '../helpers/dbs.ts';
import { Repository } from '../../src/repo/repository.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { createCheckin } from '../../src/repo/authoring/checkin.ts';
import { decodeLossless, sqlTextOf } from '../../src/fossil/utf8-lossless.ts';
import { utf8 } from '../../src/fossil/bytes.ts';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('').toUpperCase();

it('sqlTextOf keeps valid text a string and gives the original bytes otherwise', () => {
  expect(sqlTextOf('Pagès')).toBe('Pagès');
  const latin1 = Uint8Array.of(0x50, 0x61, 0x67, 0xe8, 0x73); // "Pagès" in Latin-1
  expect(sqlTextOf(decodeLossless(latin1))).toEqual(latin1);
});

forEachAdapter((adapter) => {
  it('keeps the bytes of a Latin-1 comment and user in the event table', async () => {
    const repo = Repository.create(await adapter.open(), { adminUser: 'alice', crosslinker: crosslinkerFactory });
    const comment = Uint8Array.of(...utf8('Patches from Carles Pag'), 0xe8, ...utf8('s.'));
    const user = Uint8Array.of(...utf8('R'), 0xf6, ...utf8('nkk'));
    const root = repo.db.value<number>("SELECT objid FROM event WHERE type='ci'")!;
    const c = createCheckin(repo, { parent: root, comment: decodeLossless(comment), user: decodeLossless(user), files: [{ name: 'a.txt', content: utf8('a\n') }] });
    const row = repo.db.get<{ c: string; u: string; t: string }>('SELECT hex(comment) AS c, hex(user) AS u, typeof(comment) AS t FROM event WHERE objid=?', c.rid)!;
    expect(row.c).toBe(hex(comment));
    expect(row.u).toBe(hex(user));
    expect(row.t).toBe('text');
    repo.db.close();
  });
});
