// The difference between two check-ins and a check-in's archives, against the real fossil: the
// files and hunks `fossil diff --from A --to B` (and `-w`) lists, and the entries, bytes and modes
// of `fossil zip` and `fossil tarball`, on both Db adapters.
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tarball, vdiff, zip } from '../../src/peer/browse-docs.ts';
import { lineHunks } from '../../src/repo/line-diff.ts';
import { Repository } from '../../src/repo/repository.ts';
import { parseFossilDiff, tarEntries, zipEntries } from '../helpers/archives.ts';
import { forEachAdapter } from '../helpers/dbs.ts';
import { editText, randomText, rng } from '../helpers/edits.ts';
import { copyFixture } from '../helpers/fossil-fixture.ts';
import { fossil, haveTool, sqlite, tempDir } from '../helpers/tools.ts';

const hasFossil = haveTool('fossil');

describe('fossil hunks', () => {
  it('changes fewer than 2×5 lines apart share a hunk; the lines after the last change show when fewer than 10', () => {
    const a = Array.from({ length: 60 }, (_, i) => `${i + 1}`);
    const b = [...a];
    b[2] = 'three';
    b[9] = 'ten';
    b[20] = 'twenty';
    b[52] = 'x';
    const h = lineHunks(`${a.join('\n')}\n`, `${b.join('\n')}\n`)!;
    expect(h.map((x) => `@@ -${x.oldStart},${x.oldLines} +${x.newStart},${x.newLines} @@`)).toEqual(['@@ -1,15 +1,15 @@', '@@ -16,11 +16,11 @@', '@@ -48,13 +48,13 @@']);
    expect(lineHunks('a\nb\n', 'a\nb\n')).toEqual([]);
    expect(lineHunks('a  b\n', 'a b\n', { ignoreWhitespace: true })).toEqual([]);
    // Where a blank line could pair with either of two, fossil pairs it with the one nearer the
    // middle (a shortest edit script pairs it with the other).
    expect(lineHunks('# Fixture\n\nSame second.\n', '# Read me\n\nSee here.\n\nlogo\n')![0]!.lines)
      .toEqual(['-# Fixture', '+# Read me', '+', '+See here.', ' ', '-Same second.', '+logo']);
  });
});

