/**
 * A working copy kept inside the repository file: the pending changes of one check-in in the
 * making (edits, new files, deletions, renames) on top of a base check-in, until they are
 * committed or discarded. It lives in the table `edgesync_draft` and the config entry
 * `edgesync-draft`, which fossil neither reads nor syncs, so a reload (or a crash) keeps the work.
 *
 * While nothing is changed the draft follows the tip of its branch; the first change pins the
 * base, so a branch that moves meanwhile (a sync) does not change what the user edited. A commit
 * on a base that is no longer the tip makes a fork, which is how a conflict stays visible.
 */
import type { FileCard } from '../../fossil/artifact-types.ts';
import { compareNames, filesOfCheckin } from '../checkin-files.ts';
import { branchTip, tipCheckin } from '../queries/resolve.ts';
import type { Repository } from '../repository.ts';
import { createCheckin, type CheckinFile } from './checkin.ts';
import { AuthoringError, checkFileName } from './names.ts';

const META = 'edgesync-draft';
const TABLE = 'edgesync_draft';

/** Where the draft starts: a branch (it follows its tip while unchanged) and/or a pinned check-in. */
interface DraftMeta {
  follow?: string;
  base?: string;
}

export type DraftFileStatus = 'unchanged' | 'edited' | 'added' | 'renamed' | 'deleted';

export interface DraftEntry {
  name: string;
  status: DraftFileStatus;
  /** For a renamed file, its name in the base. */
  oldName?: string;
  perm: '' | 'x' | 'l';
  size: number;
}

export interface DraftView {
  /** The check-in the changes apply to (undefined only in a repository without check-ins). */
  base?: { rid: number; uuid: string; branch: string | null };
  /** The branch the draft follows or was started on. */
  branch: string | null;
  /** Newest check-in of that branch, when it is not the base (someone committed meanwhile). */
  branchMovedTo?: string;
  files: DraftEntry[];
  /** Deleted files (not in `files`). */
  deleted: string[];
  changes: number;
}

interface Row {
  name: string;
  from_name: string | null;
  content: Uint8Array | null;
  deleted: number;
}

function ensureTable(repo: Repository): void {
  repo.db.exec(`CREATE TABLE IF NOT EXISTS ${TABLE}(
    name TEXT PRIMARY KEY,   -- the file's name in the draft (for a deletion: its name in the base)
    from_name TEXT,          -- its name in the base; NULL for a new file
    content BLOB,            -- new content; NULL keeps the base's content
    deleted INTEGER NOT NULL DEFAULT 0
  )`);
}

function rows(repo: Repository): Row[] {
  ensureTable(repo);
  return repo.db.all<Row>(`SELECT name, from_name, content, deleted FROM ${TABLE}`).map((r) => ({
    ...r,
    content: r.content === null ? null : new Uint8Array(r.content),
  }));
}

function readMeta(repo: Repository): DraftMeta {
  const raw = repo.config.get(META);
  if (raw) {
    try {
      return JSON.parse(raw) as DraftMeta;
    } catch {
      // fall through to the default start
    }
  }
  const trunk = branchTip(repo.db, 'trunk');
  if (trunk !== undefined) return { follow: 'trunk' };
  const tip = tipCheckin(repo.db);
  return tip === undefined ? {} : { follow: branchOf(repo, tip) ?? undefined };
}

function branchOf(repo: Repository, rid: number): string | null {
  return repo.db.value<string>('SELECT value FROM tagxref WHERE rid=? AND tagid=8 AND tagtype>0', rid) ?? null;
}

/** The base check-in's rid, as the draft sees it now. */
function baseRid(repo: Repository, meta: DraftMeta, changed: boolean): number | undefined {
  if (meta.base && (changed || !meta.follow)) {
    const rid = repo.content.ridOf(meta.base);
    if (rid !== undefined) return rid;
  }
  if (meta.follow) {
    const tip = branchTip(repo.db, meta.follow);
    if (tip !== undefined) return tip;
  }
  if (meta.base) return repo.content.ridOf(meta.base);
  return tipCheckin(repo.db);
}

function baseFiles(repo: Repository, rid: number | undefined): Map<string, FileCard> {
  const m = new Map<string, FileCard>();
  if (rid !== undefined) for (const f of filesOfCheckin(repo, rid)) m.set(f.name, f);
  return m;
}

interface TreeFile {
  name: string;
  oldName?: string;
  content?: Uint8Array;
  uuid?: string;
  perm: '' | 'x' | 'l';
  status: DraftFileStatus;
}

