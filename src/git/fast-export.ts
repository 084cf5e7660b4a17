/**
 * A repository as a `git fast-import` stream, written as it is produced: every check-in a commit
 * (with the blobs of the file contents it is the first to use just before it), then the branch
 * heads and the tags. It follows `fossil git export` (fossil's src/export.c, gitmirror_*):
 *
 * - check-ins in order of time, a parent always before its child; private and phantom ones left out;
 * - the ref of a check-in is its branch, the main branch (`trunk`) renamed to `mainBranch`
 *   (default `master`, as fossil), a check-in without a branch on `unknown`;
 * - committer: the manifest's login, an e-mail from the user's contact info (person.ts), the
 *   manifest's date in whole seconds, `+0000`; no author line (git takes the committer);
 * - message: the manifest's comment (`(no comment)` when empty), a blank line and
 *   `FossilOrigin-Name: HASH`;
 * - `from` the first parent that was exported, `merge` the others; file modes 100644, 100755
 *   (`x`), 120000 (`l`); the changes against the first parent as `M` and `D`;
 * - each branch points at its newest check-in; a tag (a `sym-` tag set on one check-in, not a
 *   propagating one, which is what a branch is) is a lightweight tag on its newest check-in.
 *
 * Where it differs from fossil, fossil's stream would be refused or would say something else
 * than the repository does: a check-in without parents starts from an empty branch (`reset`)
 * rather than on whatever the branch held before, `D` paths are quoted like `M` paths, and ref
 * names are made legal for git in the few cases fossil's sanitizing misses (refs.ts). fossil's
 * optional `manifest` files (the `manifest` setting) are not written.
 *
 * Memory stays bounded: one check-in's file list and a few of its parents' at a time; file
 * contents are read one by one as they are written, each distinct content once (marks).
 */
import { parseArtifact } from '../fossil/artifact.ts';
import type { Artifact, FileCard } from '../fossil/artifact-types.ts';
import { utf8 } from '../fossil/bytes.ts';
import { encodeLossless } from '../fossil/utf8-lossless.ts';
import { checkinFiles } from '../repo/checkin-files.ts';
import type { Repository } from '../repo/repository.ts';
import { CodedError } from '../errors.ts';
import { committerIdent } from './person.ts';
import { ExportMarks } from './marks.ts';
import { fastImportPath, gitRefName } from './refs.ts';

export interface GitExportOptions {
  /** What the main branch (`trunk`) is called in git (default `master`, as fossil's). */
  mainBranch?: string;
  /** Output is handed on in pieces of about this size (default 64 KiB; a large content goes alone). */
  pieceBytes?: number;
  /** Told after each commit (progress). */
  onCommit?(done: number, total: number): void;
}

export interface GitExportSummary {
  commits: number;
  blobs: number;
  refs: number;
}

/** fossil's SHA3-256 of empty content: what a missing (shunned, or old phantom) file becomes. */
const EMPTY_FILE = 'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a';
/** Output is handed on in pieces of about this size (a large file's content goes on alone). */
const PIECE_BYTES = 64 * 1024;
/** File lists of recent check-ins kept: the next check-in's parent is nearly always one of them. */
const RECENT_TREES = 8;

/**
 * A check-in's files (those with content), in manifest order, and once it is written the mark
 * of each one's content (-1 where none was found: a missing file written empty, or none yet).
 */
interface Tree {
  files: FileCard[];
  marks?: Int32Array;
}

/**
 * The stream, in pieces. `marks` says what earlier exports wrote (they are left out) and is
 * updated with what this one writes; save it only once the stream was taken in completely. The
 * stream ends without a `done` command: the caller adds one when its reader asks for it.
 */
export function* gitFastExport(repo: Repository, marks: ExportMarks, opts: GitExportOptions = {}): Generator<Uint8Array, GitExportSummary> {
  const ex = new Exporter(repo, marks, opts.mainBranch ?? 'master');
  const pieceBytes = opts.pieceBytes ?? PIECE_BYTES;
  const todo = repo.db.all<{ rid: number; uuid: string }>(
    `SELECT e.objid AS rid, b.uuid AS uuid FROM event e JOIN blob b ON b.rid=e.objid
      WHERE e.type='ci' AND NOT EXISTS(SELECT 1 FROM private WHERE rid=e.objid)
      ORDER BY e.mtime, e.objid`,
  ).filter((c) => !marks.checkins.has(c.uuid));
  for (const c of todo) {
    // A parent dated after its child (a timewarp) is written first, as fossil does.
    const stack = [c];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (marks.checkins.has(top.uuid) || ex.skipped.has(top.uuid)) {
        stack.pop();
        continue;
      }
      const pending = ex.unexportedParents(top.rid);
      if (pending.length) {
        stack.push(...pending);
        continue;
      }
      stack.pop();
      ex.writeCheckin(top.rid, top.uuid);
      opts.onCommit?.(ex.commits, todo.length);
      yield* ex.out.take(pieceBytes, pieceBytes);
    }
  }
  ex.writeRefs();
  yield* ex.out.take(0, pieceBytes);
  return { commits: ex.commits, blobs: ex.blobs, refs: ex.refs };
}

