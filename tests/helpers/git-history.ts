/**
 * Git repositories built with the real `git` for import tests, and what fossil itself reads
 * back from a repository file (check-ins, trees, parents, tags), for comparing two imports.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fossil, fossilEnv } from './tools.ts';

export class GitRepo {
  private tick = 0;
  constructor(readonly dir: string) {}

  static init(dir: string): GitRepo {
    mkdirSync(dir, { recursive: true });
    const g = new GitRepo(dir);
    g.git('init', '-q', '-b', 'master');
    return g;
  }

  /** Run git with a fixed identity and clock: every commit one minute after the last. */
  git(...args: string[]): string {
    return this.gitAs({}, ...args);
  }

  gitAs(who: { author?: [string, string]; committer?: [string, string] }, ...args: string[]): string {
    this.tick++;
    const date = `${1_700_000_000 + this.tick * 60} +0200`;
    const [an, ae] = who.author ?? ['Alice Author', 'alice@example.com'];
    const [cn, ce] = who.committer ?? who.author ?? ['Alice Author', 'alice@example.com'];
    return execFileSync('git', ['-C', this.dir, ...args], {
      encoding: 'utf8',
      env: {
        ...fossilEnv(),
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_AUTHOR_NAME: an,
        GIT_AUTHOR_EMAIL: ae,
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_NAME: cn,
        GIT_COMMITTER_EMAIL: ce,
        GIT_COMMITTER_DATE: date,
      },
    });
  }

  write(path: string, data: string | Uint8Array, mode?: number): void {
    const p = join(this.dir, path);
    mkdirSync(dirname(p), { recursive: true });
    rmSync(p, { force: true });
    writeFileSync(p, data);
    if (mode !== undefined) chmodSync(p, mode);
  }

  symlink(path: string, target: string): void {
    const p = join(this.dir, path);
    rmSync(p, { force: true });
    symlinkSync(target, p);
  }

  commit(message: string, who: Parameters<GitRepo['gitAs']>[0] = {}): void {
    this.git('add', '-A');
    this.gitAs(who, 'commit', '-q', '--allow-empty', '-m', message);
  }

  /** `git fast-export --all`, the stream fossil's documentation pipes into `fossil import --git`. */
  fastExport(...extra: string[]): Buffer {
    return execFileSync('git', ['-C', this.dir, 'fast-export', '--all', ...extra], { maxBuffer: 256 * 1024 * 1024 });
  }
}

/** `git fast-export --all | fossil import --git [-i] FILE`. */
export function fossilImport(g: GitRepo, file: string, incremental = false): void {
  const r = spawnSync('fossil', ['import', '--git', ...(incremental ? ['--incremental'] : []), file], {
    input: g.fastExport(),
    env: fossilEnv(),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`fossil import failed: ${r.stderr}${r.stdout}`);
}

/** Rows of a query, read by fossil itself (fossil's own SQL functions and virtual tables work). */
export function fossilJson<T = Record<string, unknown>>(file: string, sql: string): T[] {
  const out = fossil(['sql', '-R', file], { input: `.mode json\n${sql};\n` }).stdout.trim();
  return out ? (JSON.parse(out) as T[]) : [];
}

export interface CheckinView {
  uuid: string;
  comment: string;
  user: string;
  time: string;
  parents: string[];
  tags: string[];
  files: { name: string; uuid: string; perm: string | null }[];
}

/** Every check-in as fossil reads it: comment, user, parents (primary first), tags, tree. */
export function checkinsOf(file: string): CheckinView[] {
  const rows = fossilJson<{ uuid: string; comment: string; user: string; time: string }>(
    file,
    "SELECT b.uuid AS uuid, e.comment AS comment, e.user AS user, datetime(e.mtime) AS time FROM event e JOIN blob b ON b.rid=e.objid WHERE e.type='ci' ORDER BY e.mtime, b.uuid",
  );
  const parents = fossilJson<{ child: string; parent: string; isprim: number }>(
    file,
    'SELECT c.uuid AS child, p.uuid AS parent, isprim FROM plink JOIN blob c ON c.rid=cid JOIN blob p ON p.rid=pid ORDER BY isprim DESC, p.uuid',
  );
  const tags = fossilJson<{ uuid: string; tag: string }>(
    file,
    "SELECT b.uuid AS uuid, t.tagname || CASE WHEN x.value IS NULL THEN '' ELSE '=' || x.value END AS tag FROM tagxref x JOIN tag t ON t.tagid=x.tagid JOIN blob b ON b.rid=x.rid WHERE x.tagtype>0 AND (t.tagname GLOB 'sym-*' OR t.tagname='branch') ORDER BY 2",
  );
  return rows.map((r) => ({
    ...r,
    parents: parents.filter((p) => p.child === r.uuid).map((p) => p.parent),
    tags: tags.filter((t) => t.uuid === r.uuid).map((t) => t.tag),
    files: fossilJson<{ name: string; uuid: string; perm: string | null }>(
      file,
      `SELECT filename AS name, uuid, perm FROM files_of_checkin('${r.uuid}') ORDER BY filename`,
    ),
  }));
}

/** The bytes of an artifact, as fossil gives them. */
export function fossilArtifact(file: string, uuid: string): Buffer {
  const r = spawnSync('fossil', ['artifact', uuid, '-R', file], { env: fossilEnv(), maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`fossil artifact ${uuid} failed: ${r.stderr.toString()}`);
  return r.stdout;
}
