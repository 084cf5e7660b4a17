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
import { hasSearchIndex, refreshSearchIndex, refreshSearchIndexIfChanged, SEARCH_COMMENTS, SEARCH_DOCS, SEARCH_EVENTS, SEARCH_TABLE, searchIndexStep, timeKey } from '../../src/repo/search-index.ts';
import { phraseScore, scoresFromPhrases, searchScore, searchTerms } from '../../src/repo/search-match.ts';
import type { Db } from '../../src/db/db.ts';
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

/**
 * Every pattern, with and without `all`: the comments found, their scores and their order are
 * what fossil's score (searchScore) gives over every event's comment: best first, newest first
 * among equal scores.
 */
function expectFossilScores(db: Db, patterns: string[]): void {
  const events = db.all<{ uuid: string; comment: string; mtime: number }>(
    "SELECT (SELECT uuid FROM blob WHERE rid=objid) AS uuid, coalesce(ecomment, comment, '') AS comment, mtime FROM event");
  for (const p of patterns) {
    for (const all of [true, false]) {
      const terms = searchTerms(p);
      const expected = events.map((e) => ({ ...e, score: searchScore(terms, e.comment) })).filter((e) => e.score > 0);
      const best = Math.max(0, ...expected.map((e) => e.score));
      const kept = all ? expected : expected.filter((e) => e.score > Math.floor(best / 3));
      const ours = searchIndex(db, p, { all, limit: 10_000 });
      expect(ours.commentCount, p).toBe(kept.length);
      expect(new Map(ours.comments.map((c) => [c.uuid, c.score])), p).toEqual(new Map(kept.map((e) => [e.uuid, e.score])));
      const time = new Map(kept.map((e) => [e.uuid, e.mtime]));
      ours.comments.slice(1).forEach((c, i) => {
        const prev = ours.comments[i]!;
        expect(prev.score > c.score || (prev.score === c.score && time.get(prev.uuid)! >= time.get(c.uuid)!), `${p}: ${prev.comment} / ${c.comment}`).toBe(true);
      });
    }
  }
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

  it('scores from phrases only where no word can match two terms', () => {
    expect(scoresFromPhrases(searchTerms('parser crash fix'))).toBe(true);
    expect(scoresFromPhrases(searchTerms('fix FIX'))).toBe(false);
    expect(scoresFromPhrases(searchTerms('pars* crash'))).toBe(false);
    // 'a b c' found as the phrase 'a b' and alone: 2 × 2 × 1.
    expect(phraseScore(3, [[0, 1]])).toBe(4);
    expect(phraseScore(3, [[0, 1], [1, 2], [0, 2]])).toBe(27);
    expect(phraseScore(2, [])).toBe(1);
  });

  it('time keys follow time, to the millisecond, with room for events that share one', () => {
    const day = 2460000.5;
    const ms = 1 / 86_400_000;
    expect(timeKey(day + ms)).toBeGreaterThan(timeKey(day) + 1000);
    expect(timeKey(day - ms)).toBeLessThan(timeKey(day) - 1000);
    expect(timeKey(day + 0.4 * ms)).toBe(timeKey(day));
    expect(Number.isSafeInteger(timeKey(day))).toBe(true);
    expect(Number.isSafeInteger(timeKey(1e12))).toBe(true);
    expect(Number.isSafeInteger(timeKey(-1e12))).toBe(true);
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
      // Each kind's snippet.
      const snippetOf = (p: string, kind: string) => documentSnippets(db, p, [searchIndex(db, p).documents.find((x) => x.kind === kind)!.id])[0];
      expect(snippetOf('aardvark', 'file')).toContain('\u0002aardvark\u0003');
      expect(snippetOf('Third version', 'wiki')).toMatch(/\u0002Third\u0003 \u0002version\u0003/i);
      expect(snippetOf('more words', 'technote')).toMatch(/\u0002more\u0003 \u0002words\u0003/i);
      expect(snippetOf('Edited body', 'forum')).toMatch(/\u0002Edited\u0003 \u0002body\u0003/i);
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

    it('scores and order equal fossil\'s score over every comment, many sharing a time', async () => {
      const db = await adapter.load(repoFile);
      const repo = Repository.open(db, { crosslinker: crosslinkerFactory });
      refreshSearchIndex(repo);
      // Comments from few words, so that runs of them recur; a seeded generator, the same each run.
      const words = ['alpha', 'beta', 'gamma', 'delta', 'Alpha', 'beta_x'];
      let seed = 7;
      const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
      const sameTime = new Date('2025-01-02T03:04:05.678Z');
      for (let i = 0; i < 40; i++) {
        const comment = Array.from({ length: 2 + rand(6) }, () => words[rand(words.length)]).join(' ');
        // Half of them at one and the same millisecond, the rest a second apart.
        const date = i % 2 ? sameTime : new Date(Date.UTC(2025, 0, 3, 0, 0, i));
        checkinTextOnTip(repo, { files: [{ name: 'gen.txt', text: `${i}\n` }], comment, user: 'gen', date });
      }
      refreshSearchIndexIfChanged(repo);
      expectFossilScores(db, ['alpha beta', 'beta alpha gamma', 'gamma delta alpha beta', 'alpha alpha', 'alph* beta', 'beta_x gamma', 'delta']);
      db.close();
    });

    it('made step by step, with check-ins arriving between steps, the index is the one a single build makes', async () => {
      const db = await adapter.load(repoFile);
      const repo = Repository.open(db, { crosslinker: crosslinkerFactory });
      const add = (i: number, date: Date) => checkinTextOnTip(repo, { files: [{ name: `step/${i}.txt`, text: `step ${i} wombat\n` }], comment: `step ${i} alpha beta`, user: 'gen', date });
      let steps = 0;
      // No time at all for each step: each still does one piece of work, and says when it is done.
      while (!searchIndexStep(repo, 0)) {
        expect(hasSearchIndex(db)).toBe(false);
        steps++;
        // Arrivals while the rows are written, while they are indexed, while files are read:
        // some older than what is indexed so far, some newer.
        if (steps % 7 === 0) add(steps, new Date(Date.UTC(2001, 0, 1, 0, 0, steps)));
        if (steps % 11 === 0) add(steps, new Date(Date.UTC(2030, 0, 1, 0, 0, steps)));
        expect(steps).toBeLessThan(100_000);
      }
      expect(steps).toBeGreaterThan(20);
      expect(hasSearchIndex(db)).toBe(true);
      expect(refreshSearchIndex(repo)).toBe(0);
      expectFossilScores(db, ['alpha beta', 'step', 'parser crash', 'fix', 'lexer']);
      // What it finds is what an index made in one go (from the same file) finds (documents of equal
      // rank may come in another order).
      const patterns = ['wombat', 'alpha beta', 'step', 'aardvark', 'Third version', 'Crash on start'];
      const found = (p: string) => { const r = searchIndex(db, p, { all: true, limit: 10_000 }); return { ...r, documents: r.documents.map((d) => `${d.kind}:${d.key}:${d.title}`).sort() }; };
      const stepwise = patterns.map(found);
      expect(stepwise[0]!.documents.length).toBeGreaterThan(5);
      for (const t of [SEARCH_COMMENTS, SEARCH_EVENTS, SEARCH_TABLE, SEARCH_DOCS]) db.exec(`DROP TABLE ${t}`);
      refreshSearchIndex(repo);
      expect(patterns.map(found)).toEqual(stepwise);
      db.close();
    });

    it('an index of the earlier layout is replaced by a new one at the next search', async () => {
      const db = await adapter.load(repoFile);
      const repo = Repository.open(db, { crosslinker: crosslinkerFactory });
      db.exec("CREATE VIRTUAL TABLE edgesync_search USING fts5(title, body, tokenize=\"ascii tokenchars '_'\")");
      db.exec('CREATE TABLE edgesync_search_doc(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL, rid INTEGER, mtime REAL, stamp TEXT, uuid TEXT, type TEXT, user TEXT, UNIQUE(kind, key))');
      expect(hasSearchIndex(db)).toBe(false);
      refreshSearchIndexIfChanged(repo);
      expect(hasSearchIndex(db)).toBe(true);
      expect(db.value<number>(`SELECT count(*) FROM ${SEARCH_EVENTS}`)).toBe(db.value<number>('SELECT count(*) FROM event'));
      expect(searchIndex(db, 'lexer', { all: true }).comments.length).toBeGreaterThan(0);
      expect(searchIndex(db, 'aardvark').documents.map((d) => `${d.kind}:${d.key}`)).toEqual(['file:src/tipfile.txt']);
      db.close();
    });
  });
});
