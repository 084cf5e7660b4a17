// Authoring on both Db adapters: check-ins, wiki, tags and tickets that fossil reads back, and
// failures that leave the repository exactly as it was.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { forEachAdapter } from '../helpers/dbs.ts';
import { fossil, haveTool, sqlite, tempDir } from '../helpers/tools.ts';
import { Repository } from '../../src/repo/repository.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { createCheckin } from '../../src/repo/authoring/checkin.ts';
import { writeWikiPage } from '../../src/repo/authoring/wiki.ts';
import { addSymbolicTag } from '../../src/repo/authoring/tag.ts';
import { changeTicket } from '../../src/repo/authoring/ticket.ts';
import { AuthoringError } from '../../src/repo/authoring/names.ts';
import { branchTip, resolveCheckin, tipCheckin } from '../../src/repo/queries/resolve.ts';
import { timeline } from '../../src/repo/queries/timeline.ts';
import { checkinDetail } from '../../src/repo/queries/checkin.ts';
import { branches, leaves } from '../../src/repo/queries/branches.ts';
import { filesOfCheckin } from '../../src/repo/checkin-files.ts';
import { utf8 } from '../../src/fossil/bytes.ts';

const hasFossil = haveTool('fossil');
const enc = (s: string) => utf8(s);
/** File texts big enough that fossil (and we) keep old versions as deltas. */
const A1 = Array.from({ length: 100 }, (_, i) => `line ${i}\n`).join('');
const A2 = `${A1}one more line\n`;

/** Row counts of every table, to show a failed operation changed nothing. */
function snapshot(repo: Repository): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of repo.db.prepare("SELECT name FROM sqlite_schema WHERE type='table' ORDER BY name").column<string>()) {
    out[t] = repo.db.value<number>(`SELECT count(*) FROM "${t}"`) ?? 0;
  }
  return out;
}

