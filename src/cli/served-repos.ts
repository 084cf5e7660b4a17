/**
 * The repositories a `serve` or `hub` process serves right now, by name (the file name without
 * `.fossil`). Files named on the command line stay for the life of the process; a directory
 * (`--repos DIR`, or a directory given to `serve`) adds and drops its files as they come and go,
 * without a restart. Each command says what serving one means (a leaf on the mesh, an HTTP route,
 * fossil logins for the hub's members) through hooks, each run for the repositories already there
 * when it is given and for every one that comes later, in the order they were given.
 */
import { basename } from 'node:path';
import { openRepository } from './repo-access.ts';
import { watchRepoDir, type RepoDirWatch } from './repo-dir.ts';
import { statSync } from 'node:fs';
import type { Repository } from '../repo/repository.ts';

export interface ServedRepo {
  path: string;
  /** File name without `.fossil`: the name a clone gets and the HTTP route `/NAME`. */
  name: string;
  repo: Repository;
}

/** Start serving a repository; the function it returns stops that. */
export type ServeHook = (r: ServedRepo) => Promise<() => Promise<void>>;

interface Entry extends ServedRepo {
  ino: number;
  /** From a watched directory (dropped when its file goes), not the command line. */
  fromDir: boolean;
  /** What each hook run on it returned, in hook order. */
  stops: (() => Promise<void>)[];
}

export class ServedRepos {
  private readonly entries = new Map<string, Entry>();
  private readonly hooks: ServeHook[] = [];
  private readonly watches: RepoDirWatch[] = [];
  /** One change at a time: a file's add and its removal never interleave. */
  private queue = Promise.resolve();

  constructor(
    private readonly log: (line: string) => void,
    /** Told after every change of the set (after its hook ran). */
    private readonly changed: (added?: ServedRepo) => void = () => undefined,
  ) {}

  list(): ServedRepo[] {
    return [...this.entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): ServedRepo | undefined {
    return this.entries.get(name);
  }

  /** Serve a file named on the command line (for the life of the process). */
  addFile(path: string): ServedRepo {
    const name = basename(path).replace(/\.fossil$/, '');
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) throw new Error(`repository not found: ${path}`);
    return this.open(path, name, st.ino, false);
  }

  /**
   * Serve every repository in dir, now and as files come and go. Resolves once the files already
   * there are served (those still being written come when they hold still).
   */
  async addDir(dir: string, intervalMs?: number): Promise<void> {
    if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
    const w = watchRepoDir(dir, {
      add: (f) => this.serialized(async () => {
        if (this.entries.has(f.name)) throw new Error(`another repository is already served as ${f.name}`);
        const r = this.open(f.path, f.name, f.ino, true);
        await this.start(this.entries.get(r.name)!);
        this.log(`serving ${f.name} (${r.repo.projectCode}) from ${f.path}`);
        this.changed(r);
      }),
      remove: (name) => this.serialized(async () => {
        const e = this.entries.get(name);
        if (!e?.fromDir) return;
        await this.drop(e);
        this.log(`stopped serving ${name}: its file is gone or was replaced`);
        this.changed();
      }),
      served: () => new Map([...this.entries.values()].filter((e) => e.fromDir).map((e) => [e.name, e.ino])),
      log: this.log,
    }, intervalMs);
    this.watches.push(w);
    await w.settled();
  }

  /** From now on serving also means this (run at once for those already here). */
  async serveWith(hook: ServeHook): Promise<void> {
    this.hooks.push(hook);
    await this.serialized(async () => {
      for (const e of [...this.entries.values()]) await this.start(e);
    });
  }

  /** Stop watching, stop serving, close every repository. */
  async close(): Promise<void> {
    for (const w of this.watches) w.stop();
    await this.serialized(async () => {
      for (const e of [...this.entries.values()]) await this.drop(e);
    });
  }

  private open(path: string, name: string, ino: number, fromDir: boolean): ServedRepo {
    if (this.entries.has(name)) throw new Error(`two repositories are named ${name}: give them different file names`);
    const repo = openRepository(path);
    const e: Entry = { path, name, repo, ino, fromDir, stops: [] };
    this.entries.set(name, e);
    return e;
  }

  /** Run the hooks not yet run on it. */
  private async start(e: Entry): Promise<void> {
    try {
      while (e.stops.length < this.hooks.length) e.stops.push(await this.hooks[e.stops.length]!(e));
    } catch (err) {
      // Not served after all: undo what was started and close it, so a later look can try again.
      await this.drop(e);
      throw err;
    }
  }

  private async drop(e: Entry): Promise<void> {
    this.entries.delete(e.name);
    try {
      for (const stop of e.stops.reverse()) await stop().catch((err: Error) => this.log(`stopping ${e.name}: ${err.message}`));
    } finally {
      e.repo.db.close();
    }
  }

  private serialized(fn: () => Promise<void>): Promise<void> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