/** The draft's complete file list: the base's files with the pending changes applied. */
function tree(base: Map<string, FileCard>, changes: Row[]): { files: TreeFile[]; deleted: string[] } {
  const out = new Map<string, TreeFile>();
  for (const f of base.values()) out.set(f.name, { name: f.name, uuid: f.uuid ?? undefined, perm: f.perm ?? '', status: 'unchanged' });
  for (const r of changes) if (r.from_name !== null) out.delete(r.from_name);
  const deleted: string[] = [];
  for (const r of changes) {
    if (r.deleted) {
      out.delete(r.name);
      deleted.push(r.name);
      continue;
    }
    const from = r.from_name !== null ? base.get(r.from_name) : undefined;
    const f: TreeFile = { name: r.name, perm: from?.perm ?? '', status: 'added' };
    if (r.content) f.content = r.content;
    else if (from?.uuid) f.uuid = from.uuid;
    if (from) {
      if (r.from_name !== r.name) {
        f.oldName = r.from_name!;
        f.status = 'renamed';
      } else {
        f.status = 'edited';
      }
    }
    out.set(r.name, f);
  }
  return { files: [...out.values()].sort((a, b) => compareNames(a.name, b.name)), deleted: deleted.sort(compareNames) };
}

export class Draft {
  constructor(private readonly repo: Repository) {}

  private state() {
    const meta = readMeta(this.repo);
    const changes = rows(this.repo);
    const rid = baseRid(this.repo, meta, changes.length > 0);
    const base = baseFiles(this.repo, rid);
    return { meta, changes, rid, base };
  }

  view(): DraftView {
    const { meta, changes, rid, base } = this.state();
    const t = tree(base, changes);
    const sizeOf = this.repo.db.prepare('SELECT size FROM blob WHERE uuid=?');
    const files: DraftEntry[] = t.files.map((f) => {
      const e: DraftEntry = {
        name: f.name, status: f.status, perm: f.perm,
        size: f.content ? f.content.length : (f.uuid ? (sizeOf.get<{ size: number }>(f.uuid)?.size ?? 0) : 0),
      };
      if (f.oldName) e.oldName = f.oldName;
      return e;
    });
    const v: DraftView = { branch: meta.follow ?? null, files, deleted: t.deleted, changes: changes.length };
    if (rid !== undefined) {
      const branch = branchOf(this.repo, rid);
      v.base = { rid, uuid: this.repo.content.uuidOf(rid)!, branch };
      v.branch = meta.follow ?? branch;
      if (v.branch) {
        const tip = branchTip(this.repo.db, v.branch);
        if (tip !== undefined && tip !== rid) v.branchMovedTo = this.repo.content.uuidOf(tip)!;
      }
    }
    return v;
  }

  /** Start over from a branch tip or from one check-in; refused while there are changes. */
  start(from: { branch?: string; checkin?: number }): void {
    this.repo.db.transaction(() => {
      if (rows(this.repo).length > 0) throw new AuthoringError('commit or discard the pending changes first');
      const meta: DraftMeta = {};
      if (from.checkin !== undefined) meta.base = this.repo.content.uuidOf(from.checkin);
      else if (from.branch) {
        if (branchTip(this.repo.db, from.branch) === undefined) throw new AuthoringError(`there is no branch ${JSON.stringify(from.branch)}`);
        meta.follow = from.branch;
      }
      this.repo.config.set(META, JSON.stringify(meta));
    });
  }

  /** The file's content in the draft, or undefined when it has none. */
  read(name: string): Uint8Array | undefined {
    const { changes, base } = this.state();
    const f = tree(base, changes).files.find((x) => x.name === name);
    if (!f) return undefined;
    if (f.content) return f.content;
    const rid = f.uuid ? this.repo.content.ridOf(f.uuid) : undefined;
    return rid === undefined ? undefined : this.repo.content.get(rid);
  }

  /** The first change pins the base the changes are made against. */
  private pin(meta: DraftMeta, rid: number | undefined, changes: Row[]): void {
    if (changes.length > 0 || rid === undefined) return;
    const uuid = this.repo.content.uuidOf(rid)!;
    if (meta.base !== uuid) this.repo.config.set(META, JSON.stringify({ ...meta, base: uuid }));
  }

  /** Write a file (new or existing) with this content. */
  write(name: string, content: Uint8Array): void {
    checkFileName(name);
    this.repo.db.transaction(() => {
      const { meta, changes, rid, base } = this.state();
      this.pin(meta, rid, changes);
      const own = changes.find((r) => r.name === name);
      const db = this.repo.db;
      if (own) {
        db.run(`UPDATE ${TABLE} SET content=?, deleted=0 WHERE name=?`, content, name);
      } else {
        const claimed = changes.some((r) => r.from_name === name);
        db.run(`INSERT INTO ${TABLE}(name, from_name, content) VALUES(?,?,?)`, name, base.has(name) && !claimed ? name : null, content);
      }
      this.dropNoOps(base);
    });
  }