/** Bytes waiting to be handed on. */
class Output {
  private parts: Uint8Array[] = [];
  private size = 0;

  text(s: string): void {
    this.bytes(utf8(s));
  }

  bytes(b: Uint8Array): void {
    this.parts.push(b);
    this.size += b.length;
  }

  /** A `data` command with its content. */
  data(b: Uint8Array): void {
    this.text(`data ${b.length}\n`);
    this.bytes(b);
    this.text('\n');
  }

  /** What has gathered, once it is at least min bytes, in one piece (contents of pieceBytes or more alone). */
  *take(min: number, pieceBytes: number): Generator<Uint8Array> {
    if (this.size === 0 || this.size < min) return;
    const parts = this.parts;
    this.parts = [];
    this.size = 0;
    let run: Uint8Array[] = [];
    let runSize = 0;
    const flush = function* () {
      if (runSize === 0) return;
      const out = new Uint8Array(runSize);
      let o = 0;
      for (const p of run) {
        out.set(p, o);
        o += p.length;
      }
      run = [];
      runSize = 0;
      yield out;
    };
    for (const p of parts) {
      if (p.length >= pieceBytes) {
        yield* flush();
        yield p;
      } else {
        run.push(p);
        runSize += p.length;
      }
    }
    yield* flush();
  }
}

class Exporter {
  readonly out = new Output();
  readonly skipped = new Set<string>();
  commits = 0;
  blobs = 0;
  refs = 0;
  private readonly trees = new Map<string, Tree>();
  /** Refs that got a commit in this stream: fast-import moves them, so they are set at the end. */
  private readonly touched = new Set<string>();
  private readonly mainName: string;
  private readonly contactOf: (login: string) => string | undefined;
  private readonly branchTag: number;
  private readonly oneYearAgo: number;

  constructor(
    private readonly repo: Repository,
    private readonly marks: ExportMarks,
    private readonly mainBranch: string,
  ) {
    const db = repo.db;
    this.mainName = repo.config.get('main-branch') || 'trunk';
    this.branchTag = db.value<number>("SELECT tagid FROM tag WHERE tagname='branch'") ?? 8;
    // After a `fossil import --git`, the e-mail addresses git had are kept in fx_git.
    const fxGit = db.value("SELECT 1 FROM sqlite_schema WHERE type='table' AND name='fx_git'") !== undefined;
    const contactSql = fxGit ? 'SELECT email AS v FROM fx_git WHERE user=?' : 'SELECT info AS v FROM user WHERE login=?';
    // No such row, or a NULL, is "no contact": fossil's db_text gives 0 for both.
    this.contactOf = (login) => db.get<{ v: string | null }>(contactSql, login)?.v ?? undefined;
    const d = new Date();
    d.setUTCFullYear(d.getUTCFullYear() - 1);
    this.oneYearAgo = d.getTime() / 86_400_000 + 2440587.5;
  }

  /** Parents of a check-in still to be written first (exportable ones only). */
  unexportedParents(rid: number): { rid: number; uuid: string }[] {
    return this.repo.db.all<{ rid: number; uuid: string }>(
      `SELECT p.pid AS rid, b.uuid AS uuid FROM plink p JOIN blob b ON b.rid=p.pid
        WHERE p.cid=? AND EXISTS(SELECT 1 FROM event WHERE objid=p.pid AND type='ci')
          AND NOT EXISTS(SELECT 1 FROM private WHERE rid=p.pid)`,
      rid,
    ).filter((p) => !this.marks.checkins.has(p.uuid) && !this.skipped.has(p.uuid));
  }

