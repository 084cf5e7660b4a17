// Full-text search against the real fossil: on the fossil-made fixture plus check-ins whose
// comments exercise fossil's word rules (case, `_`, non-ASCII, prefixes, word order), the
// comments found are the ones `fossil search` (and `fossil search -a`) prints; wiki, tickets,
// technotes, forum posts and files at the tip are found too; what arrives later is indexed by
// the next refresh; and a file holding the index still passes `fossil test-integrity`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkinTextOnTip } from '../../src/repo/authoring/checkin.ts';
import { changeTags } from '../../src/repo/authoring/tag.ts';
import { writeWikiPage } from '../../src/repo/authoring/wiki.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { documentSnippets, searchIndex } from '../../src/repo/queries/search.ts';
import { Repository } from '../../src/repo/repository.ts';
import { refreshSearchIndex, refreshSearchIndexIfChanged, SEARCH_DOCS } from '../../src/repo/search-index.ts';
import { searchScore, searchTerms } from '../../src/repo/search-match.ts';
import { forEachAdapter } from '../helpers/dbs.ts';
import { copyFixture } from '../helpers/fossil-fixture.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';

const hasFossil = haveTool('fossil');

const COMMENTS = [
  'Fix the parser crash in the lexer',
  'parser: fix crash when the input is empty',
  'Crash parser fix fix',
  'Unicode naïve café parser — done',
  'snake_case_name handled by the Parser',
  'Parsers are many; PARSING too',
  'the_crash is one word, parser',
  'FIX-CRASH-PARSER in capitals',
];
const PATTERNS = ['parser crash', 'fix', 'pars*', 'naïve', 'crash', 'PARSER fix crash', 'the', 'snake_case_name', 'fix crash parser', 'café —', 'feature', 'nothing-like-this', 'c*'];

/** The hashes (10 characters) `fossil search` prints, one per matching event. */
function fossilSearch(repo: string, pattern: string, all: boolean): string[] {
  const out = fossil(['search', ...(all ? ['-a'] : []), '-W', '0', '-R', repo, ...pattern.split(' ')]).stdout;
  return [...out.matchAll(/^\d\d:\d\d:\d\d \[([0-9a-f]{10})[0-9a-f]*\]/gm)].map((m) => m[1]!);
}

describe('fossil search word rules', () => {
  it('terms and scores as search.c computes them', () => {
    expect(searchTerms('  foo-bar* baz_q ünï 1 2 3 4 5 6 7')).toEqual([
      { text: 'foo', prefix: false }, { text: 'bar', prefix: true }, { text: 'baz_q', prefix: false }, { text: 'ünï', prefix: false },
      { text: '1', prefix: false }, { text: '2', prefix: false }, { text: '3', prefix: false }, { text: '4', prefix: false },
    ]);
    const t = searchTerms('parser crash');
    expect(searchScore(t, 'the parser crash')).toBe(4); // consecutive: 2 × 2
    expect(searchScore(t, 'crash of the parser')).toBe(1);
    expect(searchScore(t, 'parsers crash')).toBe(0);
    expect(searchScore(searchTerms('pars*'), 'PARSING')).toBe(1);
    expect(searchScore(searchTerms('crash'), 'the_crash')).toBe(0);
  });
});

