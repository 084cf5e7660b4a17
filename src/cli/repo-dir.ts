/**
 * A directory of repositories, served as `fossil server --repolist` serves one: every `NAME.fossil`
 * in it is the repository NAME. Files come and go while the server runs; this watcher says when.
 *
 * A file is taken only once it holds still: a `fossil clone` or a copy into the directory writes
 * for a while, and a repository opened half written would be served half empty. So a new or
 * changed file must show the same size and modification time on two looks in a row, with no
 * rollback journal beside it (a writer is in the middle of a transaction). A file replaced by
 * another one (a new inode) is dropped and taken again.
 */
import { existsSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

/** What a look at the directory saw of one file. */
export interface RepoFileState {
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
  /** A writer's rollback journal lies beside it. */
  busy: boolean;
}

export interface RepoDirChanges {
  added: RepoFileState[];
  removed: string[];
}

/** A repository's name in a directory: its file name without `.fossil`; undefined for other files. */
export function repoNameOf(fileName: string): string | undefined {
  const m = /^([^./\\][^/\\]*)\.fossil$/.exec(fileName);
  return m?.[1];
}

/** One look at the directory: the repository files in it. */
export function lookAtRepoDir(dir: string): RepoFileState[] {
  const out: RepoFileState[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const name = repoNameOf(entry.name);
    if (name === undefined || !(entry.isFile() || entry.isSymbolicLink())) continue;
    const path = join(dir, entry.name);
    try {
      const st = statSync(path);
      if (!st.isFile()) continue;
      out.push({ name, path, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, busy: existsSync(`${path}-journal`) });
    } catch {
      // Gone between the listing and the stat: the next look says so.
    }
  }
  return out;
}

/**
 * Which files to take and to drop, from the previous look, this look and what is served now
 * (by name -> inode). Pure, so the rules above are tested without waiting on a file system.
 */
export function repoDirChanges(previous: RepoFileState[], now: RepoFileState[], served: ReadonlyMap<string, number>): RepoDirChanges {
  const before = new Map(previous.map((f) => [f.name, f]));
  const seen = new Set(now.map((f) => f.name));
  const removed = [...served.keys()].filter((name) => !seen.has(name));
  const added: RepoFileState[] = [];
  for (const f of now) {
    const ino = served.get(f.name);
    if (ino !== undefined && ino !== f.ino) removed.push(f.name);
    else if (ino !== undefined) continue;
    const last = before.get(f.name);
    const still = last !== undefined && last.size === f.size && last.mtimeMs === f.mtimeMs && last.ino === f.ino;
    if (still && !f.busy && f.size > 0) added.push(f);
  }
  return { added, removed };
}

export interface RepoDirWatch {
  /** Look now (also done every interval and when the directory changes). */
  look(): Promise<void>;
  /** The first looks, a moment apart: what holds still is served when this resolves. */
  settled(): Promise<void>;
  stop(): void;
}

export interface RepoDirHandlers {
  /** Serve it; a file that cannot be served throws, and is tried again when it changes. */
  add(file: RepoFileState): Promise<void>;
  remove(name: string): Promise<void>;
  /** Served now: name -> inode. */
  served(): ReadonlyMap<string, number>;
  log(line: string): void;
}

/** Watch dir: changes are handled one look at a time, in order. */
export function watchRepoDir(dir: string, h: RepoDirHandlers, intervalMs = 1000): RepoDirWatch {
  let previous: RepoFileState[] = [];
  /** Files that failed to open, by name, with the state they failed in (not tried again until it changes). */
  const failed = new Map<string, string>();
  let running = Promise.resolve();
  let stopped = false;
  const key = (f: RepoFileState) => `${f.ino}:${f.size}:${f.mtimeMs}`;

  const once = async () => {
    if (stopped) return;
    let now: RepoFileState[];
    try {
      now = lookAtRepoDir(dir);
    } catch (e) {
      h.log(`cannot read ${dir}: ${(e as Error).message}`);
      return;
    }
    const changes = repoDirChanges(previous, now, h.served());
    previous = now;
    for (const name of changes.removed) await h.remove(name);
    for (const f of changes.added) {
      if (failed.get(f.name) === key(f)) continue;
      try {
        await h.add(f);
        failed.delete(f.name);
      } catch (e) {
        failed.set(f.name, key(f));
        h.log(`not serving ${f.path}: ${(e as Error).message}`);
      }
    }
  };
  const look = () => (running = running.then(once, once));

  const timer = setInterval(() => void look(), intervalMs);
  timer.unref();
  let watcher: FSWatcher | undefined;
  try {
    // Sooner than the interval: a new file's second look comes a moment after its last write.
    watcher = watch(dir, { persistent: false }, () => void setTimeout(() => void look(), 300).unref());
    watcher.on('error', () => undefined);
  } catch {
    // The interval alone still finds every change.
  }
  return {
    look,
    async settled() {
      await look();
      await new Promise((r) => setTimeout(r, 250));
      await look();
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      watcher?.close();
    },
  };
}
