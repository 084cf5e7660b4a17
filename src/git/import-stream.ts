/**
 * Turning fast-export commands into a Fossil history, the way fossil's `import --git` does
 * (import.c git_fast_import and its finish_* functions), so both make the same artifacts:
 *
 * - each `blob` is stored as a file artifact under its mark;
 * - each `commit` becomes a check-in whose file list starts from its `from` parent's and takes
 *   the M/D/C/R changes; `merge` parents follow the primary one on the P card; the committer
 *   (or, with useAuthor, the author) gives the U card (a login whose contact info matches, else
 *   the email address) and the D card (its seconds, zone ignored);
 * - a commit on `refs/heads/B` starts branch B (`T *branch`, `T *sym-B`, cancelling the parent's
 *   branch tag) when its parent is on another branch; `master` is renamed only when asked;
 *   a root check-in also gets `T *sym-TRUNK`;
 * - a commit on `refs/tags/T` stays on its parent's branch, and T is put on the last commit
 *   exported under that name, once the stream is over; an annotated `tag` becomes a tag
 *   artifact at once. Lightweight tags git writes as `reset` + `from` are not imported
 *   (fossil does not import them either).
 *
 * Marks and branches live in TEMP tables, as in import.c, so memory does not grow with history.
 * Everything runs in the caller's transaction and crosslink session (import-run.ts).
 */
import { tryParseArtifact } from '../fossil/artifact.ts';
import { fossilize } from '../fossil/fossilize.ts';
import { decodeLossless, sqlTextOf } from '../fossil/utf8-lossless.ts';
import { checkinFiles, compareNames } from '../repo/checkin-files.ts';
import type { Repository } from '../repo/repository.ts';
import { FastExportError, type FastExportCommand } from './fast-export-parser.ts';
import { checkinArtifact, sterilize, tagArtifact } from './import-manifest.ts';

export interface GitImportNames {
  /** Name of the trunk tag a root check-in gets (fossil: the `main-branch` setting, "trunk"). */
  trunk: string;
  /** What Git's `master` branch is called here (fossil's --rename-master; default "master"). */
  master: string;
  /** Put around every non-trunk branch name (fossil's --rename-branch PRE%SUF). */
  branchPrefix?: string;
  branchSuffix?: string;
  /** Put around every tag name (fossil's --rename-tag PRE%SUF). */
  tagPrefix?: string;
  tagSuffix?: string;
}

export interface GitImportCounts {
  blobs: number;
  commits: number;
  tags: number;
  /** Of the check-ins and tag artifacts, how many the repository did not have yet. */
  newArtifacts: number;
}

/** One entry of the file list being built for a commit (import.c ImportFile). */
interface WorkFile {
  name: string;
  uuid: string | null;
  prior: string | null;
  /** Came from the parent check-in unchanged (so far). */
  isFrom: boolean;
  isExe: boolean;
  isLink: boolean;
}

type Finisher = 'none' | 'blob' | 'commit' | 'tag';

/** The state import.c keeps in `gg`, reset after each record (import_reset). */
class Record {
  tag: string | null = null;
  branch: string | null = null;
  data: Uint8Array | null = null;
  mark: string | null = null;
  date: string | null = null;
  user: string | null = null;
  comment: string | null = null;
  from: string | null = null;
  fromMark: string | null = null;
  merges: string[] = [];
  files: WorkFile[] = [];
}

export class GitStreamImporter {
  private finisher: Finisher = 'none';
  private r = new Record();
  private prevBranch: string | null = null;
  private prevCheckin: string | null = null;
  private inlineFile: WorkFile | null = null;
  private fromLoaded = false;
  private tagCommit = false;
  readonly counts: GitImportCounts = { blobs: 0, commits: 0, tags: 0, newArtifacts: 0 };

  constructor(
    private readonly repo: Repository,
    private readonly names: GitImportNames,
    private readonly opts: { useAuthor?: boolean; onCommit?: (date: string) => void } = {},
  ) {
    const db = repo.db;
    db.exec('DROP TABLE IF EXISTS temp.xmark; DROP TABLE IF EXISTS temp.xbranch; DROP TABLE IF EXISTS temp.xtag');
    // Marks (and hashes) to artifacts, marks to branches, tags to apply at the end (import.c).
    db.exec(
      'CREATE TEMP TABLE xmark(tname TEXT UNIQUE, trid INT, tuuid TEXT);' +
        'CREATE INDEX temp.i_xmark ON xmark(trid);' +
        'CREATE TEMP TABLE xbranch(tname TEXT UNIQUE, brnm TEXT);' +
        'CREATE TEMP TABLE xtag(tname TEXT UNIQUE, tcontent BLOB);',
    );
  }

