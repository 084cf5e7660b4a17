/**
 * Readers of what fossil prints and writes, for comparing with ours: `fossil diff` output as files
 * and hunks, ZIP entries (name, Unix mode, bytes as unzip extracts them), gzipped tar entries.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'fflate';

export interface ListedFile { name: string; change: string; hunks: string[][] }

/** `fossil diff` output: per file, its change and each hunk as its header and lines. */
export function parseFossilDiff(out: string): ListedFile[] {
  const files: ListedFile[] = [];
  let cur: ListedFile | undefined;
  for (const line of out.split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^Index: (.*)$/.exec(line))) files.push((cur = { name: m[1]!, change: 'changed', hunks: [] }));
    else if ((m = /^(ADDED|DELETED)\s+(.*)$/.exec(line))) { files.push({ name: m[2]!, change: m[1]!.toLowerCase(), hunks: [] }); cur = undefined; }
    else if (cur && line.startsWith('@@')) cur.hunks.push([line]);
    else if (cur && cur.hunks.length && /^[-+ ]/.test(line) && !/^(---|\+\+\+) /.test(line)) cur.hunks.at(-1)!.push(line);
  }
  return files;
}

/** ZIP entries from the central directory: name, Unix mode, and the bytes `unzip -p` extracts (hex). */
export function zipEntries(zipBytes: Uint8Array, scratch: string): Map<string, { mode: number; bytes: string }> {
  const v = new DataView(zipBytes.buffer, zipBytes.byteOffset, zipBytes.byteLength);
  let end = zipBytes.length - 22;
  while (v.getUint32(end, true) !== 0x06054b50) end--;
  const out = new Map<string, { mode: number; bytes: string }>();
  let p = v.getUint32(end + 16, true);
  const n = v.getUint16(end + 10, true);
  const dir = join(scratch, `unzip-${process.pid}-${++unzipped}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'a.zip'), zipBytes);
  for (let i = 0; i < n; i++) {
    const nameLen = v.getUint16(p + 28, true);
    const name = new TextDecoder().decode(zipBytes.subarray(p + 46, p + 46 + nameLen));
    const mode = v.getUint32(p + 38, true) >>> 16;
    out.set(name, { mode, bytes: name.endsWith('/') ? '' : unzipEntry(join(dir, 'a.zip'), name) });
    p += 46 + nameLen + v.getUint16(p + 30, true) + v.getUint16(p + 32, true);
  }
  return out;
}
let unzipped = 0;
/** One entry's bytes as unzip extracts them (hex), so each archive is read by the same other reader. */
function unzipEntry(zipFile: string, name: string): string {
  return Buffer.from(execFileSync('unzip', ['-p', zipFile, name.replace(/([[\]*?])/g, '[$1]')], { maxBuffer: 64 << 20 })).toString('hex');
}

/** Entries of a gzipped tar: path (pax `path` when given), type, mode, bytes (hex), link. */
export function tarEntries(gz: Uint8Array): Map<string, { type: string; mode: number; bytes: string; link: string }> {
  const tar = gunzipSync(gz);
  const out = new Map<string, { type: string; mode: number; bytes: string; link: string }>();
  const str = (o: number, n: number) => new TextDecoder().decode(tar.subarray(o, o + n)).replace(/\0.*$/s, '');
  let pax: string | undefined;
  for (let o = 0; o + 512 <= tar.length && tar[o] !== 0;) {
    const size = parseInt(str(o + 124, 12).trim() || '0', 8);
    const type = str(o + 156, 1) || '0';
    const prefix = str(o + 345, 155);
    const name = pax ?? (prefix ? `${prefix}/${str(o, 100)}` : str(o, 100));
    const body = tar.subarray(o + 512, o + 512 + size);
    pax = undefined;
    if (type === 'x') pax = /\d+ path=(.*)\n/.exec(new TextDecoder().decode(body))?.[1];
    else out.set(name.replace(/\/$/, ''), { type, mode: parseInt(str(o + 100, 8).trim(), 8), bytes: Buffer.from(body).toString('hex'), link: type === '2' ? str(o + 157, 100) : '' });
    o += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

