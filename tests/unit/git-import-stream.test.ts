// The fast-export parser (chunked anywhere, quoting, refusals) and the importer on both Db
// adapters: the check-in text is what import.c writes for the same commands.
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../src/fossil/bytes.ts';
import { md5Hex } from '../../src/fossil/hash.ts';
import { FastExportError, FastExportParser, type FastExportCommand } from '../../src/git/fast-export-parser.ts';
import { importGitStream } from '../../src/git/import-run.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { Repository } from '../../src/repo/repository.ts';
import { forEachAdapter } from '../helpers/dbs.ts';

const STREAM = [
  'feature done',
  'blob',
  'mark :1',
  'data 6',
  'hello',
  '',
  'blob',
  'mark :2',
  'data 3',
  'a\0b',
  'reset refs/heads/master',
  'commit refs/heads/master',
  'mark :3',
  'author Ann <ann@x.org> 1700000000 +0100',
  'committer Cy Ber <cy@x.org> 1700000060 -0500',
  'data 17',
  'two\nline message',
  'M 100644 :1 "sp ace/\\303\\274.txt"',
  'M 100755 :2 bin/tool',
  'M 120000 :1 link',
  '',
  'commit refs/heads/dev',
  'mark :4',
  'committer Cy Ber <cy@x.org> 1700000120 +0000',
  'data 4',
  'dev',
  'from :3',
  'R bin/tool "bin/new tool"',
  'D link',
  '',
  'tag v1',
  'from :4',
  'tagger T <t@x.org> 1700000180 +0000',
  'data 9',
  'release!',
  'done',
  'anything after done is not read',
].join('\n');

function parseAll(bytes: Uint8Array, chunkSizes: (i: number) => number): FastExportCommand[] {
  const p = new FastExportParser();
  const out: FastExportCommand[] = [];
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = Math.max(1, chunkSizes(i));
    out.push(...p.push(bytes.subarray(at, at + n)));
    at += n;
  }
  out.push(...p.end());
  return out;
}

describe('FastExportParser', () => {
  const bytes = utf8(STREAM);

  it('gives the same commands however the stream is cut', () => {
    const whole = parseAll(bytes, () => bytes.length);
    expect(whole.filter((c) => c.kind === 'commit').map((c) => c.kind === 'commit' && c.ref)).toEqual(['refs/heads/master', 'refs/heads/dev']);
    for (const size of [1, 2, 3, 7, 64]) expect(parseAll(bytes, () => size)).toEqual(whole);
    expect(parseAll(bytes, (i) => (i * 7919) % 13)).toEqual(whole);
    expect(whole.at(-1)).toEqual({ kind: 'done' });
  });

  it('reads payloads byte for byte and unquotes C-quoted paths', () => {
    const cmds = parseAll(bytes, () => 5);
    const data = cmds.filter((c) => c.kind === 'data').map((c) => c.kind === 'data' && Array.from(c.bytes));
    expect(data[1]).toEqual([0x61, 0, 0x62]);
    expect(cmds).toContainEqual({ kind: 'modify', mode: '100644', dataref: ':1', path: 'sp ace/ü.txt' });
    expect(cmds).toContainEqual({ kind: 'rename', from: 'bin/tool', to: 'bin/new tool' });
    expect(cmds).toContainEqual({ kind: 'person', role: 'committer', ident: 'Cy Ber <cy@x.org> 1700000060 -0500' });
  });

  it('refuses truncated streams and unknown commands, saying which', () => {
    const cut = (n: number) => () => parseAll(bytes.subarray(0, n), () => 4);
    const inData = STREAM.indexOf('hello') + 2;
    expect(cut(inData)).toThrow(/ends inside a data block: got 2 of 6 bytes/);
    expect(cut(STREAM.indexOf('mark :3') + 3)).toThrow(/ends inside line/);
    expect(cut(STREAM.indexOf('tag v1'))).toThrow(/before its `done`/);
    const err = (() => {
      try {
        parseAll(utf8('blob\nwhat is this\n'), () => 3);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(FastExportError);
    expect(err).toMatchObject({ code: 'bad-input', problem: 'malformed' });
    expect(() => parseAll(utf8(`data ${2 ** 40}\n`), () => 100)).toThrow(FastExportError);
    expect(() => parseAll(utf8('M 100644 :1 "unclosed\n'), () => 100)).toThrow(/badly quoted/);
  });
});

async function* chunks(s: string, size: number): AsyncIterable<Uint8Array> {
  const b = utf8(s);
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

forEachAdapter((adapter) => {
  it('writes check-ins and tags card for card as import.c does', async () => {
    const repo = Repository.create(await adapter.open(), { date: null, crosslinker: crosslinkerFactory });
    const r = await importGitStream(repo, chunks(STREAM, 11));
    expect(r).toMatchObject({ blobs: 2, commits: 2, tags: 1, checkins: 2 });
    const text = (uuid: string) => new TextDecoder().decode(repo.content.get(repo.content.ridOf(uuid)!));
    const uuidOf = (content: Uint8Array) => repo.db.value<string>('SELECT uuid FROM blob WHERE rid=?', repo.content.put(content).rid)!;
    const hello = uuidOf(utf8('hello\n'));
    const bin = uuidOf(Uint8Array.of(0x61, 0, 0x62));
    const withZ = (body: string) => `${body}Z ${md5Hex(utf8(body))}\n`;
    const first = withZ(
      'C two\\nline\\smessage\nD 2023-11-14T22:14:20\n' +
        `F bin/tool ${bin} x\nF link ${hello} l\nF sp\\sace/ü.txt ${hello}\n` +
        'T *branch * master\nT *sym-master *\nT *sym-trunk *\nU cy@x.org\n',
    );
    const firstUuid = repo.db.value<string>("SELECT uuid FROM blob b JOIN event e ON e.objid=b.rid WHERE e.comment LIKE 'two%'")!;
    expect(text(firstUuid)).toBe(first);
    const second = withZ(
      `C dev\nD 2023-11-14T22:15:20\nF bin/new\\stool ${bin} x\nF sp\\sace/ü.txt ${hello}\nP ${firstUuid}\n` +
        'T *branch * dev\nT *sym-dev *\nT -sym-master *\nU cy@x.org\n',
    );
    const secondUuid = repo.db.value<string>("SELECT uuid FROM blob b JOIN event e ON e.objid=b.rid WHERE e.comment='dev'")!;
    expect(text(secondUuid)).toBe(second);
    const tagUuid = repo.db.value<string>("SELECT uuid FROM blob b JOIN tagxref x ON x.srcid=b.rid JOIN tag t USING(tagid) WHERE t.tagname='sym-v1'")!;
    expect(text(tagUuid)).toBe(withZ(`D 2023-11-14T22:16:20\nT +sym-v1 ${secondUuid} release!\nU t@x.org\n`));
    repo.db.close();
  });

  it('keeps nothing of a stream that fails', async () => {
    const repo = Repository.create(await adapter.open(), { date: null, crosslinker: crosslinkerFactory });
    const count = () => repo.db.value<number>('SELECT count(*) FROM blob');
    const before = count();
    await expect(importGitStream(repo, chunks(STREAM.slice(0, STREAM.indexOf('tag v1')), 9))).rejects.toThrow(/done/);
    expect(count()).toBe(before);
    expect(repo.db.inTransaction).toBe(false);
    repo.db.close();
  });
});
