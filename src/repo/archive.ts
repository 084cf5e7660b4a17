/**
 * A check-in as a ZIP or gzipped tar archive holding what `fossil zip` and `fossil tarball` put in
 * theirs (zip.c, tar.c): every file of the check-in under one top-level directory named as fossil
 * names it (project name with spaces as `_`, the check-in's time, the first 10 characters of its
 * hash), a folder entry before the first file of each folder, executables with mode 0755 and
 * symlinks as links, every entry dated at the check-in; plus `manifest` and `manifest.uuid` when
 * the repository's `manifest` setting asks for them.
 */
import { gzipSync, zipSync, type Zippable } from 'fflate';
import { utf8 } from '../fossil/bytes.ts';
import { checkinFiles, readCheckin } from './checkin-files.ts';
import type { Repository } from './repository.ts';
import { CodedError } from '../errors.ts';

export interface ArchiveEntry {
  /** Path inside the archive; a folder ends in `/`. */
  name: string;
  /** Absent for a folder. */
  bytes?: Uint8Array;
  perm: '' | 'x' | 'l';
}

export interface CheckinArchive {
  /** The top-level directory (and the archive's name without extension). */
  base: string;
  /** The check-in's time, seconds since 1970. */
  mtime: number;
  entries: ArchiveEntry[];
}

const JD_UNIX_EPOCH = 2440587.5;

/** What the `manifest` setting asks for: on/1 is the manifest and manifest.uuid; else letters r, u, t. */
function manifestSetting(repo: Repository): { raw: boolean; uuid: boolean } {
  const v = (repo.db.value<string>("SELECT value FROM config WHERE name='manifest'") ?? '').trim().toLowerCase();
  if (['on', '1', 'yes', 'true'].includes(v)) return { raw: true, uuid: true };
  return { raw: v.includes('r'), uuid: v.includes('u') };
}

/** The files of check-in RID (a full hash resolved by the caller) as fossil puts them in an archive. */
export function checkinArchive(repo: Repository, rid: number): CheckinArchive {
  const uuid = repo.content.uuidOf(rid)!;
  const ev = repo.db.get<{ mtime: number; day: string }>("SELECT mtime, strftime('_%Y-%m-%d_%H%M%S_', mtime) AS day FROM event WHERE objid=?", rid);
  if (!ev) throw new CodedError('not-found', `${uuid.slice(0, 12)} is not a check-in`);
  const project = repo.db.value<string>("SELECT value FROM config WHERE name='project-name'") ?? 'unnamed';
  const base = `${project.replaceAll(' ', '_')}${ev.day}${uuid.slice(0, 10)}`;
  const manifest = readCheckin(repo, rid);
  const entries: ArchiveEntry[] = [];
  const folders = new Set<string>();
  const add = (name: string, bytes: Uint8Array, perm: ArchiveEntry['perm']) => {
    const path = `${base}/${name}`;
    // zip_add_folders: each folder not yet in the archive, outermost first.
    for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
      const dir = path.slice(0, i + 1);
      if (!folders.has(dir)) {
        folders.add(dir);
        entries.push({ name: dir, perm: '' });
      }
    }
    entries.push({ name: path, bytes, perm });
  };
  const setting = manifestSetting(repo);
  if (setting.raw) add('manifest', repo.content.get(rid), '');
  if (setting.uuid) add('manifest.uuid', utf8(`${uuid}\n`), '');
  for (const f of checkinFiles(repo, manifest)) {
    const fid = f.uuid ? repo.content.ridOf(f.uuid) : undefined;
    // fossil leaves out a file whose content it does not have.
    const bytes = fid === undefined ? null : repo.content.tryGet(fid);
    if (!bytes) continue;
    add(f.name, bytes, f.perm?.includes('l') ? 'l' : f.perm?.includes('x') ? 'x' : '');
  }
  return { base, mtime: Math.round((ev.mtime - JD_UNIX_EPOCH) * 86400), entries };
}

const modeOf = (e: ArchiveEntry) => (e.bytes === undefined ? 0o40755 : e.perm === 'l' ? 0o120755 : e.perm === 'x' ? 0o100755 : 0o100644);

/** The archive as fossil's `zip` writes it (files deflated, Unix modes in the external attributes). */
export function zipArchive(a: CheckinArchive): Uint8Array {
  const files: Zippable = {};
  const mtime = new Date(a.mtime * 1000);
  for (const e of a.entries) {
    const bytes = e.bytes ?? new Uint8Array();
    files[e.name] = [bytes, { level: bytes.length ? 6 : 0, mtime, os: 3, attrs: modeOf(e) << 16 }];
  }
  return zipSync(files);
}

const enc = new TextEncoder();

/** A ustar header block; long names go in a pax header before it (as fossil does for them). */
function tarHeader(name: string, mode: number, size: number, mtime: number, type: string, link = ''): Uint8Array[] {
  const blocks: Uint8Array[] = [];
  let shortName = name;
  if (enc.encode(name).length > 100) {
    // A pax record's length counts its own digits.
    const rec = (k: string, v: string) => {
      const body = ` ${k}=${v}\n`;
      const len = enc.encode(body).length;
      let n = len + String(len).length;
      if (String(n).length > String(len).length) n = len + String(n).length;
      return `${n}${body}`;
    };
    const pax = enc.encode(rec('path', name));
    blocks.push(...tarHeader(`././@PaxHeader`, 0o644, pax.length, mtime, 'x'), ...padded(pax));
    shortName = name.slice(-100).replace(/^[^/]*\//, '');
  }
  const h = new Uint8Array(512);
  const put = (off: number, len: number, s: string) => h.set(enc.encode(s).subarray(0, len), off);
  const oct = (off: number, len: number, n: number) => put(off, len, `${n.toString(8).padStart(len - 1, '0')}\0`);
  put(0, 100, shortName);
  oct(100, 8, mode & 0o7777);
  oct(108, 8, 0);
  oct(116, 8, 0);
  oct(124, 12, size);
  oct(136, 12, mtime);
  h.fill(32, 148, 156);
  put(156, 1, type);
  put(157, 100, link);
  put(257, 8, 'ustar\u000000');
  let sum = 0;
  for (const b of h) sum += b;
  put(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  blocks.push(h);
  return blocks;
}

function padded(bytes: Uint8Array): Uint8Array[] {
  const rest = bytes.length % 512;
  return rest ? [bytes, new Uint8Array(512 - rest)] : [bytes];
}

/** The archive as fossil's `tarball` writes it: a gzipped POSIX tar. */
export function tarballArchive(a: CheckinArchive): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of a.entries) {
    if (e.bytes === undefined) parts.push(...tarHeader(e.name.replace(/\/$/, ''), 0o755, 0, a.mtime, '5'));
    else if (e.perm === 'l' && e.bytes.length <= 100) parts.push(...tarHeader(e.name, 0o644, 0, a.mtime, '2', new TextDecoder().decode(e.bytes)));
    else parts.push(...tarHeader(e.name, e.perm === 'x' ? 0o755 : 0o644, e.bytes.length, a.mtime, '0'), ...padded(e.bytes));
  }
  parts.push(new Uint8Array(1024));
  const tar = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    tar.set(p, off);
    off += p.length;
  }
  return gzipSync(tar, { mtime: a.mtime * 1000 });
}
