// A `git import` killed (SIGKILL) half-way through its stream: a new FILE does not appear at
// all and the next import of it succeeds (clearing what the killed one left); an existing FILE
// opens in fossil with nothing of the killed import in it, and importing again completes it.
// The kill comes when the importer is provably inside its transaction (its journal exists) and
// waiting for the rest of the stream, which this test holds back: no timing is involved.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, edgesync } from '../helpers/cli.ts';
import { checkinsOf, fossilJson, GitRepo } from '../helpers/git-history.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';

const hasTools = haveTool('fossil') && haveTool('git');
const tmp = tempDir('edgesync-gitkill-');
afterAll(() => tmp.cleanup());

async function waitFor(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; ; i++) {
    if (cond()) return;
    // Generous: this only ends early when the condition holds.
    if (i > 6000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Start an import from stdin, hand it the first part of the stream, kill it once cond holds. */
async function killMidway(args: string[], head: Buffer, cond: (pid: number) => boolean): Promise<void> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'ignore', 'ignore'], env: { ...process.env, USER: 'alice' } });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, signal) => resolve(signal)));
  child.stdin.on('error', () => {});
  child.stdin.write(head);
  await waitFor('the import to be inside its transaction', () => cond(child.pid!));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

describe.skipIf(!hasTools)('killed git import', () => {
  const g = GitRepo.init(join(tmp.dir, 'git'));
  for (let i = 0; i < 30; i++) {
    g.write(`f${i % 7}.txt`, `version ${i}\n`.repeat(50 + i));
    g.commit(`commit ${i}`);
  }
  const stream = g.fastExport();
  // A cut at a command boundary half-way: the importer reads it all and waits for more.
  const head = stream.subarray(0, stream.indexOf('\ncommit ', stream.length / 2) + 1);

  it('leaves no new file, and the next import makes it', async () => {
    const dir = join(tmp.dir, 'new');
    const file = join(dir, 'repo.fossil');
    mkdirSync(dir);
    await killMidway(['git', 'import', '-', file], head, (pid) => existsSync(`${file}.${pid}.new-journal`));
    expect(existsSync(file)).toBe(false);
    edgesync(['git', 'import', g.dir, file]);
    expect(readdirSync(dir)).toEqual(['repo.fossil']);
    expect(checkinsOf(file)).toHaveLength(30);
    expect(fossil(['test-integrity', '-R', file]).stdout).toMatch(/ 0 errors/);
  });

  it('leaves an existing file as it was, and importing again completes it', async () => {
    const small = GitRepo.init(join(tmp.dir, 'git-small'));
    small.write('f0.txt', 'version 0\n'.repeat(50));
    small.commit('small start');
    const file = join(tmp.dir, 'inc.fossil');
    edgesync(['git', 'import', small.dir, file]);
    const before = fossilJson(file, 'SELECT rid, uuid FROM blob ORDER BY rid');
    await killMidway(['git', 'import', '-i', '-', file], head, () => existsSync(`${file}-journal`));
    // fossil rolls the killed transaction back when it opens the file.
    expect(fossil(['test-integrity', '-R', file]).stdout).toMatch(/ 0 errors/);
    expect(fossilJson(file, 'SELECT rid, uuid FROM blob ORDER BY rid')).toEqual(before);
    edgesync(['git', 'import', '-i', g.dir, file]);
    expect(checkinsOf(file).map((c) => c.comment).filter((c) => c.startsWith('commit '))).toHaveLength(30);
    expect(checkinsOf(file)).toHaveLength(31);
  });
});
