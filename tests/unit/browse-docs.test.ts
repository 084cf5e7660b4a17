// The difference between two check-ins and a check-in's archives, against the real fossil: the
// files and hunks `fossil diff --from A --to B` (and `-w`) lists, and the entries, bytes and modes
// of `fossil zip` and `fossil tarball`, on both Db adapters.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tarball, vdiff, zip } from '../../src/peer/browse-docs.ts';
import { lineHunks } from '../../src/repo/line-diff.ts';
import { Repository } from '../../src/repo/repository.ts';
import { forEachAdapter } from '../helpers/dbs.ts';
import { copyFixture } from '../helpers/fossil-fixture.ts';
import { fossil, haveTool, sqlite, tempDir } from '../helpers/tools.ts';

const hasFossil = haveTool('fossil');

interface ListedFile { name: string; change: string; hunks: string[][] }

/** `fossil diff` output: per file, its change and each hunk as its header and lines. */
function parseFossilDiff(out: string): ListedFile[] {
  const files: ListedFile[] = [];
  let cur: ListedFile | undefined;
  for (const line of out.split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^Index: (.*)$/.exec(line))) files.push((cur = { name: m[1]!, change: 'changed', hunks: [] }));
    else if ((m = /^(ADDED|DELETED)\s+(.*)$/.exec(line))) { files.push({ name: m[2]!, change: m[1]!.toLowerCase(), hunks: [] }); cur = undefined; }
    else if (cur && line.startsWith('@@')) cur.hunks.push([line]);
    else if (cur && cur.hunks.length && /^[-+ ]/.test(line) && !/^(---|\+\+\+) /.test(line)) cur.hunks.at(-1)!.push(line);
  }
  return files;
}

/** ZIP entries from the central directory: name, Unix mode, and (from the local data) bytes. */
function zipEntries(zipBytes: Uint8Array): Map<string, { mode: number; bytes: string }> {
  const v = new DataView(zipBytes.buffer, zipBytes.byteOffset, zipBytes.byteLength);
  let end = zipBytes.length - 22;
  while (v.getUint32(end, true) !== 0x06054b50) end--;
  const out = new Map<string, { mode: number; bytes: string }>();
  let p = v.getUint32(end + 16, true);
  const n = v.getUint16(end + 10, true);
  const dir = join(tmpZip.dir, `x${++unzipped}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'a.zip'), zipBytes);
  for (let i = 0; i < n; i++) {
    const nameLen = v.getUint16(p + 28, true);
    const name = new TextDecoder().decode(zipBytes.subarray(p + 46, p + 46 + nameLen));
    const mode = v.getUint32(p + 38, true) >>> 16;
    out.set(name, { mode, bytes: name.endsWith('/') ? '' : unzipEntry(join(dir, 'a.zip'), name) });
    p += 46 + nameLen + v.getUint16(p + 30, true) + v.getUint16(p + 32, true);
  }
  return out;
}
const tmpZip = tempDir('edgesync-zip-');
let unzipped = 0;
/** One entry's bytes as unzip extracts them (hex), so each archive is read by the same other reader. */
function unzipEntry(zipFile: string, name: string): string {
  return Buffer.from(execFileSync('unzip', ['-p', zipFile, name.replace(/([[\]*?])/g, '[$1]')], { maxBuffer: 64 << 20 })).toString('hex');
}

/** Entries of a gzipped tar: path (pax `path` when given), type, mode, bytes (hex), link. */
function tarEntries(gz: Uint8Array): Map<string, { type: string; mode: number; bytes: string; link: string }> {
  const tar = gunzipSync(gz);
  const out = new Map<string, { type: string; mode: number; bytes: string; link: string }>();
  const str = (o: number, n: number) => new TextDecoder().decode(tar.subarray(o, o + n)).replace(/\0.*$/s, '');
  let pax: string | undefined;
  for (let o = 0; o + 512 <= tar.length && tar[o] !== 0;) {
    const size = parseInt(str(o + 124, 12).trim() || '0', 8);
    const type = str(o + 156, 1) || '0';
    const prefix = str(o + 345, 155);
    const name = pax ?? (prefix ? `${prefix}/${str(o, 100)}` : str(o, 100));
    const body = tar.subarray(o + 512, o + 512 + size);
    pax = undefined;
    if (type === 'x') pax = /\d+ path=(.*)\n/.exec(new TextDecoder().decode(body))?.[1];
    else out.set(name.replace(/\/$/, ''), { type, mode: parseInt(str(o + 100, 8).trim(), 8), bytes: Buffer.from(body).toString('hex'), link: type === '2' ? str(o + 157, 100) : '' });
    o += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

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
  });
});

describe.skipIf(!hasFossil)('vdiff and archives against fossil', () => {
  const tmp = tempDir('edgesync-docs-');
  let repoFile: string;
  let withManifest: string;
  let from: string;
  let to: string;
  afterAll(() => {
    tmp.cleanup();
    tmpZip.cleanup();
  });

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
          const theirs = zipEntries(readFileSync(outZip));
          expect(ours.fileName).toBe(`${[...theirs.keys()][0]!.replace(/\/.*$/, '')}.zip`);
          expect(zipEntries(ours.bytes)).toEqual(theirs);
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
