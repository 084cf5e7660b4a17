/**
 * A reference repository built with the real fossil binary, exercising every kind of artifact
 * and every derived-table feature the crosslinker has to reproduce: nested directories, a rename,
 * an executable, a deletion, branches, a merge, a cherry-pick and a backout, a delta-manifest,
 * plain, propagating and cancelled tags, amended colours/comments/users/dates, a hidden and a
 * closed branch, a reparented check-in, a private branch, wiki pages in both markups (one edited twice), a ticket that
 * is later changed, a technote (edited once), attachments to a wiki page, a technote and a
 * ticket, a forum thread, a cluster with a member we never saw, and hyperlinks for backlinks.
 *
 * The CLI cannot make forum posts, ticket attachments or clusters, so those are written by hand
 * and stored with `fossil test-content-put`; a final `fossil rebuild` makes the fixture's own
 * derived tables consistent.
 *
 * Building takes a few seconds, so the result is cached on disk (keyed by this file's text and the
 * fossil version) and shared by every test file of a run. The cached file is read-only: tests
 * must work on a copy (copyFixture).
 */
import { createHash } from 'node:crypto';
import {
  chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fossil, sqlite } from './tools.ts';

export interface FossilFixture {
  /** The cached, read-only repository file. */
  path: string;
  /** Full hashes of the named check-ins and other artifacts made while building. */
  names: Record<string, string>;
}

const builderSource = readFileSync(fileURLToPath(import.meta.url), 'utf8');

let cached: FossilFixture | undefined;

