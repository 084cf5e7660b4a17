// The browsing pages' queries that were rewritten for speed (branches, leaves, file history, the
// timeline's type filter), pinned to what the queries they replaced return on the fossil-made fixture, with and without the browsing indexes; and a file
// with those indexes is still one fossil checks and rebuilds.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { openNodeDb } from '../../src/db/better-sqlite3.ts';
import { fileAt, historyPage, tree } from '../../src/peer/browse.ts';
import { BROWSE_INDEXES, ensureBrowseIndexes } from '../../src/repo/browse-indexes.ts';
import { Repository } from '../../src/repo/repository.ts';
import { branches, leaves, tagNames } from '../../src/repo/queries/branches.ts';
import { fileHistory, fileHistoryCount } from '../../src/repo/queries/files.ts';
import { repoStats } from '../../src/repo/queries/stats.ts';
import { timeline } from '../../src/repo/queries/timeline.ts';
import { julianToIso } from '../../src/repo/queries/time.ts';
import { forEachAdapter } from '../helpers/dbs.ts';
import { copyFixture, fossilFixture } from '../helpers/fossil-fixture.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';

const hasFossil = haveTool('fossil');

/** branches() as it was: the tip's hash joined in for every check-in. */
function branchesBefore(db: Db) {
  const rows = db.all<{ name: string; tip: string; mtime: number; n: number }>(`
    SELECT tagxref.value AS name, blob.uuid AS tip, max(event.mtime) AS mtime, count(*) AS n
      FROM tagxref JOIN event ON event.objid=tagxref.rid JOIN blob ON blob.rid=tagxref.rid
     WHERE tagxref.tagid=8 AND tagxref.tagtype>0 AND event.type='ci'
     GROUP BY tagxref.value ORDER BY tagxref.value`);
  const open = new Map(db.all<{ name: string; n: number }>(`
    SELECT y.value AS name, count(*) AS n FROM leaf JOIN tagxref y ON y.rid=leaf.rid AND y.tagid=8 AND y.tagtype>0
     WHERE NOT EXISTS(SELECT 1 FROM tagxref c WHERE c.rid=leaf.rid AND c.tagid=9 AND c.tagtype>0)
     GROUP BY y.value`).map((r) => [r.name, r.n]));
  return rows.map((r) => ({ name: r.name, tip: r.tip, time: julianToIso(r.mtime), checkins: r.n, closed: !open.get(r.name) }));
}

/** leaves() as it was: the branch and closed tags in correlated subqueries. */
function leavesBefore(db: Db) {
  return db.all<{ uuid: string; branch: string | null; mtime: number; comment: string; closed: number }>(`
    SELECT blob.uuid AS uuid,
           (SELECT value FROM tagxref WHERE rid=leaf.rid AND tagid=8 AND tagtype>0) AS branch,
           event.mtime AS mtime, coalesce(event.ecomment, event.comment, '') AS comment,
           EXISTS(SELECT 1 FROM tagxref WHERE rid=leaf.rid AND tagid=9 AND tagtype>0) AS closed
      FROM leaf JOIN blob ON blob.rid=leaf.rid JOIN event ON event.objid=leaf.rid
     ORDER BY event.mtime DESC`).map((r) => ({ uuid: r.uuid, branch: r.branch, time: julianToIso(r.mtime), comment: r.comment, closed: Boolean(r.closed) }));
}

/**
 * fileHistory() written plainly, as fossil finfo's query: every check-in that changed the file
 * joined to everything, one row per check-in and content, in full order (time, then the newer
 * check-in), the page cut last; the old name is the rename against the primary parent's row.
 */
function fileHistoryPlain(db: Db, path: string, limit = 500, offset = 0) {
  return fileHistoryRows(db, path, `LIMIT ${limit} OFFSET ${offset}`)
    .map((r) => ({ checkin: r.checkin, time: julianToIso(r.mtime), user: r.user, comment: r.comment, branch: r.branch, uuid: r.uuid, renamedFrom: r.oldname }));
}