  apply(cmd: FastExportCommand): void {
    const r = this.r;
    switch (cmd.kind) {
      case 'blob':
        this.finish();
        this.finisher = 'blob';
        break;
      case 'commit': {
        this.finish();
        this.finisher = 'commit';
        this.startCommit(cmd.ref);
        break;
      }
      case 'tag':
        this.finish();
        this.finisher = 'tag';
        this.r.tag = cmd.name;
        break;
      case 'reset':
      case 'checkpoint':
      case 'feature':
      case 'option':
      case 'progress':
      case 'done':
        this.finish();
        break;
      case 'data':
        this.takeData(cmd.bytes);
        break;
      case 'person':
        this.takePerson(cmd.role, cmd.ident);
        break;
      case 'mark':
        r.mark = cmd.mark;
        break;
      case 'from':
        r.fromMark = cmd.committish;
        r.from = this.resolve(cmd.committish);
        break;
      case 'merge': {
        const m = this.resolve(cmd.committish);
        if (m) r.merges.push(m);
        break;
      }
      case 'modify':
        this.modify(cmd.mode, cmd.dataref, cmd.path);
        break;
      case 'delete':
        this.remove(cmd.path);
        break;
      case 'copy':
        this.copy(cmd.from, cmd.to);
        break;
      case 'rename':
        this.rename(cmd.from, cmd.to);
        break;
      case 'deleteall':
        this.fromLoaded = true;
        break;
      case 'property':
        // Breezy names the branch in `property branch-nick NUMBER NAME`.
        if (cmd.name === 'branch-nick') {
          const name = cmd.value.split(' ')[1];
          if (name) r.branch = name;
        }
        break;
      case 'ignored':
        break;
    }
  }

  /** The stream is over: finish the last record, then put each tag on its last commit. */
  end(): void {
    this.finish();
    const tags = this.repo.db.prepare('SELECT tcontent FROM xtag ORDER BY rowid').column<Uint8Array>();
    for (const t of tags) {
      this.insert(t, { parse: true });
      this.counts.tags++;
    }
    this.repo.db.exec('DROP TABLE temp.xmark; DROP TABLE temp.xbranch; DROP TABLE temp.xtag');
  }

  // ----- records --------------------------------------------------------------------------------

  private finish(): void {
    const f = this.finisher;
    this.finisher = 'none';
    if (f === 'blob') this.finishBlob();
    else if (f === 'commit') this.finishCommit();
    else if (f === 'tag') this.finishTag();
    else this.reset();
  }

  private reset(): void {
    this.r = new Record();
  }

  private startCommit(ref: string): void {
    // refs/heads/B names branch B; refs/tags/T puts tag T on the commit, which stays on its
    // parent's branch (import.c: "figured out via trial and error"). Anything after the second
    // component counts as the name: refs/remotes/origin/x is "origin/x".
    this.tagCommit = ref.slice(5, 9) === 'tags';
    let i = 5;
    while (i < ref.length && ref[i] !== '/') i++;
    let name = i + 1 < ref.length ? ref.slice(i + 1) : ref;
    if (name === 'master') name = this.names.master;
    this.r.branch = name;
    this.fromLoaded = false;
  }

  private takeData(bytes: Uint8Array): void {
    const r = this.r;
    r.data = bytes;
    if (bytes.length > 0 && r.comment === null && (this.finisher === 'commit' || this.finisher === 'tag')) {
      // The message, less the newline git ends it with.
      const n = bytes[bytes.length - 1] === 0x0a ? bytes.length - 1 : bytes.length;
      r.comment = decodeLossless(bytes, 0, n);
      r.data = null;
    }
    if (this.inlineFile) {
      this.addFile(null, this.inlineFile);
      this.inlineFile = null;
    }
  }

