/**
 * State shared by a run of crosslink calls (upstream: manifest_crosslink_begin ... _end).
 * Some work can only be done once every artifact of the run has been seen: tickets are rebuilt
 * from all their changes, wiki backlinks from the newest version, check-in times are nudged so
 * children sort after parents, and leaf status is settled after all branch tags have moved.
 * The session collects that work and `finishSession` does it.
 *
 * One session per database at a time: a crosslink started while another is running (say, an
 * artifact arriving during a rebuild) joins the running session instead of starting its own.
 */
import type { Db } from '../../db/db.ts';
import type { Artifact } from '../../fossil/artifact-types.ts';
import { tryParseArtifact, type DeferredZCheck } from '../../fossil/artifact.ts';
import { standaloneString } from '../../fossil/bytes.ts';
import { fileLinesOf, type FileLines } from '../../fossil/file-lines.ts';
import { ArtifactCache } from './artifact-cache.ts';
import type { CrosslinkContent, CrosslinkRepo } from './host.ts';
import { readHashDigits, type HashDigits } from './text-format.ts';

/** A parent/child pair of check-ins close enough in time that the parent may need nudging back. */
export interface TimeFudge {
  parentTime: number;
  child: number;
  childTime: number;
}

export class CrosslinkSession {
  readonly db: Db;
  readonly content: CrosslinkContent;
  /** Nesting depth of begin calls; the work is done when the outermost one ends. */
  depth = 0;
  readonly digits: HashDigits;
  readonly pendingTickets = new Set<string>();
  readonly pendingWikiPages = new Set<string>();
  /** Keyed by the parent check-in; a later child replaces an earlier one, as upstream does. */
  readonly timeFudges = new Map<number, TimeFudge>();
  readonly leafChecks = new Set<number>();
  readonly artifacts = new ArtifactCache();
  /**
   * Set during a rebuild, when every artifact that will be linked is already stored: nothing
   * needs to be anticipated, and behaviour follows upstream's rebuild to the letter.
   */
  rebuilding = false;
  /**
   * Optional faster source of expanded content, consulted before the content store: rebuild
   * offers what its delta-tree walk has at hand, so related artifacts are not expanded twice.
   */
  contentHint: ((rid: number) => Uint8Array | undefined) | undefined;
  /**
   * Where Z cards' checksums go instead of being checked during the parse (see DeferredZCheck):
   * a clone's linker has them checked on its hashing thread.
   */
  deferZCheck: DeferredZCheck | undefined;
  private readonly tagIds = new Map<string, number>();
  /** filename.fnid by name; rows are never renumbered while a session runs. */
  readonly filenameIds = new Map<string, number>();
  private forumTableReady = false;

  constructor(readonly repo: CrosslinkRepo) {
    this.db = repo.db;
    this.content = repo.content;
    this.digits = readHashDigits(this.db);
  }

  /**
   * Rids of hashes known to be stored, consulted before the database: a rebuild looks up every
   * file of every changed check-in, and already holds the whole blob table in memory. Rows are
   * never removed while a session runs, so an entry cannot go stale.
   */
  knownRids: ReadonlyMap<string, number> | undefined;

  /** The rid of a hash, or 0 when it is unknown (no phantom is made). */
  ridOf(uuid: string): number {
    return this.knownRids?.get(uuid) ?? (this.content.ridOf(uuid) || 0);
  }

  /** The rid of a hash, making a phantom when it is unknown (upstream uuid_to_rid(x, 1)). */
  ensure(uuid: string): number {
    // Most hashes are known already; only a new one needs the store's phantom machinery.
    return this.knownRids?.get(uuid) ?? (this.content.ridOf(uuid) || this.content.ensure(uuid) || 0);
  }

  uuidOf(rid: number): string | undefined {
    return this.db.value<string>('SELECT uuid FROM blob WHERE rid=?', rid);
  }

  /** The parsed artifact at rid, or undefined when its content is unavailable or not structural. */
  artifact(rid: number): Artifact | undefined {
    if (rid <= 0) return undefined;
    const cached = this.artifacts.get(rid);
    if (cached) return cached;
    const bytes = this.contentHint?.(rid) ?? this.content.tryGet(rid);
    if (!bytes || bytes.length === 0) return undefined;
    const a = this.parse(bytes);
    if (a) this.artifacts.set(rid, a);
    return a;
  }

  /** F lines of the check-in parsed last: the next one is parsed against them (parseArtifact). */
  private reference: FileLines | undefined;

  /** Parse content that may be a structural artifact (undefined when it is not one). */
  parse(bytes: Uint8Array): Artifact | undefined {
    const a = tryParseArtifact(bytes, this.reference, this.deferZCheck);
    if (!a) return undefined;
    const lines = fileLinesOf(a);
    // A check-in's lines are the best guess for the next one's: the crosslinker meets
    // check-ins next to their parents and children.
    if (lines?.plain && lines.allHashed) this.reference = lines;
    return a;
  }

  tagId(name: string): number {
    const known = this.tagIds.get(name);
    if (known !== undefined) return known;
    const id = this.db.value<number>('SELECT tagid FROM tag WHERE tagname=?', name);
    if (id !== undefined) this.tagIds.set(standaloneString(name), id);
    return id ?? 0;
  }

  /**
   * Hears every tag name the crosslinker asks for with creation allowed, so a caller that links
   * artifacts out of rebuild order can later number the tags as a rebuild would (clone-linker).
   */
  onTagWanted: ((name: string, rid: number) => void) | undefined;
  /** The artifact crosslinkArtifact is linking now (0 outside it). */
  linkingRid = 0;

  /** The tagid of name, creating the tag when needed (upstream tag_findid(x, 1)). */
  ensureTagId(name: string): number {
    this.onTagWanted?.(name, this.linkingRid);
    const id = this.tagId(name);
    if (id) return id;
    const created = this.db.run('INSERT INTO tag(tagname) VALUES(?)', name).lastInsertRowid;
    this.tagIds.set(standaloneString(name), created);
    return created;
  }

  /** Create the forum table the first time a forum post is seen (upstream schema_forum). */
  ensureForumTable(): void {
    if (this.forumTableReady) return;
    const exists = this.db.value("SELECT 1 FROM sqlite_schema WHERE type='table' AND name='forumpost'");
    if (exists === undefined) {
      this.db.exec(FORUM_SCHEMA);
    }
    this.forumTableReady = true;
  }
}

/** The on-demand forum table, in the exact text fossil 2.21 leaves in sqlite_schema. */
const FORUM_SCHEMA = `CREATE TABLE forumpost(
  fpid INTEGER PRIMARY KEY,
  froot INT,
  fprev INT,
  firt INT,
  fmtime REAL
);
CREATE INDEX forumthread ON forumpost(froot,fmtime);`;

const sessions = new WeakMap<Db, CrosslinkSession>();

/** The session running on this database, if any. */
export function activeSession(db: Db): CrosslinkSession | undefined {
  return sessions.get(db);
}

export function openSession(repo: CrosslinkRepo): CrosslinkSession {
  let s = sessions.get(repo.db);
  if (!s) {
    s = new CrosslinkSession(repo);
    sessions.set(repo.db, s);
  }
  s.depth++;
  return s;
}

/** Drop the session without doing its deferred work (after a rollback). */
export function abandonSession(s: CrosslinkSession): void {
  if (sessions.get(s.db) === s) sessions.delete(s.db);
  s.depth = 0;
}

export function closeSession(s: CrosslinkSession): boolean {
  s.depth--;
  if (s.depth > 0) return false;
  if (sessions.get(s.db) === s) sessions.delete(s.db);
  return true;
}