forEachAdapter((adapter) => {
  async function newRepo(): Promise<Repository> {
    return Repository.create(await adapter.open(), { adminUser: 'alice', crosslinker: crosslinkerFactory });
  }

  it('commits, branches and merges; queries see the history', async () => {
    const repo = await newRepo();
    const root = tipCheckin(repo.db)!;
    const c1 = createCheckin(repo, { parent: root, comment: 'one', user: 'alice', files: [
      { name: 'a.txt', content: enc(A1) }, { name: 'dir/b.txt', content: enc('b\n'), perm: 'x' },
    ] });
    const c2 = createCheckin(repo, { parent: c1.rid, comment: 'two on a branch', user: 'bob', branch: 'feat', files: [
      { name: 'a.txt', content: enc(A2) }, { name: 'dir/b.txt', content: enc('b\n'), perm: 'x' },
    ] });
    const c3 = createCheckin(repo, { parent: c1.rid, comment: 'three, renamed', user: 'alice', files: [
      { name: 'a.txt', content: enc(A1) }, { name: 'dir/c.txt', content: enc('b\n'), perm: 'x', oldName: 'dir/b.txt' },
    ] });
    const c4 = createCheckin(repo, { parent: c3.rid, merges: [c2.rid], comment: 'merge', user: 'alice', files: [
      { name: 'a.txt', content: enc(A2) }, { name: 'dir/c.txt', content: enc('b\n'), perm: 'x' },
    ] });
    expect(branchTip(repo.db, 'feat')).toBe(c2.rid);
    expect(branchTip(repo.db, 'trunk')).toBe(c4.rid);
    expect(resolveCheckin(repo.db, 'tip')).toBe(c4.rid);
    expect(resolveCheckin(repo.db, c3.uuid.slice(0, 8))).toBe(c3.rid);
    const d = checkinDetail(repo.db, c4.rid)!;
    expect(d.parents).toEqual([c3.uuid, c2.uuid]);
    expect(d.branch).toBe('trunk');
    const renamed = checkinDetail(repo.db, c3.rid)!.files.find((f) => f.name === 'dir/c.txt')!;
    expect(renamed.change).toBe('renamed');
    expect(renamed.oldName).toBe('dir/b.txt');
    expect(filesOfCheckin(repo, c4.rid).map((f) => [f.name, f.perm])).toEqual([['a.txt', ''], ['dir/c.txt', 'x']]);
    expect(branches(repo.db).map((b) => b.name)).toEqual(['feat', 'trunk']);
    expect(leaves(repo.db).map((l) => l.uuid).sort()).toEqual([c2.uuid, c4.uuid].sort());
    expect(timeline(repo.db, { types: ['ci'] }).map((e) => e.comment)).toEqual(['merge', 'three, renamed', 'two on a branch', 'one', 'initial empty check-in']);
    expect(timeline(repo.db, { branch: 'feat' }).map((e) => e.rid)).toEqual([c2.rid]);
    expect(timeline(repo.db, { search: 'RENAMED' }).map((e) => e.rid)).toEqual([c3.rid]);
    // The previous version of a changed file is kept as a delta of the new one.
    const oldA = repo.content.ridOf(filesOfCheckin(repo, c1.rid)[0]!.uuid!)!;
    expect(repo.content.deltaSource(oldA)).toBeDefined();
    repo.db.close();
  });

  it('a failing check-in, wiki edit or tag leaves every table as it was', async () => {
    const repo = await newRepo();
    const root = tipCheckin(repo.db)!;
    const before = snapshot(repo);
    expect(() => createCheckin(repo, { parent: root, comment: 'bad', user: 'alice', files: [
      { name: 'good.txt', content: enc('stored first\n') }, { name: '../escape.txt', content: enc('x') },
    ] })).toThrow(AuthoringError);
    expect(() => createCheckin(repo, { parent: root, comment: 'dup', user: 'alice', files: [
      { name: 'x', content: enc('1') }, { name: 'x', content: enc('2') },
    ] })).toThrow(/listed twice/);
    expect(() => writeWikiPage(repo, { title: ' bad title', text: 'x', user: 'alice' })).toThrow(/bad wiki page name/);
    expect(() => addSymbolicTag(repo, root, 'wiki-Home', 'alice')).toThrow(/fossil's own/);
    expect(snapshot(repo)).toEqual(before);
    repo.db.close();
  });

  describe.skipIf(!hasFossil)('read back by fossil', () => {
    it('wiki pages, tickets, tags and check-ins appear in fossil', async () => {
      const tmp = tempDir();
      try {
        const repo = await newRepo();
        const ci = createCheckin(repo, { parent: tipCheckin(repo.db)!, comment: 'with a file', user: 'alice', files: [
          { name: 'hello.txt', content: enc('hello\n') },
        ] });
        writeWikiPage(repo, { title: 'Home Page', text: 'Welcome to [/info/tip|the tip].\n', user: 'alice' });
        writeWikiPage(repo, { title: 'Home Page', text: 'Welcome, edited.\n', user: 'bob' });
        writeWikiPage(repo, { title: 'Notes', text: '# Markdown\n\n*hi*\n', user: 'alice', mimetype: 'text/x-markdown' });
        const t = changeTicket(repo, { fields: { title: 'It breaks', status: 'Open', type: 'Code_Defect', comment: 'steps...' }, user: 'alice' });
        changeTicket(repo, { ticketId: t.ticketId, fields: { status: 'Fixed', '+comment': ' and fixed' }, user: 'bob' });
        addSymbolicTag(repo, ci.rid, 'v1.0', 'alice');
        const file = join(tmp.dir, 'a.fossil');
        adapter.save(repo.db, file);
        repo.db.close();

        expect(fossil(['test-integrity', '-R', file]).stdout).toMatch(/ 0 errors/);
        expect(fossil(['wiki', 'ls', '-R', file]).stdout.trim().split('\n')).toEqual(['Home Page', 'Notes']);
        expect(fossil(['wiki', 'export', 'Home Page', '-R', file]).stdout).toBe('Welcome, edited.\n');
        const show = fossil(['ticket', 'show', '0', `tkt_uuid='${t.ticketId}'`, '-R', file, '-l', '|']).stdout;
        expect(show).toContain('It breaks');
        expect(show).toContain('Fixed');
        expect(sqlite(file, `select status, comment from ticket where tkt_uuid='${t.ticketId}'`).trim()).toBe('Fixed|steps... and fixed');
        expect(fossil(['tag', 'ls', '-R', file]).stdout).toMatch(/^v1\.0$/m);
        expect(fossil(['timeline', '-R', file, '-n', '0', '-F', '%c']).stdout).toMatch(/with a file/);
        // Our crosslinking equals what fossil derives from the same artifacts.
        const before = sqlite(file, "select type, comment from event order by mtime, objid");
        fossil(['rebuild', file]);
        expect(sqlite(file, "select type, comment from event order by mtime, objid")).toBe(before);
      } finally {
        tmp.cleanup();
      }
    });
  });
});
