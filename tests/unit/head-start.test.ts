// A clone's head start (src/sync/head-start.ts), on both Db adapters, over a history the real
// fossil binary made (full and delta manifests, a branch, a file too large for the budget).
// The server: only for a login with clone rights, the newest N manifests (newest first) and the
// baselines of delta-manifests among them, then the tip's files, README first, within the byte
// budget, and nothing else in that reply. The client: a clone with head start shows the newest
// check-ins and the tip's files right after its first round, then ends with the same repository
// as a clone without.
import { beforeAll, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { uncompressBlob } from '../../src/fossil/blob-codec.ts';
import { applyDelta } from '../../src/fossil/delta.ts';
import { parseArtifact } from '../../src/fossil/artifact.ts';
import { readAllCards } from '../../src/sync/card-parser.ts';
import type { CfileCard } from '../../src/sync/card-types.ts';
import { CardWriter } from '../../src/sync/card-writer.ts';
import { decodeBody, XFER_CONTENT_TYPE } from '../../src/sync/envelope.ts';
import { randomNonceSalt, signPayload } from '../../src/sync/login.ts';
import { VERSION_ARGS } from '../../src/sync/peer-version.ts';
import { handleXferRequest, XferServer } from '../../src/sync/server-handler.ts';
import { MemoryTransport } from '../../src/sync/transports/memory.ts';
import { cloneInto, isUnfinishedClone, prepareCloneTarget } from '../../src/sync/clone-client.ts';
import { CLONE_SEQNO_SETTING } from '../../src/sync/client-session.ts';
import { HEAD_START_PRAGMA } from '../../src/sync/head-start.ts';
import { inlineVerifier, type ArtifactVerifier } from '../../src/sync/artifact-verifier.ts';
import { filesOfCheckin } from '../../src/repo/checkin-files.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { timeline } from '../../src/repo/queries/timeline.ts';
import { Repository } from '../../src/repo/repository.ts';
import { TAGXREF_TAGID_INDEX } from '../../src/repo/schema.ts';
import { forEachAdapter, type Adapter } from '../helpers/dbs.ts';
import { differingTables, dumpDerivedTablesOf } from '../helpers/derived-tables.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';
import { editText, randomText, rng } from '../helpers/edits.ts';

const BOB = { user: 'bob', password: 'bobpw' }; // clone rights
const READER = { user: 'rita', password: 'ritapw' }; // may read, may not clone
const CHECKINS = 40;
const BIG = 6000;

const tmp = tempDir('edgesync-headstart-');
let source = '';

/** A history made by fossil: every 3rd check-in a delta-manifest, a branch from check-in 25 on. */
function makeSource(): string {
  const repo = join(tmp.dir, 'source.fossil');
  const co = join(tmp.dir, 'co');
  mkdirSync(co);
  fossil(['init', repo]);
  fossil(['open', repo, '--nosync'], { cwd: co });
  const r = rng(7);
  const texts = Array.from({ length: 6 }, () => randomText(r, 30));
  mkdirSync(join(co, 'src'));
  const write = () => {
    writeFileSync(join(co, 'README.md'), `# project\n${texts[0]}`);
    for (let i = 1; i < texts.length; i++) writeFileSync(join(co, i < 3 ? `top-${i}.txt` : `src/file-${i}.c`), texts[i]!);
  };
  write();
  writeFileSync(join(co, 'big.bin'), randomText(r, BIG / 6).slice(0, BIG));
  fossil(['add', '.'], { cwd: co });
  fossil(['commit', '--no-warnings', '-m', 'first'], { cwd: co });
  for (let c = 1; c < CHECKINS; c++) {
    const i = c % texts.length;
    texts[i] = editText(r, texts[i]!, 2);
    write();
    const args = ['commit', '--no-warnings', '-m', `change ${c}`];
    if (c % 3 === 0) args.push('--delta');
    if (c === 25) args.push('--branch', 'feature');
    fossil(args, { cwd: co });
  }
  fossil(['close'], { cwd: co });
  fossil(['user', 'new', BOB.user, 'bob@x', BOB.password, '-R', repo]);
  fossil(['user', 'capabilities', BOB.user, 'gio', '-R', repo]);
  fossil(['user', 'new', READER.user, 'rita@x', READER.password, '-R', repo]);
  fossil(['user', 'capabilities', READER.user, 'o', '-R', repo]);
  fossil(['user', 'capabilities', 'nobody', '', '-R', repo]);
  fossil(['user', 'capabilities', 'anonymous', '', '-R', repo]);
  return repo;
}

beforeAll(() => {
  if (haveTool('fossil')) source = makeSource();
});

async function served(adapter: Adapter): Promise<Repository> {
  const repo = Repository.open(await adapter.load(source), { crosslinker: crosslinkerFactory });
  // Small rounds, so the clone takes many and the head start comes well before its end.
  repo.config.set('max-download', 3000);
  return repo;
}

function request(repo: Repository, login: { user: string; password: string } | undefined, cards: (w: CardWriter) => void) {
  const w = new CardWriter();
  w.pragma('client-version', ...VERSION_ARGS);
  cards(w);
  w.comment(randomNonceSalt());
  const text = login ? signPayload(w.finish(), { ...login, projectCode: repo.projectCode }) : w.finish();
  const reply = handleXferRequest(repo, { contentType: XFER_CONTENT_TYPE, body: text, text });
  return readAllCards(decodeBody(reply.body, reply.contentType).text);
}

/** The head start's cards in a reply (after its pragma), or undefined when there is none. */
function headStartCards(cards: ReturnType<typeof readAllCards>): CfileCard[] | undefined {
  const at = cards.findIndex((c) => c.kind === 'pragma' && c.name === HEAD_START_PRAGMA);
  if (at < 0) return undefined;
  const n = Number((cards[at] as { args: string[] }).args[0]);
  // (A server may end a cfile's payload with a newline, which reads as a blank card.)
  const got = cards.slice(at + 1).filter((c) => c.kind !== 'blank').slice(0, n);
  expect(got.every((c) => c.kind === 'cfile')).toBe(true);
  return got as CfileCard[];
}

const newestCheckins = (repo: Repository, n: number) =>
  repo.db.prepare("SELECT uuid FROM event JOIN blob ON rid=objid WHERE type='ci' ORDER BY mtime DESC LIMIT ?").column<string>(n);

forEachAdapter((adapter) => {
  it.skipIf(!haveTool('fossil'))('answers a clone login with the newest manifests, their baselines and the tip files, README first, within the budget', async () => {
    const repo = await served(adapter);
    const budget = 4000;
    const cards = request(repo, BOB, (w) => {
      w.pragma(HEAD_START_PRAGMA, '8', String(budget));
      w.clone(3, 1);
    });
    const head = headStartCards(cards)!;
    expect(head).toBeDefined();
    // With rounds of 3000 bytes the clone has many more to go, and the server says so.
    const pragma = cards.find((c) => c.kind === 'pragma' && c.name === HEAD_START_PRAGMA) as { args: string[] };
    expect(Number(pragma.args[1])).toBeGreaterThan(10);
    // Each card expands (whole, or as a delta of one before it) to content with its name.
    const contents = new Map<string, Uint8Array>();
    for (const c of head) {
      const inner = uncompressBlob(c.payload);
      const full = c.src ? applyDelta(contents.get(c.src)!, inner) : inner;
      expect(full.length).toBe(c.usize);
      expect(repo.content.get(repo.content.ridOf(c.hash)!)).toEqual(full);
      contents.set(c.hash, full);
    }
    const uuids = head.map((c) => c.hash);
    const newest = newestCheckins(repo, 8);
    const baselines = [...new Set(newest.map((u) => parseArtifact(repo.content.get(repo.content.ridOf(u)!)).baseline).filter((b): b is string => b !== undefined))];
    expect(baselines.length).toBeGreaterThan(0);
    // The manifests first, newest first, each baseline right after the first that needs it
    // (a baseline that is one of the newest too then comes ahead of its turn).
    const manifests = uuids.filter((u) => newest.includes(u) || baselines.includes(u));
    expect(uuids.slice(0, manifests.length)).toEqual(manifests);
    expect([...manifests].sort()).toEqual([...new Set([...newest, ...baselines])].sort());
    const expected: string[] = [];
    for (const u of newest) {
      if (!expected.includes(u)) expected.push(u);
      const b = parseArtifact(repo.content.get(repo.content.ridOf(u)!)).baseline;
      if (b && !expected.includes(b)) expected.push(b);
    }
    expect(manifests).toEqual(expected);
    // Then the tip's files: README first, within the budget; the big file does not fit.
    const tip = repo.content.ridOf(newest[0]!)!;
    const tipFiles = filesOfCheckin(repo, tip);
    const files = uuids.slice(manifests.length);
    const readme = tipFiles.find((f) => f.name === 'README.md')!;
    expect(files[0]).toBe(readme.uuid);
    const sizes = files.map((u) => contents.get(u)!.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(budget);
    expect(files).not.toContain(tipFiles.find((f) => f.name === 'big.bin')!.uuid);
    for (const u of files) expect(tipFiles.map((f) => f.uuid)).toContain(u);
    // The top-level files come before those in folders, as far as the budget goes.
    const names = files.map((u) => tipFiles.find((f) => f.uuid === u)!.name);
    expect(names.slice(0, 3)).toEqual(['README.md', 'top-1.txt', 'top-2.txt']);
    // That is all of the reply: the clone's own artifacts start with the next round, at 1.
    expect(cards.filter((c) => c.kind === 'cfile' || c.kind === 'file')).toHaveLength(head.length);
    expect(cards.find((c) => c.kind === 'clone_seqno')).toMatchObject({ seqno: 1 });
  });

  it.skipIf(!haveTool('fossil'))('gives nothing to a login without clone rights, nor to anonymous', async () => {
    const repo = await served(adapter);
    const asReader = request(repo, READER, (w) => {
      w.pragma(HEAD_START_PRAGMA, '8', '4000');
      w.clone(3, 1);
    });
    expect(headStartCards(asReader)).toBeUndefined();
    expect(asReader.some((c) => c.kind === 'cfile' || c.kind === 'file')).toBe(false);
    expect(asReader.find((c) => c.kind === 'error')).toMatchObject({ text: 'not authorized to clone' });
    const anonymous = request(repo, undefined, (w) => {
      w.pragma(HEAD_START_PRAGMA, '8', '4000');
      w.clone(3, 1);
    });
    expect(headStartCards(anonymous)).toBeUndefined();
    expect(anonymous.some((c) => c.kind === 'cfile' || c.kind === 'file')).toBe(false);
    // A login that may clone gets it (the same request otherwise).
    expect(headStartCards(request(repo, BOB, (w) => w.pragma(HEAD_START_PRAGMA, '8', '4000')))?.length).toBeGreaterThan(8);
  });

  async function cloneOf(server: Repository, headStart: boolean, maxDownload?: number) {
    const target = Repository.create(await adapter.open(), { date: null, adminUser: 'bob' });
    prepareCloneTarget(target);
    // The rids the clone's walk expanded and checked: each artifact it links goes through it once.
    const walked = new Set<number>();
    const inline = inlineVerifier();
    const verifier: ArtifactVerifier = {
      check(rid, uuid, content) {
        walked.add(rid);
        inline.check(rid, uuid, content);
      },
      finish: () => inline.finish(),
      close() {},
    };
    let seen: { checkins: string[]; tipFiles: string[]; readme: string; unfinished: boolean; seqno: number } | undefined;
    const result = await cloneInto(target, new MemoryTransport(new XferServer(server, { maxDownload })), {
      login: BOB,
      cloneCommitEveryMs: 0,
      verifier,
      headStart: headStart ? { checkins: 10, fileBytes: 4000 } : undefined,
      events: {
        headStart() {
          // What the pages read right after it: the newest check-ins, the tip's files, the README.
          const tip = target.db.value<number>("SELECT objid FROM event WHERE type='ci' ORDER BY mtime DESC LIMIT 1")!;
          const files = filesOfCheckin(target, tip);
          const readme = files.find((f) => f.name === 'README.md')!;
          seen = {
            checkins: timeline(target.db, { limit: 10, types: ['ci'] }).map((e) => e.uuid),
            tipFiles: files.map((f) => `${f.name} ${f.uuid}`),
            readme: new TextDecoder().decode(target.content.get(target.content.ridOf(readme.uuid!)!)),
            unfinished: isUnfinishedClone(target),
            seqno: target.config.getInt(CLONE_SEQNO_SETTING, 0),
          };
        },
      },
    });
    return { target, result, seen, walked };
  }

  it.skipIf(!haveTool('fossil'))('a clone that fits in the next round is not opened early, and ends the same', async () => {
    const server = await served(adapter);
    const small = await cloneOf(server, true, 50_000_000);
    const plain = await cloneOf(server, false, 50_000_000);
    expect(small.seen).toBeUndefined();
    // One round more than without: the head start's own.
    expect(small.result.rounds).toBe(plain.result.rounds + 1);
    // It was linked all the same (the head start's check-ins by linkNow, not by the walk).
    expect(newestCheckins(server, 10).map((u) => small.target.content.ridOf(u)!).filter((rid) => small.walked.has(rid))).toEqual([]);
    expect(differingTables(dumpDerivedTablesOf(small.target.db), dumpDerivedTablesOf(plain.target.db))).toEqual([]);
  });

  it.skipIf(!haveTool('fossil'))('a clone with head start shows the head after its first round and ends as one without', async () => {
    const server = await served(adapter);
    const withHead = await cloneOf(server, true);
    const plain = await cloneOf(server, false);
    expect(plain.seen).toBeUndefined();
    const seen = withHead.seen!;
    expect(seen).toBeDefined();
    expect(seen.unfinished).toBe(true);
    // Before any of the clone's own artifacts: they start at 1 in the next round.
    expect(seen.seqno).toBe(1);
    expect(withHead.result.rounds).toBeGreaterThan(5);
    expect(seen.checkins).toEqual(newestCheckins(server, 10));
    const tip = server.content.ridOf(newestCheckins(server, 1)[0]!)!;
    const tipFiles = filesOfCheckin(server, tip);
    expect(seen.tipFiles).toEqual(tipFiles.map((f) => `${f.name} ${f.uuid}`));
    expect(seen.readme).toBe(new TextDecoder().decode(server.content.get(server.content.ridOf(tipFiles.find((f) => f.name === 'README.md')!.uuid!)!)));
    // The walk did not link the head start's check-ins again (a plain clone's walk links them all).
    const newestRids = (c: typeof plain) => newestCheckins(server, 10).map((u) => c.target.content.ridOf(u)!);
    expect(newestRids(withHead).filter((rid) => withHead.walked.has(rid))).toEqual([]);
    expect(newestRids(plain).filter((rid) => plain.walked.has(rid))).toHaveLength(10);
    // The same repository in the end, table by table.
    for (const c of [withHead, plain]) expect(isUnfinishedClone(c.target)).toBe(false);
    const a = dumpDerivedTablesOf(withHead.target.db);
    const b = dumpDerivedTablesOf(plain.target.db);
    expect(differingTables(a, b)).toEqual([]);
    expect(a).toEqual(b);
    expect(a.event!.length).toBeGreaterThanOrEqual(CHECKINS);
    // The tags were renumbered (their ids differ in the order of arrival), which drops tagxref's
    // index by tag for the while: it is back, as fossil defines it, and SQLite finds it whole.
    for (const c of [withHead, plain]) {
      expect(c.target.db.value("SELECT sql FROM sqlite_schema WHERE name='tagxref_i1'")).toBe(TAGXREF_TAGID_INDEX);
      expect(c.target.db.value('PRAGMA integrity_check')).toBe('ok');
    }
    // And fossil agrees: the file is whole and reads the same as the plain clone.
    const files = [join(tmp.dir, `head-${adapter.name}.fossil`), join(tmp.dir, `plain-${adapter.name}.fossil`)];
    adapter.save(withHead.target.db, files[0]!);
    adapter.save(plain.target.db, files[1]!);
    for (const f of files) expect(fossil(['test-integrity', '-R', f]).stdout).toMatch(/ 0 errors/);
    const read = (f: string) => [fossil(['timeline', '-n', '0', '-R', f]).stdout, fossil(['ls', '-R', f, '-r', 'tip']).stdout, fossil(['ls', '-R', f, '-r', 'feature']).stdout];
    expect(read(files[0]!)).toEqual(read(files[1]!));
  });
});