function fileHistoryRows(db: Db, path: string, page = '') {
  return db.all<{ checkin: string; mtime: number; user: string; comment: string; branch: string | null; uuid: string; oldname: string | null }>(
    `SELECT ci.uuid AS checkin, event.mtime AS mtime, coalesce(event.euser, event.user, '') AS user,
            coalesce(event.ecomment, event.comment, '') AS comment,
            (SELECT value FROM tagxref WHERE tagxref.rid=mlink.mid AND tagid=8 AND tagtype>0) AS branch,
            b.uuid AS uuid,
            (SELECT name FROM filename WHERE fnid=(
               SELECT min(CASE WHEN m.pfnid>0 AND m.pfnid!=m.fnid THEN m.pfnid END) FROM mlink m
                WHERE m.mid=mlink.mid AND m.fnid=mlink.fnid AND m.fid=mlink.fid
                  AND m.isaux=(SELECT min(x.isaux) FROM mlink x WHERE x.mid=mlink.mid AND x.fnid=mlink.fnid AND x.fid=mlink.fid))) AS oldname
       FROM filename JOIN mlink ON mlink.fnid=filename.fnid JOIN blob b ON b.rid=mlink.fid
       JOIN event ON event.objid=mlink.mid JOIN blob ci ON ci.rid=mlink.mid
      WHERE filename.name=? AND mlink.fid>0
      GROUP BY mlink.mid, mlink.fid
      ORDER BY event.mtime DESC, mlink.mid DESC, mlink.fid ${page}`,
    path,
  );
}

/** tagNames() as it was: every tag's rows looked through for one in use. */
function tagNamesBefore(db: Db) {
  return db.prepare(`
    SELECT substr(tagname,5) FROM tag
     WHERE tagname GLOB 'sym-*' AND EXISTS(SELECT 1 FROM tagxref WHERE tagxref.tagid=tag.tagid AND tagxref.tagtype>0)
     ORDER BY tagname`).column<string>();
}

const indexNames = (db: Db) => db.prepare("SELECT name FROM sqlite_schema WHERE type='index' ORDER BY name").column<string>();

