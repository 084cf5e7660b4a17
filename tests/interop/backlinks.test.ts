/**
 * Link extraction for the backlink table against fossil's own (`fossil test-backlinks`), on
 * snippets of Fossil wiki markup and Markdown that exercise what can hide or reveal a link.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backlinkTarget } from '../../src/repo/crosslink/backlinks.ts';
import { markdownLinkTargets } from '../../src/repo/crosslink/markdown-links.ts';
import { wikiLinkTargets } from '../../src/repo/crosslink/wiki-links.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';

const hasFossil = haveTool('fossil');

const wikiSnippets = [
  'See [abcdef0123] and [/info/0123456789abcdef|label].',
  '[ bbbb1111] [cccc2222 ] [dddd3333|x] [eeee4444 |y] [abc] [12345678901234567890123456789012345678901234567890123456789012345]',
  '<verbatim>[aaaaaaaa]</verbatim> after [bbbbbbbb]',
  '<verbatim id="v1">[aaaaaaaa]</verbatim>[cccccccc]</verbatim id="v1"> [dddddddd]',
  '<verbatim-v2>[aaaaaaaa]</verbatim>[cccccccc]</verbatim-v2> [dddddddd]',
  '<nowiki>[aaaaaaaa]</nowiki> [bbbbbbbb] <nowiki>[cccccccc]',
  '<a href="[aaaaaaaa]">x</a> <foo [bbbbbbbb]> <b>[cccccccc]</b> <pre>[dddddddd]</pre>',
  'multi\nline [aaaa\nbbbb] and [/info/cccccccc] [/info/ddd] [/info/eeeeeeeeee]',
  '[ABCDEF12] [abcdef12] [info/abcdef12] [http://example.com] [WikiPage] [#anchor]',
  '  *  bullet [aaaaaaaa]\n  #  numbered [bbbbbbbb]\n\n    indented [cccccccc]',
  'unterminated [aaaaaaaa and [bbbbbbbb]',
];

const markdownSnippets = [
  'A [t](/info/abcdef12) and [u](0123abcd "title") and ![img](11112222).',
  '    [code](33334444)\n\ntext [v](55556666)',
  '`[x](aaaabbbb)` ``[y](ccccdddd)`` [z](eeeeffff)',
  '[ref][r1] [r2] [r3][] [missing][nope]\n\n[r1]: 77778888\n[r2]: <9999aaaa>\n[r3]: bbbbcccc "t"',
  '```\n[f](aaaaaaaa)\n```\n[g](bbbbbbbb)\n~~~\n[h](cccccccc)\n~~~',
  '[a]( <dddddddd> ) [b](eeeeeeee\n) \\[c](ffffffff) [d] (12345678)',
  '[outer [inner](aaaaaaaa)](bbbbbbbb)',
  '![alt [inner](aaaaaaaa)](bbbbbbbb) ![x][r]\n\n[r]: cccccccc',
  '[^1] and [^note]\n\n[^note]: cccccccc',
];

/** The distinct backlink targets fossil finds in text. */
function fossilTargets(dir: string, text: string, mimetype?: string): string[] {
  const file = join(dir, 'input.txt');
  writeFileSync(file, text);
  const args = ['test-backlinks', '0', '1', file];
  if (mimetype) args.push('--mimetype', mimetype);
  const out = fossil(args).stdout;
  return [...new Set([...out.matchAll(/target='([^']*)'/g)].map((m) => m[1]!))].sort();
}

function ourTargets(links: string[]): string[] {
  return [...new Set(links.map(backlinkTarget).filter((t): t is string => t !== undefined))].sort();
}

describe.runIf(hasFossil)('backlink extraction matches fossil test-backlinks', () => {
  const tmp = tempDir('edgesync-backlinks-');
  afterAll(() => tmp.cleanup());

  it.each(wikiSnippets)('wiki: %j', (text) => {
    expect(ourTargets(wikiLinkTargets(text))).toEqual(fossilTargets(tmp.dir, text));
  });

  it.each(markdownSnippets)('markdown: %j', (text) => {
    expect(ourTargets(markdownLinkTargets(text))).toEqual(fossilTargets(tmp.dir, text, 'text/x-markdown'));
  });
});