  private takePerson(role: 'author' | 'committer' | 'tagger', ident: string): void {
    const r = this.r;
    const useAuthor = this.opts.useAuthor ?? false;
    if (role === 'author' && !useAuthor) return;
    if (role === 'committer' && useAuthor && r.user !== null) return;
    const text = ident.trimStart();
    const gt = text.indexOf('>');
    if (gt < 0) throw new FastExportError('malformed', `bad ${role} line: [${ident}]: no <email>`);
    const contact = text.slice(0, gt + 1);
    const db = this.repo.db;
    let user = db.value<string>('SELECT login FROM user WHERE info=?', sqlTextOf(contact)) ?? null;
    let key = contact;
    if (user === null) {
      const lt = contact.indexOf('<');
      if (lt < 0) throw new FastExportError('malformed', `bad ${role} line: [${ident}]: no <email>`);
      user = contact.slice(lt + 1, gt);
      key = user;
    }
    // Attributions made by fossil's --attribute, kept in the repository for later imports.
    if (db.value("SELECT 1 FROM sqlite_schema WHERE type='table' AND name='fx_git'") !== undefined) {
      user = db.value<string>('SELECT user FROM fx_git WHERE email=?', sqlTextOf(key)) ?? user;
    }
    r.user = user;
    const secs = /^\d*/.exec(text.slice(gt + 2))![0];
    const when = new Date(Number(secs || '0') * 1000);
    if (Number.isNaN(when.getTime())) throw new FastExportError('malformed', `bad ${role} line: [${ident}]: time out of range`);
    r.date = when.toISOString().slice(0, 19);
  }

  private finishBlob(): void {
    this.addFile(this.r.mark, null);
    this.counts.blobs++;
    this.reset();
  }

  private finishTag(): void {
    const r = this.r;
    if (r.date && r.tag && r.from && r.user) {
      const name = `${this.names.tagPrefix ?? ''}${r.tag}${this.names.tagSuffix ?? ''}`;
      this.insert(tagArtifact({ date: r.date, name, target: r.from, value: r.comment, user: r.user }), { parse: true });
      this.counts.tags++;
    }
    this.reset();
  }

  private finishCommit(): void {
    this.loadPriorFiles();
    const r = this.r;
    if (r.date === null || r.user === null) {
      throw new FastExportError('malformed', `commit ${r.mark ?? ''} on ${r.branch ?? '?'} has no committer line`);
    }
    const files = [...r.files].sort((a, b) => compareNames(a.name, b.name));
    const pre = this.names.branchPrefix ?? '';
    const suf = this.names.branchSuffix ?? '';
    const fromBranch = r.from !== null && r.fromMark !== null
      ? this.repo.db.value<string>('SELECT brnm FROM xbranch WHERE tname=?', r.fromMark) ?? null
      : null;
    const tagCards: string[] = [];
    if (!this.tagCommit && fromBranch !== r.branch) {
      const b = fossilize(`${pre}${r.branch ?? ''}${suf}`);
      tagCards.push(`T *branch * ${b}\n`, `T *sym-${b} *\n`);
      if (fromBranch !== null) tagCards.push(`T -sym-${fossilize(`${pre}${fromBranch}${suf}`)} *\n`);
    }
    if (r.from === null) tagCards.push(`T *sym-${fossilize(this.names.trunk)} *\n`);
    const artifact = checkinArtifact({
      comment: r.comment ?? '',
      date: r.date,
      user: r.user,
      files,
      parent: r.from,
      merges: r.from !== null ? r.merges : [],
      tagCards,
    });
    this.repo.db.run('INSERT OR REPLACE INTO xbranch(tname, brnm) VALUES(?, ?)', r.mark, r.branch);
    const uuid = this.insert(artifact, { mark: r.mark, parse: true });
    this.prevCheckin = uuid;
    this.counts.commits++;
    this.opts.onCommit?.(r.date);
    // git fast-export may write several commits under one refs/tags/ name: only the last
    // one holds the tag, which is not known until the end (import.c keeps it in xtag).
    if (this.tagCommit && r.from !== null) {
      const name = `${pre}${r.branch ?? ''}${suf}`;
      this.repo.db.run('INSERT OR REPLACE INTO xtag(tname, tcontent) VALUES(?, ?)', r.branch, tagArtifact({ date: r.date, name, target: uuid, user: r.user }));
    }
    this.prevBranch = r.branch;
    this.reset();
  }

  // ----- artifacts ------------------------------------------------------------------------------