describe.runIf(hasFossil)('browse queries on a repository made by fossil', () => {
  forEachAdapter((adapter) => {
    let plain: Db;
    let indexed: Db;
    beforeAll(async () => {
      plain = await adapter.load(fossilFixture().path);
      indexed = await adapter.load(fossilFixture().path);
      ensureBrowseIndexes(indexed);
    });

    it('the branch list is what the query it replaced returned, with and without the indexes', () => {
      const before = branchesBefore(plain);
      // The fixture has several branches, one closed, and a branch with more than one check-in.
      expect(before.length).toBeGreaterThan(2);
      expect(before.some((b) => b.closed)).toBe(true);
      expect(before.some((b) => b.checkins > 1)).toBe(true);
      expect(branches(plain)).toEqual(before);
      expect(branches(indexed)).toEqual(before);
      expect(branchesBefore(indexed)).toEqual(before);
    });

    it('the branch list with tips of the newest open branches only is the list without the other tips', () => {
      const before = branchesBefore(plain);
      const openByTime = before.filter((b) => !b.closed).map((b) => b.time).sort().reverse();
      expect(openByTime.length).toBeGreaterThan(1);
      for (const n of [0, 1, 2, 1000]) {
        const since = n === 0 ? '~' : openByTime[Math.min(n, openByTime.length) - 1]!;
        const want = before.map(({ tip, ...rest }) => (!rest.closed && rest.time >= since ? { ...rest, tip } : rest));
        expect(branches(indexed, { tipsOf: n }), `tipsOf ${n}`).toEqual(want);
        expect(branches(plain, { tipsOf: n }), `tipsOf ${n}`).toEqual(want);
      }
      expect(branches(plain, { tipsOf: 1 }).filter((b) => b.tip)).toHaveLength(1);
    });

    it('leaves are what the query they replaced returned, with and without the indexes', () => {
      const before = leavesBefore(plain);
      expect(before.length).toBeGreaterThan(2);
      expect(before.some((l) => l.closed)).toBe(true);
      expect(before.some((l) => l.branch !== 'trunk')).toBe(true);
      expect(leaves(plain, { includeClosed: true })).toEqual(before);
      expect(leaves(indexed, { includeClosed: true })).toEqual(before);
      expect(leaves(indexed)).toEqual(before.filter((l) => !l.closed));
      expect(leaves(plain)).toEqual(before.filter((l) => !l.closed));
      for (const limit of [0, 1, 2, before.length + 1]) {
        expect(leaves(indexed, { includeClosed: true, limit }), `limit ${limit}`).toEqual(before.slice(0, limit));
        expect(leaves(plain, { limit }), `limit ${limit}`).toEqual(before.filter((l) => !l.closed).slice(0, limit));
      }
    });

    it('file history is what the query it replaced returned, with and without the indexes', () => {
      // Every file, the renamed one among them, and a limit that cuts a history short.
      const files = plain.prepare('SELECT name FROM filename ORDER BY name').column<string>();
      expect(files.length).toBeGreaterThan(3);
      const renamed = files.filter((f) => fileHistoryPlain(plain, f).some((v) => v.renamedFrom));
      expect(renamed.length).toBeGreaterThan(0);
      for (const f of files) {
        const before = fileHistoryPlain(plain, f);
        expect(fileHistory(plain, f), f).toEqual(before);
        expect(fileHistory(indexed, f), f).toEqual(before);
        expect(fileHistory(indexed, f, 2), f).toEqual(fileHistoryPlain(plain, f, 2));
      }
      expect(files.some((f) => fileHistoryPlain(plain, f).length > 2)).toBe(true);
    });

    it('the timeline, by one type, several types, branch or time, reads the same with the indexes', () => {
      for (const q of [{}, { types: ['ci'] }, { types: ['w'] }, { types: ['ci', 'w', 'e'] }, { branch: 'trunk' }, { types: ['ci'], before: 2500000 }, { limit: 3, offset: 2 }]) {
        const before = timeline(plain, q);
        expect(before.length, JSON.stringify(q)).toBeGreaterThan(0);
        expect(timeline(indexed, q), JSON.stringify(q)).toEqual(before);
      }
      // Several types: the rows and order of the filter as it was written before (no unary +).
      const several = plain.prepare(`SELECT event.objid FROM event JOIN blob ON blob.rid=event.objid
        WHERE event.type IN ('ci','w','e') ORDER BY event.mtime DESC, event.objid DESC`).column<number>();
      expect(new Set(timeline(plain, { types: ['ci', 'w', 'e'] }).map((e) => e.type))).toEqual(new Set(['ci', 'w', 'e']));
      expect(timeline(indexed, { types: ['ci', 'w', 'e'] }).map((e) => e.rid)).toEqual(several);
    });

    it('stats and tags read the same with the indexes as without', () => {
      expect(repoStats(indexed)).toEqual(repoStats(plain));
      expect(repoStats(plain).storedBytes).toBeGreaterThan(0);
      expect(repoStats(plain).expandedBytes).toBeGreaterThan(0);
    });

    it('tag names are what the query they replaced returned, a cancelled tag and a propagated one among them', () => {
      const before = tagNamesBefore(plain);
      expect(before.length).toBeGreaterThan(2);
      // The fixture cancels a tag: a sym- tag with rows, none in use, is left out.
      expect(plain.value(`SELECT count(*) FROM tag WHERE tagname GLOB 'sym-*' AND EXISTS(SELECT 1 FROM tagxref WHERE tagxref.tagid=tag.tagid)
        AND NOT EXISTS(SELECT 1 FROM tagxref WHERE tagxref.tagid=tag.tagid AND tagtype>0)`)).toBeGreaterThan(0);
      expect(tagNames(plain)).toEqual(before);
      expect(tagNames(indexed)).toEqual(before);
      // A tag in use only where it propagated to (its own row cancelled) is still listed.
      const t = indexed.get<{ tagid: number }>(`SELECT tagid FROM tagxref JOIN tag USING(tagid)
        WHERE tagname GLOB 'sym-*' AND tagtype=2 AND srcid>0 ORDER BY tagid LIMIT 1`)!;
      expect(indexed.value('SELECT count(*) FROM tagxref WHERE tagid=? AND tagtype=2 AND srcid=0', t.tagid)).toBeGreaterThan(0);
      const own = indexed.all<{ id: number; tagtype: number }>('SELECT rowid AS id, tagtype FROM tagxref WHERE tagid=? AND srcid>0', t.tagid);
      indexed.run('UPDATE tagxref SET tagtype=0 WHERE tagid=? AND srcid>0', t.tagid);
      try {
        expect(tagNames(indexed)).toEqual(tagNamesBefore(indexed));
        expect(tagNamesBefore(indexed)).toEqual(before);
      } finally {
        for (const r of own) indexed.run('UPDATE tagxref SET tagtype=? WHERE rowid=?', r.tagtype, r.id);
      }
    });

    it('a tree sized for one folder is the whole tree, with the sizes of what that folder shows', () => {
      const repo = Repository.open(plain);
      const whole = tree(repo, 'trunk');
      const names = whole.files.map((f) => f.name);
      expect(names.some((n) => !n.includes('/')) && names.some((n) => n.split('/').length > 2)).toBe(true);
      expect(whole.files.every((f) => typeof f.size === 'number' && f.size >= 0)).toBe(true);
      for (const [dir, flat] of [['', false], ['', true], ['src', false], ['src/', true], ['src/lib', false], ['nowhere', false]] as const) {
        const part = tree(repo, 'trunk', { dir, flat });
        const prefix = dir ? `${dir.replace(/\/$/, '')}/` : '';
        const shown = (n: string) => n.startsWith(prefix) && (flat || !n.slice(prefix.length).includes('/'));
        expect({ ...part, files: [] }, `${dir} ${flat}`).toEqual({ ...whole, files: [] });
        expect(part.files, `${dir} ${flat}`).toEqual(whole.files.map((f) => (shown(f.name) ? f : { name: f.name, uuid: f.uuid, perm: f.perm })));
        if (dir !== 'nowhere') expect(part.files.some((f) => f.size !== undefined), `${dir} ${flat}`).toBe(true);
      }
      const file = whole.files.find((f) => f.name.includes('/'))!;
      expect(fileAt(repo, 'trunk', file.name).size).toBe(file.size);
    });

    it('the indexes are made once, and only the missing ones', () => {
      const names = BROWSE_INDEXES.map((sql) => /INDEX IF NOT EXISTS (\w+)/.exec(sql)![1]!);
      expect(indexNames(plain)).not.toContain(names[0]);
      expect(indexNames(indexed)).toEqual(expect.arrayContaining(names));
      const count = indexNames(indexed).length;
      ensureBrowseIndexes(indexed);
      expect(indexNames(indexed)).toHaveLength(count);
      indexed.exec(`DROP INDEX ${names[1]}`);
      ensureBrowseIndexes(indexed);
      expect(indexNames(indexed)).toHaveLength(count);
    });

    it('fossil checks, syncs into, rebuilds and reads a repository with the indexes', () => {
      const tmp = tempDir('edgesync-browse-idx-');
      try {
        const file = join(tmp.dir, 'indexed.fossil');
        adapter.save(indexed, file);
        expect(fossil(['test-integrity', '-R', file]).stdout).toMatch(/0 errors/);
        // A check-in on a new branch made elsewhere, pulled by fossil into the indexed file: fossil
        // keeps the indexes up to date, and the pages read it as they read fossil's own tables.
        const co = join(tmp.dir, 'co');
        mkdirSync(co);
        fossil(['open', copyFixture(join(tmp.dir, 'other.fossil')), '--force', '--nosync'], { cwd: co });
        writeFileSync(join(co, 'pulled.txt'), 'pulled\n');
        fossil(['add', 'pulled.txt'], { cwd: co });
        fossil(['commit', '-m', 'on a new branch', '--branch', 'pulled-branch', '--nosync'], { cwd: co });
        fossil(['close', '--force'], { cwd: co });
        fossil(['pull', join(tmp.dir, 'other.fossil'), '-R', file]);
        expect(fossil(['test-integrity', '-R', file]).stdout).toMatch(/0 errors/);
        const pulled = openNodeDb(file, { readonly: true });
        try {
          expect(branches(pulled).map((b) => b.name)).toContain('pulled-branch');
          expect(branches(pulled)).toEqual(branchesBefore(pulled));
          expect(tagNames(pulled)).toEqual(tagNamesBefore(pulled));
          expect(leaves(pulled, { includeClosed: true })).toEqual(leavesBefore(pulled));
          expect(pulled.value('PRAGMA integrity_check')).toBe('ok');
        } finally {
          pulled.close();
        }
        fossil(['rebuild', file]);
        expect(fossil(['test-integrity', '-R', file]).stdout).toMatch(/0 errors/);
        // After fossil's rebuild (which drops the event and tagxref indexes with their tables), the
        // next open makes them again, and the branches are fossil's.
        const rebuilt = openNodeDb(file);
        try {
          ensureBrowseIndexes(rebuilt);
          expect(indexNames(rebuilt)).toEqual(expect.arrayContaining(BROWSE_INDEXES.map((sql) => /INDEX IF NOT EXISTS (\w+)/.exec(sql)![1]!)));
          expect(fossil(['branch', 'ls', '-a', '-R', file]).stdout.trim().split('\n').map((l) => l.replace(/^[* ]+/, '').trim()).sort())
            .toEqual(branches(rebuilt).map((b) => b.name).sort());
          expect(branches(rebuilt)).toEqual(branchesBefore(rebuilt));
        } finally {
          rebuilt.close();
        }
      } finally {
        tmp.cleanup();
      }
    });
  });
});