  writeCheckin(rid: number, uuid: string): void {
    const content = this.repo.content.tryGet(rid);
    if (!content) {
      this.skipped.add(uuid); // a phantom: nothing to write, and no mark, as fossil
      return;
    }
    const m = parseArtifact(content);
    if (m.type !== 'manifest') throw new CodedError('internal', `check-in ${uuid.slice(0, 16)} is a ${m.type}`);
    const tree = this.treeOf(uuid, m);
    const old = (m.julian ?? 0) < this.oneYearAgo;
    const parents = m.parents.filter((p) => this.marks.checkins.has(p));
    const base = parents[0] !== undefined ? this.treeByUuid(parents[0]) : undefined;
    const same = base ? matchFiles(tree.files, base.files) : new Int32Array(tree.files.length).fill(-1);
    // A file the first parent has too, with the same content, has the mark it had there; the
    // others are looked up (and the new ones written) in order, as the blobs come before the commit.
    const fileMarks = new Int32Array(tree.files.length);
    const marksKept = new Int32Array(tree.files.length);
    for (const [i, f] of tree.files.entries()) {
      const j = same[i]!;
      const known = j >= 0 && base!.files[j]!.uuid === f.uuid ? (base!.marks?.[j] ?? -1) : -1;
      if (known >= 0) {
        fileMarks[i] = marksKept[i] = known;
        continue;
      }
      fileMarks[i] = this.fileMark(f.uuid!, old, uuid);
      // A missing file written empty is looked up again in the children (fileMark decides anew).
      marksKept[i] = this.marks.files.get(f.uuid!) === fileMarks[i] ? fileMarks[i]! : -1;
    }
    tree.marks = marksKept;

    const ref = `refs/heads/${this.branchRef(rid)}`;
    // Without a parent the commit must not continue whatever the branch holds already.
    if (parents.length === 0) this.out.text(`reset ${ref}\n`);
    const mark = this.marks.assign('checkin', uuid);
    this.out.text(`commit ${ref}\nmark :${mark}\n`);
    const login = m.user ?? '';
    const seconds = Math.trunc(((m.julian ?? 2440587.5) - 2440587.5) * 86400);
    this.out.text('committer ');
    this.out.bytes(encodeLossless(committerIdent(login, this.contactOf(login))));
    this.out.text(` ${seconds} +0000\n`);
    const message = `${m.comment || '(no comment)'}\n\nFossilOrigin-Name: ${uuid}`;
    this.out.data(encodeLossless(message));
    for (const [i, p] of parents.entries()) this.out.text(`${i === 0 ? 'from' : 'merge'} :${this.marks.checkins.get(p)!}\n`);
    if (base) {
      const kept = new Uint8Array(base.files.length);
      for (const j of same) if (j >= 0) kept[j] = 1;
      for (const [j, f] of base.files.entries()) if (!kept[j]) this.pathCommand('D ', f.name);
    }
    for (const [i, f] of tree.files.entries()) {
      const j = same[i]!;
      const was = j >= 0 ? base!.files[j]! : undefined;
      if (was && was.uuid === f.uuid && was.perm === f.perm) continue;
      const mode = f.perm === 'l' ? '120000' : f.perm === 'x' ? '100755' : '100644';
      this.pathCommand(`M ${mode} :${fileMarks[i]!} `, f.name);
    }
    this.out.text('\n');
    this.touched.add(ref);
    this.commits++;
  }

  /** Branch heads and tags whose target is not what the last export set (or that a commit moved). */
  writeRefs(): void {
    const db = this.repo.db;
    const want = new Map<string, number>();
    // Each branch at its newest check-in (by time), as fossil's `git update-ref`.
    const heads = db.all<{ name: string; uuid: string }>(
      `SELECT x.value AS name, b.uuid AS uuid FROM tagxref x JOIN event e ON e.objid=x.rid JOIN blob b ON b.rid=x.rid
        WHERE x.tagid=? AND x.tagtype>0 AND x.value IS NOT NULL ORDER BY x.value, e.mtime DESC, x.rid DESC`,
      this.branchTag,
    );
    for (const h of heads) {
      const ref = `refs/heads/${h.name === this.mainName ? this.mainBranch : gitRefName(h.name)}`;
      const mark = this.marks.checkins.get(h.uuid);
      if (mark !== undefined && !want.has(ref)) want.set(ref, mark);
    }
    // Each tag set on one check-in (tagtype 1) at the newest check-in it is on (`git tag -f`).
    const tags = db.all<{ name: string; uuid: string }>(
      `SELECT substr(t.tagname, 5) AS name, b.uuid AS uuid FROM tagxref x JOIN tag t ON t.tagid=x.tagid JOIN blob b ON b.rid=x.rid
        WHERE t.tagname GLOB 'sym-*' AND x.tagtype=1 ORDER BY t.tagname, x.mtime DESC, x.rid DESC`,
    );
    const tagSeen = new Set<string>();
    for (const t of tags) {
      if (tagSeen.has(t.name)) continue;
      tagSeen.add(t.name);
      const mark = this.marks.checkins.get(t.uuid);
      if (mark !== undefined) want.set(`refs/tags/${gitRefName(t.name)}`, mark);
    }
    for (const [ref, mark] of want) {
      if (this.marks.refs.get(ref) === mark && !this.touched.has(ref)) continue;
      this.out.text(`reset ${ref}\nfrom :${mark}\n\n`);
      this.marks.refs.set(ref, mark);
      this.refs++;
    }
  }

