/**
 * Checks of a Git repository made from a fossil repository, with the real `git` and `fossil`:
 * the commits by the fossil check-in they name (`FossilOrigin-Name:`), the refs, and a commit's
 * tree against fossil's own checkout of that check-in (names from `fossil ls`, modes and contents
 * from the files fossil wrote).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fossil } from './tools.ts';

/** Run git on the bare repository gitDir. */
export function git(gitDir: string, args: string[], input?: string | Uint8Array): string {
  return execFileSync('git', args, { env: { ...process.env, GIT_DIR: gitDir }, input, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** A new bare repository at gitDir holding what the stream says. */
export function importStream(gitDir: string, stream: Uint8Array, marks?: string): void {
  execFileSync('git', ['init', '--bare', '--quiet', gitDir]);
  feedStream(gitDir, stream, marks);
}

export function feedStream(gitDir: string, stream: Uint8Array, marks?: string): void {
  const m = marks ? [`--import-marks-if-exists=${marks}`, `--export-marks=${marks}`] : [];
  git(gitDir, ['fast-import', '--quiet', ...m], stream);
}

export interface GitCommit {
  hash: string;
  parents: string[];
  author: string;
  committer: string;
  message: string;
  fossilHash: string;
}

/** Every commit reachable from a ref, by the fossil check-in it names. */
export function commitsByCheckin(gitDir: string): Map<string, GitCommit> {
  const out = git(gitDir, ['log', '--all', '--format=%H%x00%P%x00%an <%ae> %at %ad%x00%cn <%ce> %ct%x00%B%x01', '--date=raw']);
  const commits = new Map<string, GitCommit>();
  for (const rec of out.split('\x01')) {
    const r = rec.replace(/^\n/, '');
    if (!r) continue;
    const [hash, parents, author, committer, message] = r.split('\x00') as [string, string, string, string, string];
    // The last one: a check-in's comment can quote another (one brought over from a git mirror
    // keeps its trailer), and the export adds its own at the end.
    const fossilHash = [...message.matchAll(/FossilOrigin-Name: ([0-9a-f]+)/g)].pop()?.[1];
    if (!fossilHash) throw new Error(`commit ${hash} names no check-in`);
    commits.set(fossilHash, { hash, parents: parents ? parents.split(' ') : [], author, committer, message, fossilHash });
  }
  return commits;
}

/** refname → object, every ref. */
export function refs(gitDir: string): Map<string, string> {
  const out = git(gitDir, ['for-each-ref', '--format=%(refname) %(objectname)']);
  return new Map(out.split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string]));
}

function gitBlobHash(content: Uint8Array): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** path → "mode hash" of a commit's tree. */
export function gitTree(gitDir: string, commit: string): Map<string, string> {
  const out = git(gitDir, ['ls-tree', '-r', '-z', commit]);
  const tree = new Map<string, string>();
  for (const e of out.split('\0')) {
    if (!e) continue;
    const tab = e.indexOf('\t');
    const [mode, , hash] = e.slice(0, tab).split(' ') as [string, string, string];
    tree.set(e.slice(tab + 1), `${mode} ${hash}`);
  }
  return tree;
}

/**
 * A fossil checkout to move between check-ins (one `fossil open`, then `fossil checkout --force`:
 * it rewrites only what differs and removes what the new check-in lacks).
 */
export class FossilCheckout {
  private opened = false;

  constructor(
    private readonly repo: string,
    readonly dir: string,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** path → "mode hash", as git would store the files fossil wrote for this check-in. */
  tree(checkin: string): Map<string, string> {
    if (this.opened) fossil(['checkout', '--force', checkin], { cwd: this.dir });
    else fossil(['open', '--force', '--nosync', this.repo, checkin], { cwd: this.dir });
    this.opened = true;
    const names = fossil(['ls', '-r', checkin], { cwd: this.dir }).stdout.split('\n').filter(Boolean);
    const tree = new Map<string, string>();
    for (const name of names) {
      const p = join(this.dir, name);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) tree.set(name, `120000 ${gitBlobHash(Buffer.from(readlinkSync(p)))}`);
      else tree.set(name, `${st.mode & 0o100 ? '100755' : '100644'} ${gitBlobHash(readFileSync(p))}`);
    }
    return tree;
  }
}

/** The differences between two trees, for a failure message (empty when equal). */
export function treeDifferences(ours: Map<string, string>, theirs: Map<string, string>): string[] {
  const d: string[] = [];
  for (const [p, v] of ours) if (theirs.get(p) !== v) d.push(`${p}: git ${v}, fossil ${theirs.get(p) ?? 'none'}`);
  for (const [p, v] of theirs) if (!ours.has(p)) d.push(`${p}: git none, fossil ${v}`);
  return d;
}