/**
 * A repository made by fossil where one file is renamed on a branch while trunk changes it, and
 * the branch is merged back (the merge has two rows for the file: renamed against trunk, not
 * against the branch); two branches change another file at the same instant; a tag propagates
 * along trunk and is cancelled further down, another is added and cancelled; a branch is closed.
 */
function branchyRepository(dir: string): string {
  const repo = join(dir, 'branchy.fossil');
  const wd = join(dir, 'co');
  mkdirSync(wd);
  const f = (...args: string[]) => fossil(args, { cwd: wd }).stdout;
  const lines = (...xs: string[]) => `${xs.join('\n')}\n`;
  const commit = (comment: string, date: string, ...extra: string[]) => {
    f('commit', '--no-warnings', '-m', comment, '--date-override', date, ...extra);
    return f('info').match(/^checkout:\s+([0-9a-f]{16,64})/m)![1]!;
  };
  fossil(['init', '--date-override', '2024-03-01T00:00:00', '-A', 'alice', repo]);
  f('open', repo);
  f('settings', 'autosync', 'off');
  f('settings', 'mtime-changes', 'off');
  writeFileSync(join(wd, 'a.txt'), lines('1', '2', '3', '4', '5', '6', '7', '8'));
  writeFileSync(join(wd, 'b.txt'), lines('b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8'));
  f('add', 'a.txt', 'b.txt');
  const c1 = commit('Two files', '2024-03-01T10:00:00');
  f('mv', '--hard', 'a.txt', 'moved.txt');
  writeFileSync(join(wd, 'moved.txt'), lines('1', '2', '3', '4', '5', '6', '7', 'eight'));
  const r1 = commit('Rename a.txt on a branch', '2024-03-02T10:00:00', '--branch', 'ren');
  writeFileSync(join(wd, 'b.txt'), lines('b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b-eight'));
  const r2 = commit('The branch changes b.txt', '2024-03-04T10:00:00');
  f('update', 'trunk');
  writeFileSync(join(wd, 'a.txt'), lines('one', '2', '3', '4', '5', '6', '7', '8'));
  commit('Trunk changes a.txt', '2024-03-03T10:00:00');
  writeFileSync(join(wd, 'b.txt'), lines('b-one', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8'));
  const t2 = commit('Trunk changes b.txt at the same instant as the branch', '2024-03-04T10:00:00');
  f('merge', 'ren');
  commit('Merge the rename into trunk', '2024-03-05T10:00:00');
  writeFileSync(join(wd, 'moved.txt'), lines('one', '2', '3', '4', '5', '6', '7', 'eight', 'nine'));
  commit('Trunk changes the renamed file', '2024-03-06T10:00:00');
  const tag = (d: string) => ['--date-override', d];
  f('tag', 'add', ...tag('2024-04-01T00:00:00'), '--propagate', 'line', c1);
  f('tag', 'cancel', ...tag('2024-04-01T00:01:00'), 'line', t2);
  f('tag', 'add', ...tag('2024-04-01T00:02:00'), 'gone', r1);
  f('tag', 'cancel', ...tag('2024-04-01T00:03:00'), 'gone', r1);
  f('tag', 'add', ...tag('2024-04-01T00:04:00'), 'kept', r2);
  f('amend', r2, '--close', ...tag('2024-04-01T00:05:00'));
  f('close', '--force');
  return repo;
}

describe.runIf(hasFossil)('file history, branches and tags where a file is renamed and changed across branches', () => {
  const tmp = tempDir('edgesync-branchy-');
  let repo: string;
  let checkout: string;
  beforeAll(() => {
    repo = branchyRepository(tmp.dir);
    // fossil finfo reads a check-out (which fossil records in its repository): a copy's.
    checkout = join(tmp.dir, 'finfo');
    mkdirSync(checkout);
    copyFileSync(repo, join(tmp.dir, 'finfo.fossil'));
    fossil(['open', join(tmp.dir, 'finfo.fossil'), '--force', '--nosync'], { cwd: checkout });
  });
  afterAll(() => {
    fossil(['close', '--force'], { cwd: checkout, allowFail: true });
    tmp.cleanup();
  });
  const fco = (...args: string[]) => fossil(args, { cwd: checkout }).stdout;

  forEachAdapter((adapter) => {
    let plain: Db;
    let indexed: Db;
    beforeAll(async () => {
      plain = await adapter.load(repo);
      indexed = await adapter.load(repo);
      ensureBrowseIndexes(indexed);
    });

    it('the repository has what the comparisons need', () => {
      // The merge: two rows of mlink for one check-in, renamed against trunk (its primary parent)
      // and not against the branch; the page lists it once, as fossil finfo does, renamed.
      const merge = plain.all<{ mid: number; isaux: number; old: string | null }>(`SELECT mid, isaux, (SELECT name FROM filename WHERE fnid=pfnid AND pfnid!=mlink.fnid) AS old
        FROM mlink WHERE fnid=(SELECT fnid FROM filename WHERE name='moved.txt') AND mid IN (
          SELECT mid FROM mlink WHERE fnid=(SELECT fnid FROM filename WHERE name='moved.txt') GROUP BY mid HAVING count(*)>1) ORDER BY isaux`);
      expect(merge.map((r) => [r.isaux, r.old])).toEqual([[0, 'a.txt'], [1, null]]);
      const moved = fileHistoryPlain(plain, 'moved.txt');
      expect(moved.filter((v) => v.renamedFrom === 'a.txt')).toHaveLength(2);
      expect(new Set(moved.map((v) => v.checkin)).size).toBe(moved.length);
      // b.txt changed on two branches at the same instant.
      const b = fileHistoryPlain(plain, 'b.txt');
      expect(new Set(b.map((r) => r.time)).size).toBeLessThan(b.length);
      expect(new Set(b.map((r) => r.branch))).toEqual(new Set(['trunk', 'ren']));
      // The tags: a cancelled one, one propagated and cancelled further down, a closed branch.
      expect(tagNames(plain)).toEqual(expect.arrayContaining(['kept', 'line', 'trunk', 'ren']));
      expect(tagNames(plain)).not.toContain('gone');
      expect(plain.value(`SELECT count(*) FROM tagxref JOIN tag USING(tagid) WHERE tagname='sym-line' AND tagtype=0`)).toBeGreaterThan(0);
      expect(branches(plain).find((x) => x.name === 'ren')?.closed).toBe(true);
    });

    it('each page of every file history is that page of the plain query, and the count is its length', () => {
      const files = plain.prepare('SELECT name FROM filename ORDER BY name').column<string>();
      expect(files).toEqual(['a.txt', 'b.txt', 'moved.txt']);
      for (const f of files) {
        const all = fileHistoryPlain(plain, f);
        expect(all.length, f).toBeGreaterThan(1);
        for (const db of [plain, indexed]) {
          expect(fileHistory(db, f), f).toEqual(all);
          expect(fileHistoryCount(db, f), f).toBe(all.length);
          for (const [limit, offset] of [[1, 0], [2, 0], [1, 1], [2, 1], [2, 2], [3, 1], [1, all.length - 1], [5, all.length], [0, 0]] as const) {
            expect(fileHistory(db, f, limit, offset), `${f} ${limit}@${offset}`).toEqual(all.slice(offset, offset + limit));
          }
        }
      }
      expect(fileHistory(indexed, 'no/such/file')).toEqual([]);
      expect(fileHistoryCount(indexed, 'no/such/file')).toBe(0);
    });

    it('the history page says how many changes there are and whether older ones follow', () => {
      const r = Repository.open(indexed);
      const all = fileHistoryPlain(plain, 'moved.txt');
      expect(historyPage(r, 'moved.txt', { limit: 2 })).toEqual({ versions: all.slice(0, 2), total: all.length, more: true });
      expect(historyPage(r, 'moved.txt', { limit: all.length })).toEqual({ versions: all, total: all.length, more: false });
      expect(historyPage(r, 'moved.txt', { limit: 2, offset: all.length - 1 })).toEqual({ versions: all.slice(-1), total: all.length, more: false });
    });

    it('file history, tags and branches are what fossil lists', () => {
      const finfo = (file: string) => [...fco('finfo', file).matchAll(/^(\d{4}-\d\d-\d\d) \[([0-9a-f]+)\]/gm)].map((m) => `${m[1]} ${m[2]}`);
      const ours = (file: string) => fileHistory(indexed, file).map((v) => `${v.time.slice(0, 10)} ${v.checkin.slice(0, 10)}`);
      expect(ours('moved.txt')).toEqual(finfo('moved.txt'));
      // b.txt's two changes of the same instant: fossil leaves their order to its query plan.
      expect(ours('b.txt').sort()).toEqual(finfo('b.txt').sort());
      expect(ours('b.txt').map((l) => l.slice(0, 10))).toEqual(finfo('b.txt').map((l) => l.slice(0, 10)));
      expect(tagNames(indexed)).toEqual(fco('tag', 'list').trim().split('\n'));
      expect(branches(indexed).map((b) => b.name)).toEqual(fco('branch', 'list', '-a').trim().split('\n').map((l) => l.replace(/^[* ]+/, '').trim()).sort());
    });

    it('branches, leaves and tags are what the plain queries return', () => {
      for (const db of [plain, indexed]) {
        expect(branches(db)).toEqual(branchesBefore(plain));
        expect(leaves(db, { includeClosed: true })).toEqual(leavesBefore(plain));
        expect(tagNames(db)).toEqual(tagNamesBefore(plain));
      }
    });
  });
});
