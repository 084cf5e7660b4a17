// A repository fossil made, with every kind of artifact: edgesync reads it as fossil does.
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { edgesync } from '../helpers/cli.ts';
import { fossil, haveTool, sqlite, tempDir } from '../helpers/tools.ts';
import { copyFixture } from '../helpers/fossil-fixture.ts';
import { differingTables, dumpDerivedTables } from '../helpers/derived-tables.ts';

const hasFossil = haveTool('fossil');
const tmp = tempDir();
afterAll(() => tmp.cleanup());

interface Entry { uuid: string; type: string; time: string; user: string; comment: string; branch: string | null }

describe.skipIf(!hasFossil)('edgesync on a repository made by fossil', () => {
  const repo = hasFossil ? copyFixture(join(tmp.dir, 'fixture.fossil')) : '';

  it('edgesync verify passes', () => {
    const r = JSON.parse(edgesync(['verify', '-R', repo, '--json']).stdout);
    expect(r.ok).toBe(true);
    expect(r.checked).toBeGreaterThan(50);
  });

  it('edgesync timeline --json lists exactly what fossil timeline lists, in the same order', () => {
    const ours = JSON.parse(edgesync(['timeline', '-R', repo, '-n', '0', '--json']).stdout) as Entry[];
    const theirs = fossil(['timeline', '-R', repo, '-n', '0', '-F', '%H|%a|%d|%b|%c']).stdout
      .split('\n').filter((l) => /^[0-9a-f]{40,64}\|/.test(l))
      .map((l) => {
        const [uuid, user, date, branch, ...comment] = l.split('|');
        return { uuid, user, date, branch, comment: comment.join('|') };
      });
    expect(ours.length).toBe(theirs.length);
    expect(ours.map((e) => e.uuid)).toEqual(theirs.map((e) => e.uuid));
    for (const [i, e] of ours.entries()) {
      const f = theirs[i]!;
      expect(e.user, e.uuid).toBe(f.user);
      expect(e.time.slice(0, 19).replace('T', ' '), e.uuid).toBe(f.date);
      // fossil's %c folds newlines and tabs into spaces.
      expect(e.comment.replace(/[\n\t]/g, ' ').replace(/\r/g, ''), e.uuid).toBe(f.comment);
      expect(e.branch ?? '', e.uuid).toBe(f.branch);
    }
    // Every event kind fossil's timeline shows is there.
    expect(new Set(ours.map((e) => e.type))).toEqual(new Set(['ci', 'w', 't', 'e', 'g', 'f']));
  });

  it('filters by branch and type as fossil does', () => {
    const ours = JSON.parse(edgesync(['timeline', '-R', repo, '-n', '0', '-t', 'w', '--json']).stdout) as Entry[];
    const theirs = fossil(['timeline', '-R', repo, '-n', '0', '-t', 'w', '-F', '%H']).stdout
      .split('\n').filter((l) => /^[0-9a-f]{40,64}$/.test(l));
    expect(ours.map((e) => e.uuid)).toEqual(theirs);
  });

  it('edgesync rebuild reproduces the derived tables of fossil rebuild', () => {
    const theirs = join(tmp.dir, 'theirs.fossil');
    copyFileSync(repo, theirs);
    fossil(['rebuild', theirs]);
    edgesync(['rebuild', '-R', repo]);
    expect(differingTables(dumpDerivedTables(repo), dumpDerivedTables(theirs))).toEqual([]);
    expect(fossil(['test-integrity', '-R', repo]).stdout).toMatch(/ 0 errors/);
  });

  it('edgesync info, ls, cat and wiki agree with fossil', () => {
    const info = JSON.parse(edgesync(['info', '-R', repo, '--json']).stdout);
    expect(info.projectCode).toBe(sqlite(repo, "select value from config where name='project-code'").trim());
    const wiki = edgesync(['wiki', '-R', repo, 'ls']).stdout.trim().split('\n').sort();
    expect(wiki).toEqual(fossil(['wiki', 'ls', '-R', repo]).stdout.trim().split('\n').sort());
    const page = wiki[0]!;
    expect(edgesync(['wiki', '-R', repo, 'get', page]).stdout).toBe(fossil(['wiki', 'export', page, '-R', repo]).stdout);
    const files = edgesync(['ls', '-R', repo, 'trunk']).stdout.trim().split('\n');
    // Same files; fossil lists them case-insensitively sorted, we list them in manifest order.
    expect([...files].sort()).toEqual(fossil(['ls', '-R', repo, '-r', 'trunk']).stdout.trim().split('\n').sort());
    const tags = edgesync(['tag', '-R', repo, 'ls']).stdout.trim().split('\n');
    expect(tags).toEqual(fossil(['tag', 'ls', '-R', repo]).stdout.trim().split('\n'));
  });
});