describe.skipIf(!hasFossil)('search index', () => {
  const tmp = tempDir('edgesync-search-');
  let repoFile: string;
  afterAll(() => tmp.cleanup());

  beforeAll(() => {
    repoFile = copyFixture(join(tmp.dir, 'fx.fossil'));
    const co = join(tmp.dir, 'co');
    mkdirSync(co);
    const f = (...args: string[]) => fossil(args, { cwd: co }).stdout;
    f('open', repoFile, '--force');
    COMMENTS.forEach((c, i) => {
      writeFileSync(join(co, 'search-notes.txt'), `note ${i}\n`);
      if (i === 0) f('add', 'search-notes.txt');
      f('commit', '--no-warnings', '-m', c, '--date-override', `2024-05-0${1 + (i % 9)}T00:00:0${i}`);
    });
    writeFileSync(join(co, 'src/tipfile.txt'), 'The aardvark lives at the tip.\n');
    f('add', 'src/tipfile.txt');
    f('commit', '--no-warnings', '-m', 'Add a tip file', '--date-override', '2024-06-01T00:00:00');
    f('close', '--force');
  }, 120_000);

  forEachAdapter((adapter) => {
    it('comments: the set fossil search prints, with and without -a; fossil still checks the file', async () => {
      const db = await adapter.load(repoFile);
      const repo = Repository.open(db, { crosslinker: crosslinkerFactory });
      expect(refreshSearchIndex(repo)).toBeGreaterThan(COMMENTS.length);
      let nonEmpty = 0;
      for (const p of PATTERNS) {
        for (const all of [true, false]) {
          const ours = searchIndex(db, p, { all, limit: 10_000 });
          const theirs = fossilSearch(repoFile, p, all);
          expect(new Set(ours.comments.map((c) => c.uuid.slice(0, 10))), `${p}${all ? ' -a' : ''}`).toEqual(new Set(theirs));
          expect(ours.commentCount).toBe(theirs.length);
          if (theirs.length) nonEmpty++;
        }
      }
      expect(nonEmpty).toBeGreaterThan(PATTERNS.length);
      // fossil's ranking: best score first.
      const ranked = searchIndex(db, 'parser crash', { all: true }).comments;
      expect(ranked[0]!.score).toBeGreaterThan(ranked.at(-1)!.score);
      expect(ranked.map((c) => c.score)).toEqual([...ranked.map((c) => c.score)].sort((a, b) => b - a));

      const saved = join(tmp.dir, `${adapter.name}.fossil`);
      db.close();
      const again = await adapter.load(repoFile);
      refreshSearchIndex(Repository.open(again));
      adapter.save(again, saved);
      again.close();
      expect(fossil(['test-integrity', '-R', saved]).stdout).toMatch(/0 errors/);
      // fossil's own search is what it was: it does not take our tables for its index.
      expect(new Set(fossilSearch(saved, 'parser crash', true))).toEqual(new Set(fossilSearch(repoFile, 'parser crash', true)));
      fossil(['rebuild', saved]);
      expect(fossil(['test-integrity', '-R', saved]).stdout).toMatch(/0 errors/);
    });

    it('wiki, tickets, technotes, forum posts and files at the tip', async () => {
      const db = await adapter.load(repoFile);
      const repo = Repository.open(db, { crosslinker: crosslinkerFactory });
      refreshSearchIndex(repo);
      const docs = (p: string) => searchIndex(db, p).documents.map((d) => `${d.kind}:${d.key}`);
      expect(docs('Third version')).toContain('wiki:Home');
      // An older version's words are not the page's any more.
      expect(docs('Welcome back')).not.toContain('wiki:Home');
      expect(docs('Crash on start')).toEqual(expect.arrayContaining([expect.stringMatching(/^ticket:[0-9a-f]{40}$/)]));
      expect(docs('more words')).toContain(`technote:${fossil(['wiki', 'ls', '-t', '-s', '-R', repoFile]).stdout.trim().split(/\s+/)[0]}`);
      const forum = searchIndex(db, 'Edited body').documents.find((d) => d.kind === 'forum');
      expect(forum?.title).toBe('First topic, edited');
      expect(docs('aardvark')).toEqual(['file:src/tipfile.txt']);
      expect(docs('tipfile')).toContain('file:src/tipfile.txt'); // by its path
      expect(documentSnippets(db, 'aardvark', searchIndex(db, 'aardvark').documents.map((d) => d.id))[0]).toContain('\u0002aardvark\u0003');
      db.close();
    });

    it('what arrives later is found after the next refresh, and edited comments by their new text', async () => {
      const db = await adapter.load(repoFile);
      const repo = Repository.open(db, { crosslinker: crosslinkerFactory });
      refreshSearchIndex(repo);
      const before = db.value<number>(`SELECT count(*) FROM ${SEARCH_DOCS}`)!;
      expect(refreshSearchIndex(repo)).toBe(0);
      expect(db.value<number>(`SELECT count(*) FROM ${SEARCH_DOCS}`)).toBe(before);

      const c = checkinTextOnTip(repo, { files: [{ name: 'zoo/okapi.txt', text: 'A quagga and an okapi.\n' }], comment: 'Add the zebra notes', user: 'alice' });
      writeWikiPage(repo, { title: 'Zebra', text: 'Striped like a zebra crossing.', user: 'alice' });
      const old = searchIndex(db, 'lexer', { all: true }).comments[0]!;
      changeTags(repo, [{ target: repo.content.ridOf(old.uuid)!, name: 'comment', value: 'Reworded: the zebra lexer', op: '+' }], 'alice');
      expect(searchIndex(db, 'quagga').documents).toEqual([]);

      // A search's cheap check sees that rows changed since the last refresh.
      expect(refreshSearchIndexIfChanged(repo)).toBeGreaterThan(0);
      expect(refreshSearchIndexIfChanged(repo)).toBe(0);
      expect(searchIndex(db, 'zebra notes').comments.map((x) => x.uuid)).toEqual([c.uuid]);
      expect(searchIndex(db, 'reworded zebra', { all: true }).comments.map((x) => x.uuid)).toEqual([old.uuid]);
      expect(searchIndex(db, 'parser crash lexer', { all: true }).comments.map((x) => x.uuid)).not.toContain(old.uuid);
      expect(searchIndex(db, 'quagga').documents.map((d) => `${d.kind}:${d.key}`)).toEqual(['file:zoo/okapi.txt']);
      expect(searchIndex(db, 'crossing').documents.map((d) => `${d.kind}:${d.key}`)).toEqual(['wiki:Zebra']);
      db.close();
    });
  });
});
