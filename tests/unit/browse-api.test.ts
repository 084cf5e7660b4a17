// The worker's read API and the pure pieces of the reading pages, without a browser: annotate
// against `fossil annotate`, file history against `fossil finfo`, the timeline graph's lanes, where
// fossil-style links lead, and the Fossil wiki converter.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Repository } from '../../src/repo/repository.ts';
import { layoutGraph } from '../../src/ui/browse/graph.ts';
import { appHref } from '../../src/ui/browse/links.ts';
import { fossilWikiToHtml } from '../../src/ui/browse/render-wiki.ts';
import { annotate, checkin, diffs, history, timelinePage, tree } from '../../src/peer/browse.ts';
import { forEachAdapter } from '../helpers/dbs.ts';
import { copyFixture, fossilFixture } from '../helpers/fossil-fixture.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';

const hasFossil = haveTool('fossil');

describe.runIf(hasFossil)('browse API on a repository made by fossil', () => {
  const tmp = tempDir('edgesync-browse-unit-');
  let checkout: string;
  let names: Record<string, string>;
  beforeAll(() => {
    names = fossilFixture().names;
    checkout = join(tmp.dir, 'co');
    mkdirSync(checkout);
    // fossil open records the check-out in the repository, so it opens a copy, never the shared fixture.
    fossil(['open', copyFixture(join(tmp.dir, 'fx.fossil')), '--force', '--nosync'], { cwd: checkout });
  });
  afterAll(() => {
    fossil(['close', '--force'], { cwd: checkout, allowFail: true });
    tmp.cleanup();
  });
  const fco = (...args: string[]) => fossil(args, { cwd: checkout }).stdout;

  forEachAdapter((adapter) => {
    let repo: Repository;
    beforeAll(async () => {
      repo = Repository.open(await adapter.load(fossilFixture().path));
    });

    it('annotate attributes each line to the check-in fossil annotate names', () => {
      for (const [at, file] of [['trunk', 'src/main.c'], ['trunk', 'README.md'], [names.f2!, 'src/lib/util.c'], [names.c5!, 'src/lib/util.c'], ['trunk', 'src/lib/util.c']] as const) {
        const theirs = fco('annotate', '-r', at, file).trimEnd().split('\n').map((l) => l.slice(0, 10));
        const ours = annotate(repo, at, file).map((l) => l.checkin.slice(0, 10));
        expect(ours, `${file} at ${at}`).toEqual(theirs);
      }
    });

    it('file history is fossil finfo', () => {
      for (const file of ['src/main.c', 'src/lib/util.c', 'README.md']) {
        const theirs = [...fco('finfo', file).matchAll(/^\d{4}-\d\d-\d\d \[([0-9a-f]+)\]/gm)].map((m) => m[1]);
        expect(history(repo, file).map((v) => v.checkin.slice(0, 10)), file).toEqual(theirs);
      }
    });

    it('a tree is fossil ls -r; a check-in by branch, tag or hash; diffs of its changes', () => {
      expect(tree(repo, names.c3!).files.map((f) => f.name).sort()).toEqual(fco('ls', '-r', names.c3!).trim().split('\n').sort());
      expect(checkin(repo, 'reviewed').uuid).toBe(checkin(repo, names.c4!.slice(0, 12)).uuid);
      const c2 = checkin(repo, names.c2!);
      const main = c2.changed.find((f) => f.name === 'src/main.c')!;
      const [d] = diffs(repo, [{ before: main.prevUuid, after: main.uuid }]);
      const theirs = fco('diff', '--from', names.c1!, '--to', names.c2!, 'src/main.c').split('\n').filter((l) => /^[-+][^-+]/.test(l));
      expect(d!.hunks.flatMap((h) => h.lines.filter((l) => l[0] !== ' '))).toEqual(theirs);
    });

    it('timeline pages: limit, more, date window', () => {
      const p1 = timelinePage(repo, { limit: 5 });
      const p2 = timelinePage(repo, { limit: 5, offset: 5 });
      expect(p1.more).toBe(true);
      expect(p1.entries).toHaveLength(5);
      expect(p2.entries[0]!.uuid).not.toBe(p1.entries[4]!.uuid);
      const window = timelinePage(repo, { limit: 50, since: '2024-01-03', until: '2024-01-04', types: ['ci'] });
      expect(window.entries.map((e) => e.uuid)).toEqual([names.c3, names.c2]);
    });
  });
});

