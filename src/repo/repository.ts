/**
 * A Fossil repository on a Db: its settings, users and artifact store, plus the hook through
 * which the crosslinker (which derives the timeline tables from artifacts) is plugged in.
 */
import type { Db } from '../db/db.ts';
import { Config } from './config.ts';
import { ContentStore, type AvailableEvent, type ContentStoreOptions } from './content.ts';
import { initializeRepository, type CreateOptions } from './create.ts';
import { AUX_SCHEMA_MAX, AUX_SCHEMA_MIN, installRepositorySchema, REQUIRED_REPOSITORY_TABLES } from './schema.ts';
import { Users } from './users.ts';
import { WriteLock } from './write-lock.ts';
import { CodedError } from '../errors.ts';

/**
 * Derives the rows of the crosslinked tables (event, plink, leaf, tagxref, mlink, ...) from
 * artifacts. The repository calls it for artifacts it creates itself, and for artifacts that
 * become readable when a missing delta source or phantom arrives.
 */
export interface Crosslinker {
  /** Process one artifact whose full content is given. */
  crosslink(rid: number, content: Uint8Array): void;
  /**
   * Optional: see every availability event from the content store. Without it, the repository
   * crosslinks each artifact that became readable through another one's arrival (rid !== cause);
   * the artifact that was stored itself is left to the code that stored it, as fossil does.
   * Implement it to do more, e.g. to process delta-manifests waiting on a baseline (cause).
   */
  onAvailable?(event: AvailableEvent): void;
}

/** Builds the crosslinker for a repository (it usually needs the repository's stores). */
export type CrosslinkerFactory = (repo: Repository) => Crosslinker;

export interface OpenOptions {
  crosslinker?: CrosslinkerFactory;
  content?: ContentStoreOptions;
}

export class RepositoryFormatError extends CodedError {
  override name = 'RepositoryFormatError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad-input', message, options);
  }
}

export class Repository {
  readonly config: Config;
  readonly users: Users;
  readonly content: ContentStore;
  /** Taken by sync sessions for their whole length, and by writers that may run meanwhile. */
  readonly writeLock = new WriteLock();
  private crosslinker: Crosslinker | undefined;

  private constructor(
    readonly db: Db,
    opts: OpenOptions,
  ) {
    this.config = new Config(db);
    this.users = new Users(db, this.config);
    this.content = new ContentStore(db, this.config, opts.content);
    this.content.onAvailable((e) => this.handleAvailable(e));
    if (opts.crosslinker) this.crosslinker = opts.crosslinker(this);
  }

  /**
   * Make a new repository in an empty database, with what `fossil init` writes: the schema,
   * settings, default users and (unless date is null) the initial empty check-in, which is
   * passed to the crosslinker when one is given.
   */
  static create(db: Db, opts: CreateOptions & OpenOptions = {}): Repository {
    installRepositorySchema(db);
    const repo = new Repository(db, opts);
    db.transaction(() => initializeRepository(repo, opts));
    return repo;
  }

  /**
   * Open an existing repository. Applies fossil's checks: the core tables must exist and the
   * `aux-schema` setting must be in the range fossil 2.21 works with.
   */
  static open(db: Db, opts: OpenOptions = {}): Repository {
    checkRepositorySchema(db);
    return new Repository(db, opts);
  }

  get projectCode(): string {
    const code = this.config.projectCode;
    if (!code) throw new RepositoryFormatError('repository has no project-code');
    return code;
  }

  /** Install (or with undefined, remove) the crosslinker. */
  setCrosslinker(factory: CrosslinkerFactory | undefined): void {
    this.crosslinker = factory?.(this);
  }

  get hasCrosslinker(): boolean {
    return this.crosslinker !== undefined;
  }

  /** Hand an artifact to the crosslinker, if one is installed. */
  crosslink(rid: number, content: Uint8Array = this.content.get(rid)): void {
    this.crosslinker?.crosslink(rid, content);
  }

  private handleAvailable(e: AvailableEvent): void {
    const c = this.crosslinker;
    if (!c) return;
    if (c.onAvailable) c.onAvailable(e);
    else if (e.rid !== e.cause) c.crosslink(e.rid, this.content.get(e.rid));
  }
}

/** Throws RepositoryFormatError unless db looks like a repository fossil 2.21 would open. */
export function checkRepositorySchema(db: Db): void {
  const present = new Set(
    db.prepare("SELECT lower(name) FROM sqlite_schema WHERE type='table'").column<string>(),
  );
  const missing = REQUIRED_REPOSITORY_TABLES.filter((t) => !present.has(t));
  if (missing.length === REQUIRED_REPOSITORY_TABLES.length) {
    throw new RepositoryFormatError('not a fossil repository (none of its tables are there)');
  }
  if (missing.length > 0) {
    throw new RepositoryFormatError(`not a fossil repository: missing table${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  }
  const aux = db.value('SELECT value FROM config WHERE name=?', 'aux-schema');
  const auxText = typeof aux === 'string' ? aux : '';
  if (auxText < AUX_SCHEMA_MIN || auxText > AUX_SCHEMA_MAX) {
    throw new RepositoryFormatError(
      `unsupported repository schema version ${JSON.stringify(auxText)}: need "${AUX_SCHEMA_MIN}" to "${AUX_SCHEMA_MAX}" (run "fossil rebuild")`,
    );
  }
}
