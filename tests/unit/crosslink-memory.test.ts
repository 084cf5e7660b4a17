// File names a crosslink session keeps for its whole run must not keep the manifest text they
// were parsed from alive: a rebuild's session lasts for every artifact.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/better-sqlite3.ts';
import { Repository } from '../../src/repo/repository.ts';
import { beginCrosslink, endCrosslink } from '../../src/repo/crosslink/crosslink.ts';
import { filenameId } from '../../src/repo/crosslink/mlink.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
setFlagsFromString('--no-expose-gc');

const TEXTS = 100;
const TEXT_BYTES = 200_000;

/** Heap growth while `keep` is given a name sliced out of each of TEXTS large texts, then the texts are dropped. */
function retainedBy(keep: (name: string, i: number) => void): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < TEXTS; i++) {
    // Built at run time, so each is a fresh string of its own, as a parsed manifest's text is.
    const text = `${'F '.repeat(TEXT_BYTES / 2)}src/file-number-${i}.c\n`;
    const at = text.indexOf('src/');
    keep(text.slice(at, text.length - 1), i);
  }
  gc();
  return process.memoryUsage().heapUsed - before;
}

it('a plain slice of a text keeps the text alive (what the session must avoid)', () => {
  const kept = new Map<string, number>();
  expect(retainedBy((name, i) => kept.set(name, i))).toBeGreaterThan((TEXTS * TEXT_BYTES) / 2);
  expect(kept.size).toBe(TEXTS);
});

it("a session's file names keep only themselves, not the manifests they came from", () => {
  const repo = Repository.create(openNodeDb(':memory:', { create: true }), { adminUser: 'alice' });
  const s = beginCrosslink(repo);
  const ids: number[] = [];
  const grown = retainedBy((name) => ids.push(filenameId(s, name)));
  expect(grown).toBeLessThan((TEXTS * TEXT_BYTES) / 10);
  expect(new Set(ids).size).toBe(TEXTS);
  expect(filenameId(s, 'src/file-number-7.c')).toBe(ids[7]);
  expect(repo.db.value('SELECT count(*) FROM filename WHERE name GLOB ?', 'src/file-number-*')).toBe(TEXTS);
  endCrosslink(s);
  repo.db.close();
});
