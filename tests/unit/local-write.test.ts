// The one write path (src/mesh/local-write.ts), on both Db adapters: the overview's note, a wiki
// page, a ticket and a tag each leave an outbox entry written in the same transaction and reach
// the after-write step; a write that fails leaves neither; a private check-in is not in the outbox.
// (tests/sim/mesh.test.ts runs the same path with the mesh agent as the after-write step.)
import { expect, it } from 'vitest';
import { utf8 } from '../../src/fossil/bytes.ts';
import { writeHere, type Written } from '../../src/mesh/local-write.ts';
import { readOutbox } from '../../src/mesh/outbox.ts';
import { checkinTextOnTip, createCheckin } from '../../src/repo/authoring/checkin.ts';
import { addSymbolicTag } from '../../src/repo/authoring/tag.ts';
import { changeTicket } from '../../src/repo/authoring/ticket.ts';
import { writeWikiPage } from '../../src/repo/authoring/wiki.ts';
import { filesOfCheckin } from '../../src/repo/checkin-files.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { tipCheckin } from '../../src/repo/queries/resolve.ts';
import { Repository } from '../../src/repo/repository.ts';
import { forEachAdapter } from '../helpers/dbs.ts';

forEachAdapter((adapter) => {
  async function repository(): Promise<Repository> {
    const repo = Repository.create(await adapter.open(), { crosslinker: crosslinkerFactory, adminUser: 'alice' });
    createCheckin(repo, { parent: tipCheckin(repo.db), user: 'alice', comment: 'start', files: [{ name: 'kept.txt', content: utf8('kept\n') }] });
    return repo;
  }

  it('the overview\'s note: a check-in on the tip, in the outbox, then the after-write step', async () => {
    const repo = await repository();
    const after: Written[] = [];
    const uuid = writeHere(repo, (r) => {
      const { uuid } = checkinTextOnTip(r, { files: [{ name: 'note.md', text: 'a note\n' }], comment: 'a note', user: 'alice' });
      return { uuid, kind: 'checkin', value: uuid };
    }, (w) => after.push(w));
    expect(after).toEqual([{ uuid, kind: 'checkin' }]);
    expect(readOutbox(repo).map((e) => e.uuid)).toEqual([uuid]);
    // On top of the newest check-in, whose files it keeps.
    const tip = tipCheckin(repo.db)!;
    expect(repo.content.uuidOf(tip)).toBe(uuid);
    expect(filesOfCheckin(repo, tip).map((f) => f.name)).toEqual(['kept.txt', 'note.md']);
  });

  it('wiki, ticket and tag writes take the same path', async () => {
    const repo = await repository();
    const after: Written[] = [];
    const wiki = writeHere(repo, (r) => ({ ...writeWikiPage(r, { title: 'Home', text: 'hi\n', user: 'alice' }), kind: 'other', value: 'wiki' }), (w) => after.push(w));
    const ticket = writeHere(repo, (r) => ({ ...changeTicket(r, { fields: { title: 'broken' }, user: 'alice' }), kind: 'other', value: 'ticket' }), (w) => after.push(w));
    const tag = writeHere(repo, (r) => ({ ...addSymbolicTag(r, tipCheckin(r.db)!, 'v1', 'alice'), kind: 'other', value: 'tag' }), (w) => after.push(w));
    expect([wiki, ticket, tag]).toEqual(['wiki', 'ticket', 'tag']);
    expect(after.map((w) => w.kind)).toEqual(['other', 'other', 'other']);
    expect(readOutbox(repo).map((e) => e.uuid)).toEqual(after.map((w) => w.uuid));
  });

  it('a write that fails leaves no outbox entry, no artifact, and no after-write step', async () => {
    const repo = await repository();
    const before = repo.db.value<number>('SELECT count(*) FROM blob');
    const after: Written[] = [];
    expect(() => writeHere(repo, (r) => {
      checkinTextOnTip(r, { files: [{ name: 'half.txt', text: 'half\n' }], comment: 'half', user: 'alice' });
      throw new Error('disk full');
    }, (w) => after.push(w))).toThrow(/disk full/);
    expect(after).toEqual([]);
    expect(readOutbox(repo)).toEqual([]);
    expect(repo.db.value<number>('SELECT count(*) FROM blob')).toBe(before);
  });

  it('a private check-in is written and reported, but never announced', async () => {
    const repo = await repository();
    const after: Written[] = [];
    writeHere(repo, (r) => {
      const c = createCheckin(r, { parent: tipCheckin(r.db), user: 'alice', comment: 'secret', files: [{ name: 's.txt', content: utf8('s\n') }], isPrivate: true });
      return { uuid: c.uuid, kind: 'checkin', value: c.uuid };
    }, (w) => after.push(w));
    expect(after).toHaveLength(1);
    expect(readOutbox(repo)).toEqual([]);
  });
});