describe.skipIf(!hasFossil)('fossil test-diff', () => {
  const tmp = tempDir('edgesync-linediff-');
  afterAll(() => tmp.cleanup());

  it('the hunks of generated edits (repeated, blank and re-indented lines) are the ones fossil prints, with and without -w', () => {
    const a = join(tmp.dir, 'a.txt');
    const b = join(tmp.dir, 'b.txt');
    let compared = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      const before = randomText(r, 20 + Math.floor(r() * 150)).split('\n').map((l) => (r() < 0.15 ? '' : r() < 0.1 ? '}' : l)).join('\n');
      const after = editText(r, before, 1 + Math.floor(r() * 8)).split('\n').map((l) => (r() < 0.05 ? `  ${l}\t` : l)).join('\n');
      writeFileSync(a, before);
      writeFileSync(b, after);
      for (const w of [false, true]) {
        const out = fossil(['test-diff', ...(w ? ['-w'] : []), a, b]).stdout.split('\n');
        const theirs = out.slice(out.findIndex((l) => l.startsWith('@@'))).filter((l) => l !== '');
        const ours = (lineHunks(before, after, { ignoreWhitespace: w }) ?? []).flatMap((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines]);
        expect(ours, `seed ${seed}${w ? ' -w' : ''}`).toEqual(out.some((l) => l.startsWith('@@')) ? theirs : []);
        compared += ours.length;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });
});

describe.skipIf(!hasFossil)('vdiff and archives against fossil', () => {
  const tmp = tempDir('edgesync-docs-');
  let repoFile: string;
  let withManifest: string;
  let from: string;
  let to: string;
  afterAll(() => tmp.cleanup());

  beforeAll(() => {
    repoFile = copyFixture(join(tmp.dir, 'fx.fossil'));
    const co = join(tmp.dir, 'co');
    mkdirSync(co);
    const f = (...args: string[]) => fossil(args, { cwd: co }).stdout;
    f('open', repoFile, '--force');
    f('settings', 'allow-symlinks', 'on');
    const lines = Array.from({ length: 80 }, (_, i) => `line ${i + 1} of the text`);
    writeFileSync(join(co, 'long.txt'), `${lines.join('\n')}\n`);
    writeFileSync(join(co, 'ws.c'), 'int f(void) {\n  return 1;\n}\n\nint g(void) {\n  return 2;\n}\n');
    writeFileSync(join(co, 'going.txt'), 'to be deleted\n');
    f('add', 'long.txt', 'ws.c', 'going.txt');
    f('commit', '--no-warnings', '-m', 'from here', '--date-override', '2024-07-01T10:00:00');
    from = sqlite(repoFile, "SELECT uuid FROM blob JOIN event ON objid=rid WHERE type='ci' ORDER BY mtime DESC LIMIT 1").trim();
    const edited = [...lines];
    for (const i of [0, 11, 20, 31, 33, 60, 72]) edited[i] = `changed ${i}`;
    edited.splice(45, 2);
    edited.splice(50, 0, 'inserted a', 'inserted b');
    writeFileSync(join(co, 'long.txt'), `${edited.join('\n')}\n`);
    writeFileSync(join(co, 'ws.c'), 'int f(void)  {\n\treturn 1;\n}\n\nint g(void) {\n  return 3;\n}\n');
    f('rm', 'going.txt');
    const deep = 'a-rather-long-directory-name/another-rather-long-directory-name/and-a-third-long-one-here';
    mkdirSync(join(co, deep), { recursive: true });
    writeFileSync(join(co, deep, 'with-a-long-file-name-too.txt'), 'deep\n');
    writeFileSync(join(co, 'tool.sh'), '#!/bin/sh\necho tool\n');
    chmodSync(join(co, 'tool.sh'), 0o755);
    symlinkSync('long.txt', join(co, 'link-to-long'));
    f('add', 'tool.sh', 'link-to-long', `${deep}/with-a-long-file-name-too.txt`);
    f('commit', '--no-warnings', '-m', 'to here', '--date-override', '2024-07-02T11:22:33');
    to = sqlite(repoFile, "SELECT uuid FROM blob JOIN event ON objid=rid WHERE type='ci' ORDER BY mtime DESC LIMIT 1").trim();
    f('close', '--force');
    withManifest = join(tmp.dir, 'manifest.fossil');
    writeFileSync(withManifest, readFileSync(repoFile));
    fossil(['settings', 'manifest', 'on', '-R', withManifest]);
  }, 120_000);

  forEachAdapter((adapter) => {
    it('vdiff lists the files and hunks fossil diff --from --to lists, with and without -w', async () => {
      const db = await adapter.load(repoFile);
      const repo = Repository.open(db);
      for (const [a, b] of [[from, to], [to, from], ['trunk', from]] as const) {
        for (const w of [false, true]) {
          const theirs = parseFossilDiff(fossil(['diff', '--from', a, '--to', b, ...(w ? ['-w'] : []), '-R', repoFile]).stdout);
          const ours = vdiff(repo, a, b, { ignoreWhitespace: w });
          expect(ours.files.map((x) => `${x.change} ${x.name}`), `${a}..${b}${w ? ' -w' : ''}`).toEqual(theirs.map((x) => `${x.change} ${x.name}`));
          const changed = ours.files.filter((x) => x.change === 'changed');
          expect(changed.length).toBeGreaterThan(0);
          for (const x of changed) {
            const mine = x.diff.hunks.map((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines]);
            expect(mine, x.name).toEqual(theirs.find((t) => t.name === x.name)!.hunks);
          }
        }
      }
      // -w makes the whitespace-only edit no change at all; without it, it is one.
      expect(vdiff(repo, from, to, { ignoreWhitespace: true }).files.find((x) => x.name === 'ws.c')!.diff.hunks[0]!.lines.filter((l) => l[0] !== ' ')).toEqual(['-  return 2;', '+  return 3;']);
      db.close();
    });

    it('zip and tarball hold the entries, bytes and modes of fossil zip and fossil tarball', async () => {
      for (const file of [repoFile, withManifest]) {
        const db = await adapter.load(file);
        const repo = Repository.open(db);
        for (const ci of [to, from]) {
          const outZip = join(tmp.dir, `f-${adapter.name}.zip`);
          fossil(['zip', ci, outZip, '-R', file]);
          const ours = zip(repo, ci);
          const theirs = zipEntries(readFileSync(outZip), tmp.dir);
          expect(ours.fileName).toBe(`${[...theirs.keys()][0]!.replace(/\/.*$/, '')}.zip`);
          expect(zipEntries(ours.bytes, tmp.dir)).toEqual(theirs);
          expect([...theirs.values()].some((e) => e.mode === 0o100755)).toBe(true);
          if (ci === to) expect([...theirs.values()].some((e) => e.mode === 0o120755)).toBe(true);
          expect(theirs.has(`${ours.fileName.replace(/\.zip$/, '')}/manifest`)).toBe(file === withManifest);

          const outTar = join(tmp.dir, `f-${adapter.name}.tar.gz`);
          fossil(['tarball', ci, outTar, '-R', file]);
          const tb = tarball(repo, ci);
          const tTheirs = tarEntries(readFileSync(outTar));
          expect(tarEntries(tb.bytes)).toEqual(tTheirs);
          expect([...tTheirs.keys()].some((k) => k.length > 100)).toBe(ci === to);
        }
        db.close();
      }
    });
  });
});