  /** Store content unless the repository has it; record mark and hash as names of it. */
  private insert(content: Uint8Array, o: { mark?: string | null; parse?: boolean }): string {
    const { rid, created } = this.repo.content.put(content);
    const uuid = this.repo.content.uuidOf(rid)!;
    if (created && o.parse) {
      this.repo.crosslink(rid, content);
      this.counts.newArtifacts++;
    }
    if (o.mark) {
      const ins = this.repo.db.prepare('INSERT OR IGNORE INTO xmark(tname, trid, tuuid) VALUES(?, ?, ?)');
      ins.run(o.mark, rid, uuid);
      ins.run(uuid, rid, uuid);
    }
    return uuid;
  }

  /** A file's content (the current data): never stored as something fossil would link. */
  private addFile(mark: string | null, file: WorkFile | null): void {
    let content = this.r.data ?? new Uint8Array(0);
    if (content.length > 0 && tryParseArtifact(content) !== null) content = sterilize(content);
    const uuid = this.insert(content, { mark, parse: false });
    if (file) file.uuid = uuid;
  }

  private resolve(committish: string): string | null {
    return this.repo.db.value<string>('SELECT tuuid FROM xmark WHERE tname=?', committish) ?? null;
  }

  // ----- the file list --------------------------------------------------------------------------

  /** Start the file list from the parent's files, once per commit (import_prior_files). */
  private loadPriorFiles(): void {
    if (this.fromLoaded) return;
    this.fromLoaded = true;
    const r = this.r;
    // A commit with no `from` continues the previous check-in when that was on its branch.
    if (r.from === null && this.prevCheckin !== null && this.prevBranch === r.branch) {
      r.from = this.prevCheckin;
      this.prevCheckin = null;
    }
    if (r.from === null) return;
    const rid = this.repo.content.ridOf(r.from);
    if (rid === undefined) return;
    const bytes = this.repo.content.tryGet(rid);
    const a = bytes ? tryParseArtifact(bytes) : null;
    if (!a || a.type !== 'manifest') return;
    for (const f of checkinFiles(this.repo, a)) {
      r.files.push({ name: f.name, uuid: f.uuid, prior: null, isFrom: true, isExe: f.perm === 'x', isLink: f.perm === 'l' });
    }
  }

  /** The first file at index >= from named name or under directory name (import_find_file). */
  private findFile(name: string, from: number, max: number): number {
    const files = this.r.files;
    for (let i = from; i < max; i++) {
      const z = files[i]!.name;
      if (z.startsWith(name) && (z.length === name.length || z[name.length] === '/')) return i;
    }
    return -1;
  }

  private modify(mode: string, dataref: string, path: string): void {
    this.loadPriorFiles();
    const files = this.r.files;
    const i = this.findFile(path, 0, files.length);
    let f: WorkFile;
    if (i >= 0) {
      f = files[i]!;
    } else {
      f = { name: path, uuid: null, prior: null, isFrom: false, isExe: false, isLink: false };
      files.push(f);
    }
    f.isExe = mode.endsWith('755');
    f.isLink = mode === '120000';
    if (dataref === 'inline') {
      f.uuid = null;
      this.inlineFile = f;
    } else {
      // A submodule (mode 160000) names a commit of another repository: no content here.
      f.uuid = this.resolve(dataref);
    }
    f.isFrom = false;
  }

  private remove(path: string): void {
    this.loadPriorFiles();
    const files = this.r.files;
    let i = 0;
    for (;;) {
      const at = this.findFile(path, i, files.length);
      if (at < 0) break;
      i = at + 1;
      if (!files[at]!.isFrom) continue;
      // Swap the last entry into its place and look at that place again.
      const last = files.pop()!;
      if (at < files.length) files[at] = last;
      i = at;
    }
  }

  private copy(from: string, to: string): void {
    this.loadPriorFiles();
    const files = this.r.files;
    const max = files.length;
    let i = 0;
    for (;;) {
      const at = this.findFile(from, i, max);
      if (at < 0) break;
      i = at + 1;
      const f = files[at]!;
      if (!f.isFrom) continue;
      files.push({ name: to + f.name.slice(from.length), uuid: f.uuid, prior: null, isFrom: false, isExe: f.isExe, isLink: f.isLink });
    }
  }

  private rename(from: string, to: string): void {
    this.loadPriorFiles();
    const files = this.r.files;
    let i = 0;
    for (;;) {
      const at = this.findFile(from, i, files.length);
      if (at < 0) break;
      i = at + 1;
      const f = files[at]!;
      if (!f.isFrom) continue;
      files[at] = { name: to + f.name.slice(from.length), uuid: f.uuid, prior: f.name, isFrom: false, isExe: f.isExe, isLink: f.isLink };
    }
  }
}