/** The fixture, building it on first use in this run (or reusing one built by another worker). */
export function fossilFixture(): FossilFixture {
  if (cached) return cached;
  const version = fossil(['version']).stdout.trim();
  const key = createHash('sha1').update(builderSource).update(version).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `edgesync-fossil-fixture-${key}`);
  const path = join(dir, 'fixture.fossil');
  const namesFile = join(dir, 'names.json');
  if (!existsSync(namesFile)) {
    // Build in a private directory and rename it into place, so parallel workers never see
    // a half-built fixture; the loser of a race simply discards its copy.
    const work = `${dir}.building-${process.pid}-${Date.now()}`;
    mkdirSync(work, { recursive: true });
    try {
      const names = buildFixture(work);
      writeFileSync(join(work, 'names.json'), JSON.stringify(names, null, 1));
      chmodSync(join(work, 'fixture.fossil'), 0o444);
      try {
        renameSync(work, dir);
      } catch {
        if (!existsSync(namesFile)) throw new Error(`could not install fixture at ${dir}`);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  cached = { path, names: JSON.parse(readFileSync(namesFile, 'utf8')) as Record<string, string> };
  return cached;
}

/** A writable copy of the fixture repository at dest. */
export function copyFixture(dest: string): string {
  copyFileSync(fossilFixture().path, dest);
  chmodSync(dest, 0o644);
  return dest;
}

// ---------------------------------------------------------------------------------------------

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** Escape a card argument the way fossil does (encode.c fossilize). */
function fossilizeArg(s: string): string {
  return s.replace(/[\\\0 \n\t\r\v\f]/g, (c) =>
    ({ '\\': '\\\\', '\0': '\\0', ' ': '\\s', '\n': '\\n', '\t': '\\t', '\r': '\\r', '\v': '\\v', '\f': '\\f' })[c]!);
}

/** Append the Z card to a hand-written artifact body. */
function withZ(body: string): string {
  return `${body}Z ${md5(body)}\n`;
}

function buildFixture(dir: string): Record<string, string> {
  const repo = join(dir, 'fixture.fossil');
  const wd = join(dir, 'checkout');
  mkdirSync(wd);
  const names: Record<string, string> = {};
  const f = (...args: string[]) => fossil(args, { cwd: wd }).stdout;
  const write = (rel: string, text: string) => {
    const p = join(wd, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text);
  };
  // `fossil info` shows a shortened hash; the repository knows the full one.
  const fullHash = (prefix: string) =>
    sqlite(repo, `SELECT uuid FROM blob WHERE uuid GLOB '${prefix}*'`).trim();
  const current = () => fullHash(f('info').match(/^checkout:\s+([0-9a-f]{16,64})/m)![1]!);
  const commit = (name: string, comment: string, date: string, ...extra: string[]) => {
    f('commit', '--no-warnings', '-m', comment, '--date-override', date, ...extra);
    names[name] = current();
  };
  const put = (name: string, text: string) => {
    const file = join(dir, `${name}.artifact`);
    writeFileSync(file, text);
    // The name follows the repository's hash policy, so ask the repository for it.
    const rid = f('test-content-put', file).match(/record (\d+)/)![1]!;
    names[name] = sqlite(repo, `SELECT uuid FROM blob WHERE rid=${rid}`).trim();
  };

  fossil(['init', '--date-override', '2024-01-01T00:00:00', '-A', 'alice', repo]);
  f('open', repo);
  f('settings', 'autosync', 'off');
  // Files are rewritten within the same second at the same size: compare contents, not mtimes.
  f('settings', 'mtime-changes', 'off');
  names.root = current();

  // --- trunk history: nested dirs, an executable, a rename, a deletion
  write('README.md', '# Fixture\n');
  write('src/main.c', 'int main(void){ return 0; }\n');
  write('src/lib/util.c', 'int util(void){ return 1; }\n');
  write('docs/a/b/deep.txt', 'deep\n');
  write('tools/run.sh', '#!/bin/sh\necho run\n');
  write('old-name.txt', 'to be renamed\n');
  chmodSync(join(wd, 'tools/run.sh'), 0o755);
  f('add', '.');
  commit('c1', 'Initial files', '2024-01-02T10:00:00');

  write('src/main.c', 'int main(void){ return util(); }\n');
  f('mv', '--hard', 'old-name.txt', 'new-name.txt');
  commit('c2', `Rename and edit, see [${names.c1!.slice(0, 10)}]`, '2024-01-03T10:00:00');

  f('rm', '--hard', 'docs/a/b/deep.txt');
  write('docs/a/other.txt', 'other\n');
  f('add', 'docs/a/other.txt');
  chmodSync(join(wd, 'src/main.c'), 0o755);
  commit('c3', 'Delete deep.txt, add other.txt, make main.c executable', '2024-01-04T10:00:00');

  // --- a feature branch merged back into trunk
  write('src/lib/util.c', 'int util(void){ return 2; }\n');
  commit('f1', 'Start feature', '2024-01-05T10:00:00', '--branch', 'feature', '--bgcolor', '#c0ffc0');
  write('src/lib/feature.c', 'int feature;\n');
  f('add', 'src/lib/feature.c');
  commit('f2', 'More feature work', '2024-01-06T10:00:00');

  f('update', names.c3!);
  write('README.md', '# Fixture\n\nTrunk edit.\n');
  commit('c4', 'Trunk edit while feature grows', '2024-01-07T10:00:00');
  f('merge', 'feature');
  commit('c5', 'Merge feature into trunk', '2024-01-08T10:00:00');

  // --- a fix branch, cherry-picked onto trunk and then closed
  write('src/main.c', 'int main(void){ return util() + 1; }\n');
  commit('x1', 'A fix on its own branch', '2024-01-09T10:00:00', '--branch', 'fix');
  f('update', 'trunk');
  f('merge', '--cherrypick', names.x1!);
  commit('c6', 'Cherry-pick the fix', '2024-01-10T10:00:00');
  write('notes.txt', 'notes\n');
  f('add', 'notes.txt');
  commit('c7', 'Add notes', '2024-01-11T10:00:00');
  write('src/lib/util.c', 'int util(void){ return 5; }\n');
  commit('c7b', 'Unrelated edit', '2024-01-11T12:00:00');
  f('merge', '--backout', names.c7!);
  commit('c8', 'Back out the notes', '2024-01-12T10:00:00');
  // A child stamped with exactly its parent's time: the crosslinker nudges the parent back.
  write('README.md', '# Fixture\n\nSame second.\n');
  commit('c9', 'Committed in the same instant as its parent', '2024-01-12T10:00:00', '--allow-older');

  // --- a delta-manifest (B card)
  write('src/lib/util.c', 'int util(void){ return 3; }\n');
  commit('c10', 'A delta-manifest check-in', '2024-01-13T10:00:00', '--delta');
  write('src/lib/util.c', 'int util(void){ return 4; }\n');
  commit('c11', 'Another delta-manifest check-in', '2024-01-14T10:00:00', '--delta');

  // --- a merge where a file changed on both sides and was resolved by hand: mlink rows against
  // both parents (the merge parent's marked isaux)
  write('src/main.c', 'int main(void){ return 7; }\n');
  commit('m1', 'Side work', '2024-01-14T11:00:00', '--branch', 'side');
  f('update', names.c11!);
  write('src/main.c', 'int main(void){ return 8; }\n');
  commit('t1', 'Trunk work', '2024-01-14T12:00:00');
  f('merge', 'side');
  write('src/main.c', 'int main(void){ return 9; }\n');
  commit('t2', 'Merge side, resolving main.c by hand', '2024-01-14T13:00:00');

  // --- a branch that gets closed, and one that gets hidden
  f('update', names.c4!);
  write('closed.txt', 'closed\n');
  f('add', 'closed.txt');
  commit('k1', 'Work that will be abandoned', '2024-01-15T10:00:00', '--branch', 'abandoned');
  write('closed.txt', 'closed, finally\n');
  commit('k2', 'Closing commit', '2024-01-16T10:00:00', '--close');
  f('update', names.c2!);
  write('hidden.txt', 'hidden\n');
  f('add', 'hidden.txt');
  commit('h1', 'On a branch to be hidden', '2024-01-17T10:00:00', '--branch', 'tohide');

  // --- tags: plain, propagating, with a value, cancelled; amendments
  const tagDate = (d: string) => ['--date-override', d];
  f('tag', 'add', ...tagDate('2024-02-01T00:00:00'), 'v1.0', names.c3!);
  f('tag', 'add', ...tagDate('2024-02-01T00:01:00'), '--propagate', 'stable', names.c2!);
  f('tag', 'add', ...tagDate('2024-02-01T00:02:00'), 'reviewed', names.c4!, 'by bob');
  f('tag', 'add', ...tagDate('2024-02-01T00:03:00'), 'rc', names.c5!);
  f('tag', 'cancel', ...tagDate('2024-02-01T00:04:00'), 'rc', names.c5!);
  f('tag', 'cancel', ...tagDate('2024-02-01T00:05:00'), '--raw', 'stable', names.c4!);
  f('amend', names.c2!, '--bgcolor', '#ffcc00', ...tagDate('2024-02-02T00:00:00'));
  f('amend', names.c3!, '-m', `Amended comment mentioning [/info/${names.c2!}]`, ...tagDate('2024-02-02T00:01:00'));
  f('amend', names.f1!, '--branchcolor', '#8080ff', ...tagDate('2024-02-02T00:02:00'));
  f('amend', names.c6!, '--author', 'bob', ...tagDate('2024-02-02T00:03:00'));
  f('amend', names.c7!, '--date', '2024-01-11T11:30:00', ...tagDate('2024-02-02T00:04:00'));
  f('amend', names.h1!, '--hide', ...tagDate('2024-02-02T00:05:00'));
  f('amend', names.x1!, '--close', ...tagDate('2024-02-02T00:06:00'));
  f('amend', names.f2!, '--branch', 'feature-renamed', ...tagDate('2024-02-02T00:07:00'));
  // A `parent` tag: history says h1 grew from c2, the tag makes it a child of c3.
  f('reparent', ...tagDate('2024-02-02T00:08:00'), names.h1!, names.c3!);

  // --- one control artifact touching several check-ins with every kind of tag change, and text
  // that needs HTML escaping in the timeline comment
  const cards = [
    ['*', 'sym-spread', names.c2!, undefined],
    ['*', 'custom', names.c2!, 'carried <on>'],
    ['+', 'bgcolor', names.c4!, '#123456'],
    ['+', 'closed', names.c6!, undefined],
    ['+', `sym-a&b<c>"d'e`, names.c5!, undefined],
    ['+', 'user', names.c3!, 'bob & carol'],
    ['+', 'note', names.c3!, undefined],
    ['-', 'bgcolor', names.c2!, 'why "not"'],
    ['-', 'closed', names.x1!, undefined],
    ['-', 'sym-v1.0', names.c3!, undefined],
  ].map(([op, name, target, value]) => ({ full: `${op}${fossilizeArg(name!)}`, target: target!, value }))
    .sort((x, y) => (x.full < y.full ? -1 : x.full > y.full ? 1 : x.target < y.target ? -1 : 1));
  put('multiTagControl', withZ(
    'D 2024-02-03T00:00:00.000\n' +
    cards.map((c) => `T ${c.full} ${c.target}${c.value === undefined ? '' : ` ${fossilizeArg(c.value)}`}\n`).join('') +
    'U alice\n'));

  // --- a private branch (never synced)
  f('update', names.c5!);
  write('secret.txt', 'secret\n');
  f('add', 'secret.txt');
  commit('p1', 'Private work', '2024-01-20T10:00:00', '--private');

  // --- wiki pages: fossil markup and markdown, one edited twice, one deleted
  const wiki = (verb: 'create' | 'commit', page: string, text: string, ...extra: string[]) => {
    const file = join(dir, 'wiki.txt');
    writeFileSync(file, text);
    f('wiki', verb, page, file, ...extra);
  };
  wiki('create', 'Home', `Welcome. See [${names.c1!}] and [${names.c2!.slice(0, 12)}|the rename].\n`);
  wiki('commit', 'Home', `Welcome back. See [/info/${names.c3!}].\n<verbatim>[${names.c4!}]</verbatim>\n`);
  wiki('commit', 'Home', `Third version, linking [${names.c5!}] and [Other Page].\n`);
  wiki('create', 'Markdown Page', `# Title\n\nA [link](/info/${names.c6!}) and [another](${names.c7!.slice(0, 16)}).\n\n    [indented](${names.c8!})\n`, '-M', 'markdown');
  wiki('create', 'Doomed', 'short-lived\n');
  wiki('commit', 'Doomed', '');
  wiki('create', 'Plain', 'just text\n', '-M', 'plain');

  // --- a ticket, changed later
  const tkt = f('ticket', 'add', 'title', 'Crash on start', 'status', 'Open', 'type', 'Code_Defect',
    'comment', `Fails since [${names.c4!.slice(0, 10)}]`).match(/([0-9a-f]{40})/)![1]!;
  names.ticket = tkt;
  f('ticket', 'change', tkt, 'status', 'Fixed', 'resolution', 'Fixed', '+comment', ' More detail.');
  f('ticket', 'change', tkt, 'priority', 'Low');
  const tkt2 = f('ticket', 'add', 'title', 'Second ticket', 'status', 'Open').match(/([0-9a-f]{40})/)![1]!;
  names.ticket2 = tkt2;

  // --- a technote, edited once, with tags and a colour
  wiki('create', 'Release notes', `Released [${names.c5!}].\n`, '--technote', '2024-02-10 12:00:00',
    '--technote-tags', 'release', '--technote-bgcolor', '#ffe0e0');
  const technoteId = f('wiki', 'ls', '-t', '-s').trim().split(/\s+/)[0]!;
  names.technoteId = technoteId;
  wiki('commit', 'Release notes', 'Released, with more words.\n', '--technote', technoteId);

  // --- attachments: to a wiki page and to a technote via the CLI, to a ticket by hand
  const attachFile = join(wd, 'attach.txt');
  writeFileSync(attachFile, 'attached text\n');
  f('attachment', 'add', 'Home', attachFile);
  writeFileSync(attachFile, 'attached text, second version\n');
  f('attachment', 'add', 'Home', attachFile);
  writeFileSync(attachFile, 'technote attachment\n');
  f('attachment', 'add', '--technote', technoteId, attachFile);
  put('ticketAttachmentSource', 'log output attached to the ticket\n');
  put('ticketAttachment', withZ(
    `A crash.log ${tkt} ${names.ticketAttachmentSource}\nC ${fossilizeArg('the crash log')}\n` +
    'D 2024-03-01T00:00:00.000\nU alice\n'));

  // --- a forum thread: a post, a reply, an edit of the post, and a deleted reply
  const wcard = (text: string) => `W ${Buffer.byteLength(text)}\n${text}\n`;
  put('forumPost', withZ(
    `D 2024-03-02T00:00:00.000\nH ${fossilizeArg('First topic')}\nN text/x-markdown\nU alice\n` +
    wcard(`Look at [this](/info/${names.c1!}).\n`)));
  put('forumReply', withZ(
    `D 2024-03-02T01:00:00.000\nG ${names.forumPost}\nI ${names.forumPost}\nN text/x-markdown\nU bob\n` +
    wcard('A reply.\n')));
  put('forumEdit', withZ(
    `D 2024-03-02T02:00:00.000\nH ${fossilizeArg('First topic, edited')}\nN text/x-markdown\n` +
    `P ${names.forumPost}\nU alice\n` + wcard('Edited body.\n')));
  put('forumReplyDeleted', withZ(
    `D 2024-03-02T03:00:00.000\nG ${names.forumPost}\nI ${names.forumReply}\nN text/x-markdown\n` +
    `P ${names.forumReply}\nU bob\n` + wcard('')));

  // --- a cluster naming a few known artifacts and one we have never seen (a phantom)
  const unknown = 'f'.repeat(63) + '0';
  names.unknownClusterMember = unknown;
  const members = [names.c1!, names.c2!, names.forumPost!, unknown].sort();
  put('cluster', withZ(members.map((m) => `M ${m}\n`).join('')));

  f('close', '--force');
  fossil(['rebuild', repo]);
  // Leave the file self-contained (rollback journal, no -wal), as fossil itself does.
  sqlite(repo, 'PRAGMA journal_mode=DELETE;');
  return names;
}