  /** Remove a file from the draft. */
  remove(name: string): void {
    this.repo.db.transaction(() => {
      const { meta, changes, rid, base } = this.state();
      if (!tree(base, changes).files.some((f) => f.name === name)) throw new AuthoringError(`there is no file ${JSON.stringify(name)}`);
      this.pin(meta, rid, changes);
      const own = changes.find((r) => r.name === name);
      const db = this.repo.db;
      if (own) db.run(`DELETE FROM ${TABLE} WHERE name=?`, name);
      const from = own ? own.from_name : name;
      if (from === null || from === name && !own) {
        if (from !== null) db.run(`INSERT INTO ${TABLE}(name, from_name, content, deleted) VALUES(?,?,NULL,1)`, from, from);
        return;
      }
      // A renamed (or edited) file goes: its base name goes with it, unless a new file took that name.
      const taken = db.value(`SELECT 1 FROM ${TABLE} WHERE name=? AND deleted=0`, from);
      if (taken) db.run(`UPDATE ${TABLE} SET from_name=? WHERE name=?`, from, from);
      else db.run(`INSERT OR REPLACE INTO ${TABLE}(name, from_name, content, deleted) VALUES(?,?,NULL,1)`, from, from);
    });
  }

  /** Rename (move) a file; the new name must be free. */
  rename(oldName: string, newName: string): void {
    checkFileName(newName);
    if (oldName === newName) return;
    this.repo.db.transaction(() => {
      const { meta, changes, rid, base } = this.state();
      const files = tree(base, changes).files;
      if (!files.some((f) => f.name === oldName)) throw new AuthoringError(`there is no file ${JSON.stringify(oldName)}`);
      if (files.some((f) => f.name === newName)) throw new AuthoringError(`${JSON.stringify(newName)} already exists`);
      this.pin(meta, rid, changes);
      const own = changes.find((r) => r.name === oldName);
      const db = this.repo.db;
      // A deletion of the target name in the base is replaced by the moved file.
      db.run(`DELETE FROM ${TABLE} WHERE name=?`, newName);
      if (own) db.run(`UPDATE ${TABLE} SET name=? WHERE name=?`, newName, oldName);
      else db.run(`INSERT INTO ${TABLE}(name, from_name, content) VALUES(?,?,NULL)`, newName, oldName);
      this.dropNoOps(base);
    });
  }

  /** Undo the pending change of one file (by its draft name or, for a deletion, its base name). */
  revert(name: string): void {
    this.repo.db.transaction(() => {
      this.repo.db.run(`DELETE FROM ${TABLE} WHERE name=?`, name);
    });
  }

  /** Drop every pending change. */
  discard(): void {
    this.repo.db.transaction(() => {
      ensureTable(this.repo);
      this.repo.db.run(`DELETE FROM ${TABLE}`);
    });
  }

  /** A row that leaves its file as in the base (renamed back, same content) is no change. */
  private dropNoOps(base: Map<string, FileCard>): void {
    for (const r of rows(this.repo)) {
      if (r.deleted || r.from_name !== r.name) continue;
      if (r.content === null || sameContent(this.repo, base.get(r.name), r.content)) {
        this.repo.db.run(`DELETE FROM ${TABLE} WHERE name=?`, r.name);
      }
    }
  }

  /**
   * Commit the pending changes as a check-in on the base (a new branch when `branch` is
   * given), then start the draft afresh on top of it. One transaction.
   */
  commit(opts: { comment: string; user: string; branch?: string }): { rid: number; uuid: string; branch: string | null } {
    if (!opts.comment.trim()) throw new AuthoringError('a check-in needs a comment');
    return this.repo.db.transaction(() => {
      const { meta, changes, rid, base } = this.state();
      if (changes.length === 0 && !opts.branch) throw new AuthoringError('nothing has changed');
      const files: CheckinFile[] = tree(base, changes).files.map((f) => {
        const c: CheckinFile = { name: f.name, perm: f.perm };
        if (f.content) c.content = f.content;
        else c.uuid = f.uuid;
        if (f.oldName) c.oldName = f.oldName;
        return c;
      });
      const r = createCheckin(this.repo, { parent: rid, files, comment: opts.comment, user: opts.user, branch: opts.branch || undefined });
      this.repo.db.run(`DELETE FROM ${TABLE}`);
      const branch = opts.branch || meta.follow || (rid !== undefined ? branchOf(this.repo, rid) : null);
      const next: DraftMeta = { base: r.uuid };
      if (branch) next.follow = branch;
      this.repo.config.set(META, JSON.stringify(next));
      return { rid: r.rid, uuid: r.uuid, branch };
    });
  }
}

function sameContent(repo: Repository, card: FileCard | undefined, content: Uint8Array): boolean {
  if (!card?.uuid) return false;
  const rid = repo.content.ridOf(card.uuid);
  if (rid === undefined) return false;
  const old = repo.content.get(rid);
  if (old.length !== content.length) return false;
  for (let i = 0; i < old.length; i++) if (old[i] !== content[i]) return false;
  return true;
}
