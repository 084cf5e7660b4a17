// Bringing another copy of a repository into it (src/mesh/merge-copy.ts), on both Db adapters:
// a newer copy's check-in, wiki page and ticket change arrive (counted by kind) through the sync
// pull; the same or an older copy brings nothing; a diverged copy adds its own leaf next to
// ours; a copy whose nobody may not read is read with its own login; a copy with one false
// artifact changes nothing at all (one transaction); a copy of another project is refused.
// Also the count of unsynced writes by kind (src/mesh/unsynced.ts) that Delete warns about.
import { expect, it } from 'vitest';
import { codeOf } from '../../src/errors.ts';
import { compressBlob } from '../../src/fossil/blob-codec.ts';
import { utf8 } from '../../src/fossil/bytes.ts';
import { writeHere } from '../../src/mesh/local-write.ts';
import { mergeCopy } from '../../src/mesh/merge-copy.ts';
import { markAccepted } from '../../src/mesh/outbox.ts';
import { unsyncedWork } from '../../src/mesh/unsynced.ts';
import { checkinTextOnTip, createCheckin } from '../../src/repo/authoring/checkin.ts';
import { changeTicket } from '../../src/repo/authoring/ticket.ts';
import { writeWikiPage } from '../../src/repo/authoring/wiki.ts';
import { addSymbolicTag } from '../../src/repo/authoring/tag.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { rebuild } from '../../src/repo/rebuild.ts';
import { tipCheckin } from '../../src/repo/queries/resolve.ts';
import { Repository } from '../../src/repo/repository.ts';
import { verifyRepo } from '../../src/repo/verify.ts';
import { forEachAdapter } from '../helpers/dbs.ts';
import { differingTables, dumpDerivedTablesOf } from '../helpers/derived-tables.ts';
import { tempDir } from '../helpers/tools.ts';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const tmp = tempDir('edgesync-merge-');
afterAll(() => tmp.cleanup());
let files = 0;

