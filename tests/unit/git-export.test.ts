// The pieces of the git export (src/git): ref names and paths as fast-import takes them, the
// committer as fossil's export.c writes it, marks that read back as written; and the stream of the
// fossil fixture, the same byte for byte on both Db adapters, with only new check-ins the second time;
// the browser's download of it, made in steps that let other writers in, holding little at a time.
import { afterAll, describe, expect, it } from 'vitest';
import { concat, text } from '../../src/fossil/bytes.ts';
import { gitFastExport } from '../../src/git/fast-export.ts';
import { ExportMarks } from '../../src/git/marks.ts';
import { gitDownloadBlob } from '../../src/peer/git-download.ts';
import { committerIdent } from '../../src/git/person.ts';
import { fastImportPath, gitRefName } from '../../src/git/refs.ts';
import { Repository } from '../../src/repo/repository.ts';
import { forEachAdapter } from '../helpers/dbs.ts';
import { fossilFixture } from '../helpers/fossil-fixture.ts';
import { haveTool } from '../helpers/tools.ts';

describe('git names', () => {
  it('makes ref names the way fossil does, and legal where fossil\'s would not be', () => {
    expect(gitRefName('feature')).toBe('feature');
    expect(gitRefName('release/2.0')).toBe('release/2.0');
    expect(gitRefName(`a&b<c>"d'e`)).toBe('a&b<c>_d_e');
    expect(gitRefName('with space:and?star*')).toBe('with_space_and_star_');
    expect(gitRefName('/lead//double/')).toBe('_lead_/double_');
    expect(gitRefName('a..b.')).toBe('a_.b_'); // fossil looks back at what it already changed
    expect(gitRefName('naïve@{1}~^')).toBe('na_ve_{1}__');
    expect(gitRefName('.hidden/.dot')).toBe('_hidden/_dot');
    expect(gitRefName('x.lock')).toBe('x_lock');
    expect(gitRefName('')).toBe('_');
  });

  it('quotes a path only when it holds a backslash, a double quote or a newline', () => {
    expect(fastImportPath('src/a b.c')).toBe('src/a b.c');
    expect(fastImportPath('we"ird')).toBe('"we\\"ird"');
    expect(fastImportPath('a\\b\nc')).toBe('"a\\\\b\\nc"');
  });

  it('takes the committer\'s e-mail from the contact info as fossil does', () => {
    expect(committerIdent('carol', 'Carol "CC" Carlson <carol@example.com> (tester)')).toBe('carol <carol@example.com>');
    expect(committerIdent('carol', '<carol@example.com')).toBe('carol <carol@example.com>');
    expect(committerIdent('dave', 'dave at home')).toBe('dave <dave at home>');
    expect(committerIdent('erin', '')).toBe('erin <>');
    expect(committerIdent('frank', undefined)).toBe('frank <frank@noemail.net>');
    expect(committerIdent('g@example.org', undefined)).toBe('g@example.org <g@example.org>');
    expect(committerIdent('h<x>', undefined)).toBe('hx <hx@noemail.net>');
  });

  it('marks read back as written, and a bad line is refused with its number', () => {
    const m = new ExportMarks();
    const c = m.assign('checkin', 'a'.repeat(64));
    const b = m.assign('file', 'b'.repeat(40));
    m.refs.set('refs/heads/master', c);
    const again = ExportMarks.parse(m.format());
    expect(again.format()).toBe(m.format());
    expect(again.assign('file', 'c'.repeat(40))).toBe(b + 1);
    expect(() => ExportMarks.parse('# x\nc :1 nothex\n')).toThrow(/line 2/);
  });
});

describe.runIf(haveTool('fossil'))('the stream of the fossil fixture', () => {
  const streams: string[] = [];
  afterAll(() => {
    if (streams.length === 2) expect(streams[0]).toBe(streams[1]);
  });

  forEachAdapter((adapter) => {
    it('has a commit per public check-in, the same on both adapters; with marks, nothing twice', async () => {
      const db = await adapter.load(fossilFixture().path);
      try {
        const repo = Repository.open(db);
        const marks = new ExportMarks();
        const gen = gitFastExport(repo, marks);
        const parts: Uint8Array[] = [];
        let r = gen.next();
        for (; !r.done; r = gen.next()) parts.push(r.value);
        const stream = text(concat(parts));
        streams.push(stream);
        const publicCheckins = db.value<number>("SELECT count(*) FROM event WHERE type='ci' AND objid NOT IN (SELECT rid FROM private)");
        expect(r.value.commits).toBe(publicCheckins);
        expect(stream.match(/^commit /gm)).toHaveLength(publicCheckins!);
        expect(stream).toMatch(/^reset refs\/tags\/reviewed\nfrom :\d+$/m);
        expect(stream).not.toMatch(/secret\.txt/); // the private branch's file
        expect([...gitFastExport(repo, marks)]).toEqual([]);
      } finally {
        db.close();
      }
    });
  });
});

describe.runIf(haveTool('fossil'))('the browser\'s download of the stream', () => {
  forEachAdapter((adapter) => {
    it('is the whole stream and done, made in steps between which other writers run, never holding much', async () => {
      const db = await adapter.load(fossilFixture().path);
      try {
        const repo = Repository.open(db);
        const pieces = [...gitFastExport(repo, new ExportMarks(), { pieceBytes: 1024 })];
        const whole = concat(pieces);
        const steps: { made: number; held: number }[] = [];
        let othersRan = 0;
        const blob = await gitDownloadBlob(repo, {
          stepMs: 0, // one piece a step: the most steps
          pieceBytes: 1024,
          partBytes: 4096,
          pause: async () => {
            // A writer waiting for the lock gets it between two steps.
            const wrote = repo.writeLock.run(() => othersRan++);
            await wrote;
          },
          onStep: (made, held) => steps.push({ made, held }),
        });
        const got = new Uint8Array(await blob.arrayBuffer());
        expect(text(got)).toBe(text(whole) + 'done\n');
        expect(pieces.length).toBeGreaterThan(1);
        expect(steps.length).toBe(pieces.length + 1); // a piece a step, then the end
        expect(othersRan).toBe(steps.length - 1);
        // Each step but the last (which finds the end) adds a piece; what is held in the worker
        // stays under a part (plus one piece).
        const biggestPiece = Math.max(...pieces.map((p) => p.length));
        for (const [i, s] of steps.entries()) {
          if (i > 0 && i < steps.length - 1) expect(s.made).toBe(steps[i - 1]!.made + pieces[i]!.length);
          expect(s.held).toBeLessThan(4096 + biggestPiece);
        }
        expect(steps.at(-1)!.made).toBe(whole.length);
      } finally {
        db.close();
      }
    });
  });
});