describe('timeline graph lanes', () => {
  const color = (b: string | null) => b ?? 'none';
  it('a branch and its merge back: the branch gets its own lane and the merge draws a line to it', () => {
    // newest first: M merges F into T2; F and T2 both grow from T1.
    const rows = layoutGraph([
      { uuid: 'M', parents: ['T2', 'F'], branch: 'trunk' },
      { uuid: 'F', parents: ['T1'], branch: 'feature' },
      { uuid: 'T2', parents: ['T1'], branch: 'trunk' },
      { uuid: 'T1', parents: [], branch: 'trunk' },
    ], color);
    expect(rows[0]!.lane).toBe(0);
    expect(rows[0]!.merges).toEqual([1]);
    expect(rows[1]!.lane).toBe(1);
    expect(rows[2]!.lane).toBe(0);
    expect(rows[3]!.lane).toBe(0);
    expect(rows[3]!.into.sort()).toEqual([0, 1]);
    expect(rows[3]!.below).toEqual([]);
    expect(rows.every((r) => r.width === 2)).toBe(true);
  });
  it('events that are not check-ins pass the lanes through', () => {
    const rows = layoutGraph([
      { uuid: 'A', parents: ['B'], branch: 'trunk' },
      { uuid: 'w', parents: [], branch: null },
      { uuid: 'B', parents: [], branch: 'trunk' },
    ], color);
    expect(rows[1]!.lane).toBe(-1);
    expect(rows[1]!.above).toEqual(rows[1]!.below);
    expect(rows[1]!.above.map((l) => l.lane)).toEqual([0]);
  });
});

describe('links in repository text', () => {
  it('fossil URLs, hashes and page names lead to pages here; only http(s) and mailto stay external; the rest lead nowhere', () => {
    expect(appHref('r', '/info/abcdef1234')).toEqual({ href: '#/repo/r/info/abcdef1234', external: false });
    expect(appHref('r', 'abcdef12')!.href).toBe('#/repo/r/info/abcdef12');
    expect(appHref('r', '/wiki?name=Other%20Page')!.href).toBe('#/repo/r/wiki/Other%20Page');
    expect(appHref('r', 'Other Page')!.href).toBe('#/repo/r/wiki/Other%20Page');
    expect(appHref('r', '/tktview/c877')!.href).toBe('#/repo/r/ticket/c877');
    expect(appHref('r', '/timeline?c=abcd1234')!.href).toBe('#/repo/r/info/abcd1234');
    expect(appHref('r', '/timeline?r=feature-renamed&nd&dp=abcd')!.href).toBe('#/repo/r/timeline?b=feature-renamed');
    expect(appHref('r', 'https://fossil-scm.org/')).toEqual({ href: 'https://fossil-scm.org/', external: true });
    for (const bad of ['', '  ', 'javascript:alert(1)', ' JavaScript:alert(1)', 'data:text/html,<script>', 'vbscript:x', 'file:///etc/passwd']) {
      expect(appHref('r', bad), bad).toBeUndefined();
    }
  });
});

describe('Fossil wiki markup', () => {
  it('paragraphs, links, lists and verbatim blocks', () => {
    const html = fossilWikiToHtml('Hello [abcd1234] and [Other Page|the other].\n\n  *  one\n  *  two\n\n<verbatim>[not a link] <b></verbatim>\n');
    expect(html).toContain('<p>Hello <a href="abcd1234">abcd1234</a> and <a href="Other Page">the other</a>.</p>');
    expect(html).toContain('<ul><li>one</li><li>two</li></ul>');
    expect(html).toContain('<pre class="verbatim">[not a link] &lt;b&gt;</pre>');
  });
  it('brackets inside HTML tags are left alone', () => {
    expect(fossilWikiToHtml('<a title="[x]" href="/info/abc1">y</a>')).toBe('<p><a title="[x]" href="/info/abc1">y</a></p>');
  });
});
