/**
 * A repository made by the real fossil that holds every kind of structural artifact the CLI can
 * write, plus hand-written ones for what it cannot (forum posts, a ticket attachment, a cluster,
 * a clear-signed tag), and the means to read every blob back out of it.
 *
 * Blobs are read with sqlite3 and expanded with our own blob codec and delta decoder, each
 * verified against its hash; so the expansion also exercises applyDelta on fossil's own deltas.
 */
import { mkdirSync, symlinkSync, writeFileSync, chmodSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { fossil, sqlite, tempDir } from './tools.ts';
import { uncompressBlob } from '../../src/fossil/blob-codec.ts';
import { applyDelta } from '../../src/fossil/delta.ts';
import { hashBytes, md5Hex, verifyHash } from '../../src/fossil/hash.ts';
import { utf8 } from '../../src/fossil/bytes.ts';

export interface Zoo {
  dir: string;
  repo: string;
  cleanup: () => void;
}

export interface StoredBlob {
  uuid: string;
  content: Uint8Array;
}

/** An artifact text with its Z card appended. */
export function withZ(body: string): string {
  return `${body}Z ${md5Hex(utf8(body))}\n`;
}

export function buildArtifactZoo(): Zoo {
  const { dir, cleanup } = tempDir('edgesync-zoo-');
  const repo = join(dir, 'zoo.fossil');
  const co = join(dir, 'co');
  const f = (args: string[]) => fossil(args, { cwd: co }).stdout;
  const current = () => f(['whatis', 'current']).match(/artifact:\s+([0-9a-f]+)/)![1]!;
  const write = (name: string, data: string) => {
    mkdirSync(join(co, name, '..'), { recursive: true });
    writeFileSync(join(co, name), data);
  };

  fossil(['init', '-A', 'alice', repo], { cwd: dir });
  mkdirSync(co);
  f(['open', repo]);
  f(['settings', 'allow-symlinks', 'on']);

  // Check-ins: nested and fossilized names, an executable, unicode, a symlink.
  write('a.txt', 'hello\n');
  write('dir with space/b c.txt', 'spaces\n');
  write('src/ünïcode.txt', 'ü\n');
  write('run.sh', '#!/bin/sh\necho hi\n');
  chmodSync(join(co, 'run.sh'), 0o755);
  for (let i = 0; i < 90; i++) write(`filler/f${String(i).padStart(2, '0')}.txt`, `filler file ${i}\n`.repeat(1 + (i % 7)));
  f(['add', '.']);
  f(['commit', '-m', 'first commit\nwith a second line and a tab\t', '--no-warnings']);
  symlinkSync('a.txt', join(co, 'link.txt'));
  f(['add', 'link.txt']);
  f(['commit', '-m', 'a symlink']);

  // A rename, then a branch and a merge back.
  f(['mv', '--hard', 'a.txt', 'src/moved.txt']);
  f(['commit', '-m', 'rename']);
  const renamed = current();
  appendFileSync(join(co, 'src/moved.txt'), 'branch line\n');
  f(['commit', '-m', 'branch work', '--branch', 'feature', '--bgcolor', '#ffc0c0']);
  appendFileSync(join(co, 'src/moved.txt'), 'more branch\n');
  f(['commit', '-m', 'more branch work']);
  const branchTip = current();
  f(['update', 'trunk']);
  appendFileSync(join(co, 'run.sh'), 'echo trunk\n');
  f(['commit', '-m', 'trunk work']);
  f(['merge', 'feature']);
  f(['commit', '-m', 'merge feature']);

  // Cherry-pick and backout (Q cards), a delta-manifest (B card), a deletion, a private check-in.
  write('cp.txt', 'to cherry-pick\n');
  f(['add', 'cp.txt']);
  f(['commit', '-m', 'on trunk, to pick', '--branch', 'side']);
  const picked = current();
  f(['update', 'feature']);
  f(['merge', '--cherrypick', picked]);
  f(['commit', '-m', 'cherry-picked']);
  f(['merge', '--backout', picked]);
  f(['commit', '-m', 'backed out', '--allow-empty']);
  f(['update', 'trunk']);
  appendFileSync(join(co, 'run.sh'), 'echo delta\n');
  f(['rm', 'dir with space/b c.txt']);
  f(['commit', '-m', 'a delta manifest', '--delta']);
  write('secret.txt', 'private\n');
  f(['add', 'secret.txt']);
  f(['commit', '-m', 'private work', '--private', '--branch', 'hush']);
  f(['update', 'trunk']);
  f(['commit', '-m', 'closing side', '--allow-empty', '--close']);
  // `branch new` copies the basis' permission arguments, giving a bare 'w' after a rename.
  f(['branch', 'new', 'from-cli', renamed]);

  // Control artifacts.
  f(['tag', 'add', 'v1.0', 'trunk']);
  f(['tag', 'add', '--propagate', 'release', 'trunk', 'value with spaces']);
  f(['tag', 'cancel', 'v1.0', 'trunk']);
  f(['amend', branchTip, '--comment', 'amended comment', '--author', 'bob', '--bgcolor', '#c0ffc0', '--tag', 'extra']);
  f(['amend', branchTip, '--hide', '--close']);

  // Wiki in each markup, an edit, and a technote with an attachment.
  write('w1.txt', 'Hello [wiki] text\n');
  f(['wiki', 'create', 'Home Page', 'w1.txt']);
  write('w2.md', '# Markdown\n\n* item\n');
  f(['wiki', 'create', 'MdPage', 'w2.md', '-M', 'markdown']);
  write('w3.txt', 'plain text page');
  f(['wiki', 'create', 'Plain', 'w3.txt', '-M', 'plain']);
  appendFileSync(join(co, 'w1.txt'), 'edited\n');
  f(['wiki', 'commit', 'Home Page', 'w1.txt']);
  write('tn.txt', 'technote body\n');
  f(['wiki', 'create', 'A technote', 'tn.txt', '--technote', '2026-01-02 03:04:05', '--technote-tags', 't1,t2',
    '--technote-bgcolor', '#aabbcc', '-M', 'markdown']);
  const technoteId = sqlite(repo, "select substr(tagname, 7) from tag where tagname like 'event-%' limit 1").trim();
  appendFileSync(join(co, 'tn.txt'), 'edited\n');
  f(['wiki', 'commit', 'A technote', 'tn.txt', '--technote', technoteId]);
  write('att.txt', 'attached\n');
  f(['attachment', 'add', 'Home Page', 'att.txt']);
  f(['attachment', 'add', '-t', technoteId, 'att.txt']);

  // Tickets: a new one, then a change that appends.
  const tkt = f(['ticket', 'add', 'title', 'A bug', 'status', 'Open', 'type', 'Code_Defect', 'comment', 'line1\nline2'])
    .match(/([0-9a-f]{40})/)![1]!;
  f(['ticket', 'change', tkt, 'status', 'Fixed', '+comment', ' more']);

  // What the CLI cannot write, by hand.
  const put = (name: string, text: string) => {
    write(name, text);
    f(['test-content-put', name]);
    return hashBytes(utf8(text), 'sha3');
  };
  const root = put('forum1.txt', withZ('D 2026-11-20T23:30:00.000\nH First\\sthread\nN text/x-markdown\nU alice\nW 12\nHello forum\n\n'));
  const reply = put('forum2.txt', withZ(`D 2026-11-20T23:31:00.000\nG ${root}\nI ${root}\nN text/x-markdown\nU bob\nW 5\nYes!\n\n`));
  put('forum3.txt', withZ(`D 2026-11-20T23:32:00.000\nG ${root}\nI ${root}\nN text/x-markdown\nP ${reply}\nU bob\nW 7\nYes!!!\n\n`));
  put('tktatt.txt', withZ(`A log.txt ${tkt} ${hashBytes(utf8('attached\n'), 'sha3')}\nC for\\sthe\\sticket\nD 2026-11-20T23:33:00.000\nU alice\n`));
  // The web form writes a cleared field as `J name ` (an empty value after the space).
  put('tktclear.txt', withZ(`D 2026-11-20T23:33:30.000\nJ foundin \nJ status Closed\nK ${tkt}\nU alice\n`));
  const tagBody = withZ(`D 2026-11-20T23:34:00.000\nT +signed ${branchTip}\nU alice\n`);
  put('signed.txt', `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n${tagBody}-----BEGIN PGP SIGNATURE-----\n\niQEzBAEBCAAdFiEEexample\n=abcd\n-----END PGP SIGNATURE-----\n`);

  // Enough unclustered artifacts exist by now for fossil to write a real cluster.
  f(['test-create-clusters']);
  f(['close', '--force']);
  fossil(['rebuild', repo], { cwd: dir });
  return { dir, repo, cleanup };
}

/** Every non-phantom blob, expanded and checked against its name. */
export function readAllBlobs(repo: string): StoredBlob[] {
  const rows = sqlite(repo, 'select rid, uuid, hex(content) from blob where size >= 0 order by rid').trim().split('\n');
  const deltas = new Map<number, number>();
  for (const line of sqlite(repo, 'select rid, srcid from delta').trim().split('\n')) {
    if (!line) continue;
    const [rid, src] = line.split('|').map(Number);
    deltas.set(rid!, src!);
  }
  const stored = new Map<number, { uuid: string; raw: Uint8Array }>();
  for (const line of rows) {
    const [rid, uuid, hex] = line.split('|');
    stored.set(Number(rid), { uuid: uuid!, raw: Uint8Array.from(Buffer.from(hex!, 'hex')) });
  }
  const cache = new Map<number, Uint8Array>();
  const content = (rid: number): Uint8Array => {
    const hit = cache.get(rid);
    if (hit) return hit;
    const row = stored.get(rid)!;
    const data = uncompressBlob(row.raw);
    const src = deltas.get(rid);
    const full = src === undefined ? data : applyDelta(content(src), data);
    if (!verifyHash(full, row.uuid)) throw new Error(`blob ${row.uuid} does not match its hash`);
    cache.set(rid, full);
    return full;
  };
  return [...stored.entries()].map(([rid, row]) => ({ uuid: row.uuid, content: content(rid) }));
}

/** Does fossil's own parser accept the bytes as a structural artifact (`test-parse-manifest`)? */
export function fossilAccepts(dir: string, bytes: Uint8Array): boolean {
  const file = join(dir, 'candidate.txt');
  writeFileSync(file, bytes);
  const out = fossil(['test-parse-manifest', file], { cwd: dir, allowFail: true }).stdout;
  return out.includes('manifest_parse() worked');
}

/** Fossil's own description of every artifact (`test-describe-artifacts`), by full hash. */
export function describeArtifacts(repo: string, dir: string): Map<string, string> {
  const out = fossil(['test-describe-artifacts', '-R', repo], { cwd: dir }).stdout;
  const uuids = sqlite(repo, 'select uuid from blob').trim().split('\n');
  const byPrefix = new Map<string, string>();
  for (const line of out.split('\n')) {
    const m = line.match(/^\s+([0-9a-f]{16})\s+(\S+)/);
    if (m) byPrefix.set(m[1]!, m[2]!);
  }
  const result = new Map<string, string>();
  for (const u of uuids) {
    const d = byPrefix.get(u.slice(0, 16));
    if (d) result.set(u, d);
  }
  return result;
}