  private pathCommand(prefix: string, name: string): void {
    this.out.text(prefix);
    this.out.bytes(encodeLossless(fastImportPath(name)));
    this.out.text('\n');
  }

  /** The git branch name of a check-in's branch. */
  private branchRef(rid: number): string {
    const branch = this.repo.db.value<string | null>('SELECT value FROM tagxref WHERE tagid=? AND tagtype>0 AND rid=?', this.branchTag, rid);
    if (branch === this.mainName) return this.mainBranch;
    if (branch === undefined || branch === null) return 'unknown';
    return gitRefName(branch);
  }

  /** The mark of a file's content, writing the blob first when it is new to the stream. */
  private fileMark(fileUuid: string, old: boolean, checkin: string): number {
    const known = this.marks.files.get(fileUuid);
    if (known !== undefined) return known;
    const frid = this.repo.content.ridOf(fileUuid);
    // Each version is written once: the cache keeps what helps expand the next (older ones
    // come first here, and fossil stores them as deltas of the newer ones).
    let data = frid === undefined ? null : this.repo.content.tryGet(frid, { once: true });
    if (!data) {
      // fossil: a shunned file, or a missing one in a check-in over a year old, is written empty.
      if (!old && !(frid === undefined && this.repo.content.isShunned(fileUuid))) {
        throw new CodedError('not-found', `check-in ${checkin.slice(0, 16)} cannot be exported: the content of file ${fileUuid.slice(0, 16)} is missing`);
      }
      const empty = this.marks.files.get(EMPTY_FILE);
      if (empty !== undefined) return empty;
      data = new Uint8Array(0);
      fileUuid = EMPTY_FILE;
    }
    const mark = this.marks.assign('file', fileUuid);
    this.out.text(`blob\nmark :${mark}\n`);
    this.out.data(data);
    this.blobs++;
    return mark;
  }

  private treeOf(uuid: string, m: Artifact): Tree {
    const cached = this.trees.get(uuid);
    if (cached) return cached;
    // Each name once: the parser holds a manifest's names to strictly ascending order, and
    // checkinFiles merges a delta-manifest's changes by name.
    const tree: Tree = { files: checkinFiles(this.repo, m).filter((f) => f.uuid) };
    this.trees.set(uuid, tree);
    if (this.trees.size > RECENT_TREES) this.trees.delete(this.trees.keys().next().value!);
    return tree;
  }

  private treeByUuid(uuid: string): Tree {
    const cached = this.trees.get(uuid);
    if (cached) return cached;
    const rid = this.repo.content.ridOf(uuid);
    const m = parseArtifact(this.repo.content.get(rid!));
    return this.treeOf(uuid, m);
  }
}

/**
 * For each of files, the index in base of the file with the same name, or -1. Both lists are
 * in manifest order (sorted by name), so the match is nearly always the next one in base; a
 * name lookup is made only where a check-in adds or removes files.
 */
function matchFiles(files: readonly FileCard[], base: readonly FileCard[]): Int32Array {
  const out = new Int32Array(files.length);
  let index: Map<string, number> | undefined;
  let next = 0;
  for (const [i, f] of files.entries()) {
    let j = -1;
    if (next < base.length && base[next]!.name === f.name) j = next;
    else {
      index ??= new Map(base.map((b, k) => [b.name, k]));
      j = index.get(f.name) ?? -1;
    }
    out[i] = j;
    if (j >= 0) next = j + 1;
  }
  return out;
}
