import { lstatSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { defineCommand } from '../command.ts';
import { jsonOption, repoOption } from '../command.ts';
import { UsageError } from '../args.ts';
import { authorName, repoPath, withRepository } from '../repo-access.ts';
import { branchTip, resolveCheckin, tipCheckin } from '../../repo/queries/resolve.ts';
import { filesOfCheckin } from '../../repo/checkin-files.ts';
import { createCheckin, type CheckinFile } from '../../repo/authoring/checkin.ts';
import { utf8 } from '../../fossil/bytes.ts';
import type { Repository } from '../../repo/repository.ts';
import { writeHere } from '../../mesh/local-write.ts';

/** Files fossil keeps for a check-out; never part of a check-in. */
const CHECKOUT_FILES = new Set(['.fslckout', '_FOSSIL_', '.fslckout-journal', '_FOSSIL_-journal', '.fslckout-wal', '.fslckout-shm']);

interface DiskFile {
  content: Uint8Array;
  perm: '' | 'x' | 'l';
}

/**
 * A file as fossil's commit reads it: a symbolic link is stored as a link (its target as the
 * content, permission `l`) only when the repository's `allow-symlinks` is on; by default, as
 * fossil does, the file it points to is stored instead.
 */
function readDiskFile(path: string, allowSymlinks: boolean): DiskFile {
  const st = lstatSync(path);
  if (st.isSymbolicLink() && allowSymlinks) return { content: utf8(readlinkSync(path)), perm: 'l' };
  const target = st.isSymbolicLink() ? statSync(path) : st;
  if (!target.isFile()) throw new Error(`not a regular file: ${path}`);
  return { content: readFileSync(path), perm: target.mode & 0o111 ? 'x' : '' };
}

/** Every file under dir, as '/'-separated relative names. */
function walk(dir: string, base = dir, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    const rel = relative(base, p).split(sep).join('/');
    if (!rel.includes('/') && CHECKOUT_FILES.has(e.name)) continue;
    if (e.isDirectory()) walk(p, base, out);
    else out.push(rel);
  }
  return out;
}

/** The parent: --parent, else the tip of --branch if it exists, else the tip of trunk, else tip. */
function chooseParent(repo: Repository, parent: string | undefined, branch: string | undefined): number | undefined {
  if (parent) return resolveCheckin(repo.db, parent);
  if (branch) {
    const t = branchTip(repo.db, branch);
    if (t !== undefined) return t;
  }
  return branchTip(repo.db, 'trunk') ?? tipCheckin(repo.db);
}

