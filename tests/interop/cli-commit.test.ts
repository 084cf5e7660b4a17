// Check-ins written by `edgesync commit` are checked out by upstream fossil into the same bytes,
// with no checksum warning, and our derived tables equal the ones `fossil rebuild` computes.
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { edgesync } from '../helpers/cli.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';
import { differingTables, dumpDerivedTables } from '../helpers/derived-tables.ts';

const hasFossil = haveTool('fossil');
const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Deterministic pseudo-random bytes, so failures reproduce. */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 255;
  }
  return out;
}

type Tree = Map<string, { data: Uint8Array; exec?: boolean }>;

function writeTree(dir: string, tree: Tree): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, f] of tree) {
    const p = join(dir, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.data);
    if (f.exec) chmodSync(p, 0o755);
  }
}

function readTree(dir: string): Map<string, { data: Buffer; exec: boolean }> {
  const out = new Map<string, { data: Buffer; exec: boolean }>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!['.fslckout', '_FOSSIL_'].includes(e.name)) {
        out.set(relative(dir, p).split(sep).join('/'), { data: readFileSync(p), exec: (statSync(p).mode & 0o111) !== 0 });
      }
    }
  };
  walk(dir);
  return out;
}

describe.skipIf(!hasFossil)('edgesync commit, checked out by fossil', () => {
  const repo = join(tmp.dir, 'r.fossil');
  const work = join(tmp.dir, 'work');
  const checkins: { uuid: string; tree: Tree }[] = [];

  function commit(tree: Tree, args: string[]): string {
    writeTree(work, tree);
    const r = JSON.parse(edgesync(['commit', '-R', repo, '--dir', work, '--json', ...args]).stdout);
    checkins.push({ uuid: r.uuid, tree: new Map(tree) });
    return r.uuid;
  }

  it('makes check-ins with awkward names, binary, empty, executable and large files, deletions, a branch and a merge', () => {
    edgesync(['new', repo]);
    const t1: Tree = new Map([
      ['README.md', { data: new TextEncoder().encode('# hello\n') }],
      ['src/a/b/c/deep.txt', { data: new TextEncoder().encode('deep\n') }],
      ['with space.txt', { data: new TextEncoder().encode('spaces in the name\n') }],
      ['ünïcödé/файл 名前.txt', { data: new TextEncoder().encode('unicode\n') }],
      ['empty.txt', { data: new Uint8Array(0) }],
      ['bin.dat', { data: bytes(3000, 7) }],
      ['run.sh', { data: new TextEncoder().encode('#!/bin/sh\necho hi\n'), exec: true }],
      ['big/five-mb.bin', { data: bytes(5 * 1024 * 1024, 11) }],
    ]);
    commit(t1, ['-m', 'first: awkward names']);

    const t2: Tree = new Map(t1);
    t2.delete('with space.txt');
    t2.set('README.md', { data: new TextEncoder().encode('# hello\n\nmore text\n') });
    const big = bytes(5 * 1024 * 1024, 11);
    big.set(bytes(1000, 3), 2_000_000);
    t2.set('big/five-mb.bin', { data: big });
    t2.set('run.sh', { data: new TextEncoder().encode('#!/bin/sh\necho hello\n'), exec: true });
    commit(t2, ['-m', 'second: a deletion and edits']);

    const t3: Tree = new Map(t2);
    t3.set('feature.txt', { data: new TextEncoder().encode('on a branch\n') });
    commit(t3, ['-m', 'third: on a branch', '--branch', 'feature']);

    const t4: Tree = new Map(t2);
    t4.set('src/a/b/c/deep.txt', { data: new TextEncoder().encode('deeper\n') });
    commit(t4, ['-m', 'fourth: back on trunk', '--branch', 'trunk']);

    const t5: Tree = new Map(t4);
    t5.set('feature.txt', t3.get('feature.txt')!);
    commit(t5, ['-m', 'fifth: merge feature', '--merge', 'feature']);
    expect(checkins).toHaveLength(5);
  });

  it('fossil test-integrity passes', () => {
    expect(fossil(['test-integrity', '-R', repo]).stdout).toMatch(/ 0 errors/);
  });

  it('fossil opens every check-in into the same bytes with no checksum warning', () => {
    for (const [i, ci] of checkins.entries()) {
      const dir = join(tmp.dir, `co${i}`);
      mkdirSync(dir);
      const r = fossil(['open', repo, ci.uuid], { cwd: dir });
      expect(r.stdout + r.stderr).not.toMatch(/checksum|warning|error/i);
      const got = readTree(dir);
      expect([...got.keys()].sort()).toEqual([...ci.tree.keys()].sort());
      for (const [name, f] of ci.tree) {
        expect(Buffer.compare(got.get(name)!.data, Buffer.from(f.data)), name).toBe(0);
        expect(got.get(name)!.exec, `exec bit of ${name}`).toBe(Boolean(f.exec));
      }
      // fossil's own view of the check-out agrees nothing changed.
      expect(fossil(['changes'], { cwd: dir }).stdout.trim()).toBe('');
      fossil(['close', '--force'], { cwd: dir });
    }
  });

  it('fossil sees the branch and the merge', () => {
    const branches = fossil(['branch', 'ls', '-R', repo]).stdout;
    expect(branches).toMatch(/feature/);
    expect(branches).toMatch(/trunk/);
    const tl = fossil(['timeline', '-R', repo, '-n', '0', '-F', '%h %b %c']).stdout;
    expect(tl).toMatch(/feature third: on a branch/);
    expect(tl).toMatch(/trunk fifth: merge feature/);
    expect(tl).toMatch(/\*MERGE\*|fifth/);
  });

  it('our derived tables equal those fossil rebuild computes from the same blobs', () => {
    const copy = join(tmp.dir, 'rebuilt-by-fossil.fossil');
    copyFileSync(repo, copy);
    fossil(['rebuild', copy]);
    // rebuild empties `unsent` (what a push still owes its peer), so that one is compared apart.
    const ours = dumpDerivedTables(repo, { omit: ['unsent'] });
    const theirs = dumpDerivedTables(copy, { omit: ['unsent'] });
    expect(differingTables(ours, theirs)).toEqual([]);
    expect(ours).toEqual(theirs);
    // Every artifact this repository made itself is waiting to be pushed.
    const unsent = dumpDerivedTables(repo).unsent ?? [];
    expect(unsent.length).toBeGreaterThanOrEqual(checkins.length);
  });

  it('edgesync verify passes, and edgesync ls/cat/checkout read back what was written', () => {
    expect(edgesync(['verify', '-R', repo]).stdout).toMatch(/^ok/);
    const last = checkins[checkins.length - 1]!;
    const names = edgesync(['ls', '-R', repo, last.uuid.slice(0, 10)]).stdout.trim().split('\n');
    expect(names.sort()).toEqual([...last.tree.keys()].sort());
    const cat = edgesync(['cat', '-R', repo, 'ünïcödé/файл 名前.txt', '--at', 'trunk']);
    expect(cat.stdout).toBe('unicode\n');
    const out = join(tmp.dir, 'ours');
    edgesync(['checkout', '-R', repo, checkins[0]!.uuid, out]);
    const got = readTree(out);
    for (const [name, f] of checkins[0]!.tree) expect(Buffer.compare(got.get(name)!.data, Buffer.from(f.data)), name).toBe(0);
    expect(got.get('run.sh')!.exec).toBe(true);
  });
});