forEachAdapter((adapter) => {
  async function original(): Promise<Repository> {
    const repo = Repository.create(await adapter.open(), { crosslinker: crosslinkerFactory, adminUser: 'alice' });
    createCheckin(repo, { parent: tipCheckin(repo.db), user: 'alice', comment: 'start', files: [{ name: 'a.txt', content: utf8('a\n') }] });
    return repo;
  }

  /** Another copy of the same file, as a download and a later import make it. */
  async function copyOf(repo: Repository): Promise<Repository> {
    const path = join(tmp.dir, `copy-${++files}.fossil`);
    adapter.save(repo.db, path);
    return Repository.open(await adapter.load(path), { crosslinker: crosslinkerFactory });
  }

  const checkinUuids = (repo: Repository) => repo.db.prepare("SELECT uuid FROM event JOIN blob ON rid=objid WHERE type='ci' ORDER BY uuid").column<string>();
  const artifacts = (repo: Repository) => repo.db.prepare('SELECT uuid FROM blob WHERE size>=0 ORDER BY uuid').column<string>();

  /** The derived tables are what a rebuild computes from the artifacts. */
  async function expectRebuildEqual(repo: Repository): Promise<void> {
    const before = dumpDerivedTablesOf(repo.db, { omit: ['unsent'] });
    const twin = await copyOf(repo);
    rebuild(twin);
    expect(differingTables(before, dumpDerivedTablesOf(twin.db, { omit: ['unsent'] }))).toEqual([]);
  }

  it('a newer copy: its check-in, wiki page and ticket change arrive, counted by kind; again, nothing is new', async () => {
    const repo = await original();
    const copy = await copyOf(repo);
    const ci = checkinTextOnTip(copy, { files: [{ name: 'b.txt', text: 'made in the copy\n' }], comment: 'in the copy', user: 'alice' }).uuid;
    writeWikiPage(copy, { title: 'Home', text: 'hello\n', user: 'alice' });
    changeTicket(copy, { fields: { title: 'broken' }, user: 'alice' });

    const r = await mergeCopy(repo, copy);
    expect(r).toMatchObject({ checkin: 1, wiki: 1, ticket: 1, other: 0 });
    // The check-in's manifest and its new file, the wiki page and the ticket change.
    expect(r.artifacts).toBe(4);
    expect(checkinUuids(repo)).toEqual(checkinUuids(copy));
    expect(artifacts(repo)).toEqual(artifacts(copy));
    expect(repo.content.uuidOf(tipCheckin(repo.db)!)).toBe(ci);
    expect(verifyRepo(repo).problems).toEqual([]);
    await expectRebuildEqual(repo);

    expect(await mergeCopy(repo, copy)).toEqual({ checkin: 0, wiki: 0, ticket: 0, other: 0, artifacts: 0 });
  });

  it('an older copy brings nothing and takes nothing away', async () => {
    const repo = await original();
    const older = await copyOf(repo);
    checkinTextOnTip(repo, { files: [{ name: 'b.txt', text: 'newer here\n' }], comment: 'newer here', user: 'alice' });
    const before = artifacts(repo);
    expect(await mergeCopy(repo, older)).toEqual({ checkin: 0, wiki: 0, ticket: 0, other: 0, artifacts: 0 });
    expect(artifacts(repo)).toEqual(before);
  });

  it('a copy that went its own way: both leaves are kept, a tag counts as other', async () => {
    const repo = await original();
    const copy = await copyOf(repo);
    const ours = checkinTextOnTip(repo, { files: [{ name: 'ours.txt', text: 'ours\n' }], comment: 'ours', user: 'alice' }).uuid;
    const theirs = checkinTextOnTip(copy, { files: [{ name: 'theirs.txt', text: 'theirs\n' }], comment: 'theirs', user: 'bob' }).uuid;
    addSymbolicTag(copy, copy.content.ridOf(theirs)!, 'v2', 'bob');
    const r = await mergeCopy(repo, copy);
    expect(r).toMatchObject({ checkin: 1, other: 1 });
    const leaves = repo.db.prepare('SELECT uuid FROM leaf JOIN blob USING(rid) ORDER BY uuid').column<string>();
    expect(leaves).toEqual([ours, theirs].sort());
    await expectRebuildEqual(repo);
  });

  it('a copy nobody may read is read with its own login', async () => {
    const repo = await original();
    const copy = await copyOf(repo);
    copy.db.run("UPDATE user SET cap='' WHERE login IN ('nobody','anonymous')");
    const ci = checkinTextOnTip(copy, { files: [{ name: 'b.txt', text: 'locked\n' }], comment: 'locked copy', user: 'alice' }).uuid;
    expect((await mergeCopy(repo, copy)).checkin).toBe(1);
    expect(repo.content.ridOf(ci)).toBeDefined();
  });

  it('a copy with one false artifact changes nothing, even what came in earlier rounds', async () => {
    const repo = await original();
    const copy = await copyOf(repo);
    const made = ['g1', 'g2', 'g3', 'g4'].map((n) => checkinTextOnTip(copy, { files: [{ name: `${n}.txt`, text: `${n} content\n` }], comment: n, user: 'alice' }).uuid);
    // The new files, in the order the copy offers them (by hash): the last one is made false, so
    // the others arrive in rounds before it.
    const newFiles = copy.db.prepare("SELECT b.uuid FROM mlink JOIN filename USING(fnid) JOIN blob b ON b.rid=mlink.fid WHERE name LIKE 'g_.txt' ORDER BY b.uuid").column<string>();
    expect(newFiles.length).toBe(4);
    const falseRid = copy.content.ridOf(newFiles[3]!)!;
    copy.db.run('DELETE FROM delta WHERE rid=?', falseRid);
    copy.db.run('UPDATE blob SET content=? WHERE rid=?', compressBlob(utf8('something else entirely\n')), falseRid);
    // Opened afresh, as an imported file is (this copy's cache still holds the true content).
    const tampered = await copyOf(copy);
    const before = artifacts(repo);
    // About one artifact per reply.
    const received: number[] = [];
    const failed = await mergeCopy(repo, tampered, { maxReply: 100, events: { round: (r) => received.push(r.received.files + r.received.deltas) } }).then(() => undefined, (e: unknown) => e);
    // The file's fault, in words for people: nothing of it was kept.
    expect(codeOf(failed)).toBe('bad-input');
    expect((failed as Error).message).toMatch(/^Nothing from this file was kept: .*wrong hash/);
    // Rounds that brought artifacts had finished before the false one came; none of it is kept.
    expect(received.filter((n) => n > 0).length).toBeGreaterThan(1);
    expect(artifacts(repo)).toEqual(before);
    for (const uuid of [...made, ...newFiles]) expect(repo.content.ridOf(uuid)).toBeUndefined();
    expect(repo.db.inTransaction).toBe(false);
  });

  it('a sync session already open (and then rolled back) neither holds nor loses the merge', async () => {
    const repo = await original();
    const copy = await copyOf(repo);
    const ci = checkinTextOnTip(copy, { files: [{ name: 'b.txt', text: 'b\n' }], comment: 'in the copy', user: 'alice' }).uuid;
    // As an open pull of the mesh agent holds it, between its rounds.
    const release = await repo.writeLock.acquire();
    repo.db.exec('BEGIN IMMEDIATE');
    const merging = mergeCopy(repo, copy);
    await new Promise((r) => setTimeout(r, 50));
    repo.db.exec('ROLLBACK');
    release();
    expect((await merging).checkin).toBe(1);
    expect(repo.content.ridOf(ci)).toBeDefined();
    expect(repo.content.isPhantom(repo.content.ridOf(ci)!)).toBe(false);
  });

  it('a copy of another project is refused', async () => {
    const repo = await original();
    const other = await original();
    const failed = await mergeCopy(repo, other).then(() => undefined, (e: unknown) => e);
    expect(codeOf(failed)).toBe('bad-input');
  });

  it('unsynced work: the outbox entries no server has accepted, by kind', async () => {
    const repo = await original();
    expect(unsyncedWork(repo)).toEqual({ checkin: 0, wiki: 0, ticket: 0, other: 0, total: 0 });
    writeHere(repo, (r) => ({ ...checkinTextOnTip(r, { files: [{ name: 'n.txt', text: '1\n' }], comment: 'one', user: 'alice' }), kind: 'checkin', value: 0 }));
    writeHere(repo, (r) => ({ ...checkinTextOnTip(r, { files: [{ name: 'n.txt', text: '2\n' }], comment: 'two', user: 'alice' }), kind: 'checkin', value: 0 }));
    writeHere(repo, (r) => ({ ...writeWikiPage(r, { title: 'Home', text: 'hi\n', user: 'alice' }), kind: 'other', value: 0 }));
    writeHere(repo, (r) => ({ ...changeTicket(r, { fields: { title: 'broken' }, user: 'alice' }), kind: 'other', value: 0 }));
    writeHere(repo, (r) => ({ ...addSymbolicTag(r, tipCheckin(r.db)!, 'v1', 'alice'), kind: 'other', value: 0 }));
    expect(unsyncedWork(repo)).toEqual({ checkin: 2, wiki: 1, ticket: 1, other: 1, total: 5 });
    const first = repo.db.value<string>("SELECT uuid FROM event JOIN blob ON rid=objid WHERE type='ci' AND comment='one'")!;
    markAccepted(repo, { uuids: [first] });
    expect(unsyncedWork(repo)).toMatchObject({ checkin: 1, total: 4 });
    markAccepted(repo, { upTo: Date.now() });
    expect(unsyncedWork(repo).total).toBe(0);
  });
});