export const commitCommand = defineCommand({
  name: 'commit',
  summary: 'make a check-in from files on disk',
  usage: 'commit -R FILE -m MSG [--user U] [--branch B] [--dir DIR] [--parent CHECKIN] [FILE...]',
  description: [
    'Without FILEs the check-in is exactly the tree under DIR (default: the current directory):',
    'files missing from DIR are deleted. With FILEs (paths relative to DIR) those are added or',
    'updated and the rest of the parent is kept. The parent is --parent, else the newest check-in',
    'of --branch when that branch exists, else the newest check-in on trunk. A --branch that does',
    'not exist yet starts a new branch there.',
  ].join('\n'),
  options: [
    repoOption,
    { name: 'message', short: 'm', type: 'string', value: 'MSG', help: 'the check-in comment (required)' },
    { name: 'user', type: 'string', value: 'LOGIN', help: 'author (default: $USER)' },
    { name: 'branch', short: 'b', type: 'string', value: 'NAME', help: 'commit to branch NAME (new or existing)' },
    { name: 'dir', short: 'd', type: 'string', value: 'DIR', help: 'the directory holding the files (default .)' },
    { name: 'parent', type: 'string', value: 'CHECKIN', help: 'the parent check-in' },
    { name: 'merge', type: 'string', repeat: true, value: 'CHECKIN', help: 'add a merge parent (repeatable)' },
    { name: 'delete', type: 'string', repeat: true, value: 'PATH', help: 'remove PATH from the check-in, even when it is still in DIR (repeatable)' },
    { name: 'rename', type: 'string', repeat: true, value: 'OLD=NEW', help: 'record that OLD was renamed to NEW' },
    { name: 'tag', type: 'string', repeat: true, value: 'NAME', help: 'put symbolic tag NAME on the check-in' },
    { name: 'bgcolor', type: 'string', value: 'COLOR', help: 'background colour (for a new branch: the branch colour)' },
    { name: 'close', type: 'boolean', help: 'close the branch at this check-in' },
    { name: 'date', type: 'string', value: 'DATETIME', help: 'override the check-in time (UTC)' },
    { name: 'private', type: 'boolean', help: 'make the check-in private (never synced without private sync)' },
    { name: 'allow-empty', type: 'boolean', help: 'allow a check-in with no changes' },
    jsonOption,
  ],
  run({ args, stdout }) {
    const o = args.options;
    const message = o.message;
    if (!message) throw new UsageError('a check-in comment is required: -m MSG');
    const dir = resolve(o.dir ?? '.');
    const renames = new Map<string, string>(); // new -> old
    for (const r of o.rename ?? []) {
      const [from, to] = r.split('=');
      if (!from || !to) throw new UsageError(`--rename needs OLD=NEW, got ${JSON.stringify(r)}`);
      renames.set(to, from);
    }
    let date: Date | undefined;
    if (o.date) {
      const s = String(o.date);
      date = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s.replace(' ', 'T')}Z`);
      if (Number.isNaN(date.getTime())) throw new UsageError(`bad --date ${JSON.stringify(s)}`);
    }
    return withRepository(repoPath(o), (repo) => {
      const branch = o.branch;
      const parent = chooseParent(repo, o.parent, branch);
      const parentFiles = parent !== undefined ? filesOfCheckin(repo, parent) : [];
      const files = new Map<string, CheckinFile>();
      const toName = (p: string) => {
        const rel = relative(dir, resolve(dir, p)).split(sep).join('/');
        if (rel.startsWith('../') || rel === '..' || rel === '') throw new UsageError(`${p} is outside ${dir}`);
        return rel;
      };
      const allowSymlinks = /^(1|on|yes|true)$/i.test(repo.config.get('allow-symlinks') ?? '');
      if (args.positional.length === 0) {
        for (const name of walk(dir)) {
          const f = readDiskFile(join(dir, name), allowSymlinks);
          files.set(name, { name, content: f.content, perm: f.perm });
        }
      } else {
        for (const f of parentFiles) if (f.uuid) files.set(f.name, { name: f.name, uuid: f.uuid, perm: f.perm });
        for (const p of args.positional) {
          const name = toName(p);
          const f = readDiskFile(join(dir, name), allowSymlinks);
          files.set(name, { name, content: f.content, perm: f.perm });
        }
      }
      // --delete removes a file from the check-in whether or not it is still in DIR.
      for (const p of o.delete ?? []) {
        const name = toName(p);
        if (!files.delete(name)) throw new Error(`cannot delete ${name}: not in the ${args.positional.length ? 'parent check-in' : 'tree'}`);
      }
      for (const [to, from] of renames) {
        const f = files.get(to);
        if (!f) throw new Error(`renamed file ${to} is not in the new check-in`);
        f.oldName = from;
        files.delete(from);
      }
      const merges = (o.merge ?? []).map((m) => resolveCheckin(repo.db, m));
      const parentBranch = parent !== undefined ? repo.db.value<string>('SELECT value FROM tagxref WHERE rid=? AND tagid=8 AND tagtype>0', parent) : undefined;
      // The one write path (mesh/local-write.ts): the check-in and its outbox entry in one transaction.
      const result = writeHere(repo, (r) => {
        const c = createCheckin(r, {
          parent,
          merges,
          files: [...files.values()],
          comment: message,
          user: authorName(repo, o.user),
          branch: branch && branch !== parentBranch ? branch : undefined,
          bgcolor: o.bgcolor,
          tags: o.tag,
          close: Boolean(o.close),
          date,
          isPrivate: Boolean(o.private),
          refuseEmpty: !o['allow-empty'],
        });
        return { uuid: c.uuid, kind: 'checkin', value: c };
      });
      if (o.json) stdout(JSON.stringify({ uuid: result.uuid, rid: result.rid, files: files.size, newFiles: result.newFiles }));
      else stdout(`New_Version: ${result.uuid}`);
    });
  },
});
