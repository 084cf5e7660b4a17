// The browser's forum, technote, attachment and report calls (src/peer/author-records.ts,
// records.ts) on both Db adapters: only a post's author edits it, and only its newest version;
// the edit forms get back what was written; attachments list their newest version and give their
// bytes; a report whose SQL breaks fossil's rules is refused with fossil's words.
import { expect, it } from 'vitest';
import { forEachAdapter } from '../helpers/dbs.ts';
import { Repository } from '../../src/repo/repository.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { writeWikiPage } from '../../src/repo/authoring/wiki.ts';
import { changeTicket } from '../../src/repo/authoring/ticket.ts';
import { attachToTarget, postToForum, saveTechnote } from '../../src/peer/author-records.ts';
import { attachment, attachments, forumPost, report, reports, technoteSource } from '../../src/peer/records.ts';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

forEachAdapter((adapter) => {
  const newRepo = async () => Repository.create(await adapter.open(), { adminUser: 'alice', crosslinker: crosslinkerFactory });

  it('forum: a thread, a reply, own edits only, of the newest version only', async () => {
    const repo = await newRepo();
    const root = postToForum(repo, 'alice', { title: 'Hello', text: 'First **post**.', mimetype: 'text/x-markdown' }).value;
    const reply = postToForum(repo, 'bob', { inReplyTo: root, text: 'A reply.', mimetype: 'text/plain' }).value;
    expect(forumPost(repo, reply)).toMatchObject({ uuid: reply, first: reply, root, title: null, threadTitle: 'Hello', text: 'A reply.', user: 'bob' });
    expect(codeOf(() => postToForum(repo, 'bob', { edit: root, title: 'Mine now', text: 'x', mimetype: 'text/plain' }))).toBe('read-only');
    const edited = postToForum(repo, 'alice', { edit: root, title: 'Hello, world', text: 'First post, edited.', mimetype: 'text/x-markdown' }).value;
    // The form of the old version is stale now.
    expect(codeOf(() => postToForum(repo, 'alice', { edit: root, text: 'again', mimetype: 'text/plain' }))).toBe('conflict');
    // Looked up by any version, a post is its newest version.
    expect(forumPost(repo, root)).toMatchObject({ uuid: edited, first: root, root, title: 'Hello, world', text: 'First post, edited.', user: 'alice' });
    expect(forumPost(repo, reply).threadTitle).toBe('Hello, world');
    repo.db.close();
  });

  it('technotes and attachments come back as written; reports refuse what fossil refuses', async () => {
    const repo = await newRepo();
    const id = saveTechnote(repo, 'alice', { when: '2026-05-01 10:00', comment: 'Note', text: 'Body', mimetype: 'text/plain', tags: ['a', 'b'], bgcolor: '#abcdef' }).value;
    expect(technoteSource(repo, id)).toMatchObject({ id, when: '2026-05-01 10:00:00', comment: 'Note', text: 'Body', mimetype: 'text/plain', tags: ['a', 'b'], bgcolor: '#abcdef' });
    saveTechnote(repo, 'alice', { id, when: '2026-05-01 10:00', comment: 'Note 2', text: 'Body 2', mimetype: 'text/plain', tags: [] });
    expect(technoteSource(repo, id)).toMatchObject({ comment: 'Note 2', text: 'Body 2', tags: [], bgcolor: '' });

    writeWikiPage(repo, { title: 'Page', text: 'x', user: 'alice' });
    const bytes = new Uint8Array([0, 1, 2, 250, 251]);
    const first = attachToTarget(repo, 'alice', { target: 'Page', filename: 'a.bin', bytes: new Uint8Array([9]) }).value;
    const second = attachToTarget(repo, 'bob', { target: 'Page', filename: 'a.bin', bytes, comment: 'newer' }).value;
    attachToTarget(repo, 'bob', { target: id, filename: 'n.txt', bytes: new TextEncoder().encode('on the note') });
    expect(attachments(repo, 'Page').map((a) => [a.filename, a.uuid, a.user, a.comment, a.size, a.targetKind])).toEqual([['a.bin', second.uuid, 'bob', 'newer', 5, 'wiki']]);
    expect(first.uuid).not.toBe(second.uuid);
    expect(attachment(repo, second.uuid)).toMatchObject({ bytes, text: false, filename: 'a.bin' });
    expect(attachments(repo, id).map((a) => a.targetKind)).toEqual(['technote']);
    expect(codeOf(() => attachToTarget(repo, 'bob', { target: 'Nowhere', filename: 'x', bytes }))).toBe('bad-input');

    const { ticketId } = changeTicket(repo, { fields: { title: 'Bug', status: 'Open', type: 'Code_Defect' }, user: 'alice' });
    const all = report(repo, 1);
    expect(all.rows.map((r) => [r[1], r[4], r[6]])).toEqual([[ticketId.slice(0, 10), 'Open', 'Bug']]);
    repo.db.run("INSERT INTO reportfmt(title, mtime, cols, sqlcode) VALUES('Users', 0, '', 'SELECT login, pw FROM user')");
    const bad = reports(repo).find((r) => r.title === 'Users')!;
    expect(() => report(repo, bad.rn)).toThrow('access to table "user" is restricted');
    expect(codeOf(() => report(repo, bad.rn))).toBe('bad-input');
    expect(codeOf(() => report(repo, 999))).toBe('not-found');
    repo.db.close();
  });
});
