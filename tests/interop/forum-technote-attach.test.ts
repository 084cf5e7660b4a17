// Forum posts, technotes and attachments written by the authoring layer, on both Db adapters,
// read back by the real fossil: the file passes test-integrity, `fossil rebuild` derives exactly
// our tables (forumpost, event, attachment, tags), the timeline and `wiki ls -t` list them, and
// fossil exports the same text and attachment bytes.
import { afterAll, expect, it } from 'vitest';
import { join } from 'node:path';
import { copyFileSync, readFileSync } from 'node:fs';
import { forEachAdapter } from '../helpers/dbs.ts';
import { differingTables, dumpDerivedTables } from '../helpers/derived-tables.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';
import { Repository } from '../../src/repo/repository.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { writeForumPost } from '../../src/repo/authoring/forum.ts';
import { writeTechnote } from '../../src/repo/authoring/technote.ts';
import { attachFile } from '../../src/repo/authoring/attachment.ts';
import { writeWikiPage } from '../../src/repo/authoring/wiki.ts';
import { changeTicket } from '../../src/repo/authoring/ticket.ts';
import { AuthoringError } from '../../src/repo/authoring/names.ts';

const hasFossil = haveTool('fossil');
const tmp = tempDir('edgesync-posts-');
afterAll(() => tmp.cleanup());
const at = (s: string) => new Date(`2026-03-0${s}Z`);
const BINARY = new Uint8Array(Array.from({ length: 3000 }, (_, i) => (i * 37) % 256));

forEachAdapter((adapter) => {
  it.skipIf(!hasFossil)('fossil reads our forum posts, technotes and attachments as its own', async () => {
    const repo = await Repository.create(await adapter.open(), { adminUser: 'alice', crosslinker: crosslinkerFactory });
    const thread = writeForumPost(repo, { title: 'First thread', text: 'Hello **forum**.', mimetype: 'text/x-markdown', user: 'alice', date: at('1T10:00:00.000') });
    const reply = writeForumPost(repo, { inReplyTo: thread.rid, text: 'A reply.', user: 'bob', date: at('1T11:00:00.000') });
    const edited = writeForumPost(repo, { edit: reply.rid, text: 'A reply, edited.', user: 'bob', date: at('1T12:00:00.000') });
    const retitled = writeForumPost(repo, { edit: thread.rid, title: 'First thread, renamed', text: 'Hello again.', user: 'alice', date: at('1T13:00:00.000') });
    const nested = writeForumPost(repo, { inReplyTo: edited.rid, text: 'Reply to the edit.', mimetype: 'text/plain', user: 'carol', date: at('1T14:00:00.000') });
    // An old version may not be edited again, and a reply needs text.
    expect(() => writeForumPost(repo, { edit: reply.rid, text: 'late', user: 'bob' })).toThrow(AuthoringError);
    expect(() => writeForumPost(repo, { inReplyTo: thread.rid, text: '  ', user: 'bob' })).toThrow(AuthoringError);

    const note = writeTechnote(repo, { when: '2026-02-20 09:30', comment: 'Release notes', text: 'Version *one* is out.', mimetype: 'text/x-markdown', tags: ['release, v1'], bgcolor: '#ffe0e0', user: 'alice', date: at('2T09:00:00.000') });
    const note2 = writeTechnote(repo, { id: note.id, when: '2026-02-20 09:30', comment: 'Release notes (fixed)', text: 'Version *one* is out, really.', mimetype: 'text/x-markdown', tags: ['release'], user: 'alice', date: at('2T10:00:00.000') });

    writeWikiPage(repo, { title: 'Home', text: 'The home page.', user: 'alice', date: at('3T09:00:00.000') });
    const { ticketId } = changeTicket(repo, { fields: { title: 'A bug', status: 'Open' }, user: 'alice', date: at('3T09:10:00.000') });
    const onWiki = attachFile(repo, { target: 'Home', filename: 'dir/notes.txt', bytes: new TextEncoder().encode('attached text\n'), comment: ' a note ', user: 'alice', date: at('3T10:00:00.000') });
    const onTicket = attachFile(repo, { target: ticketId, filename: 'blob.bin', bytes: BINARY, user: 'bob', date: at('3T11:00:00.000') });
    const onNote = attachFile(repo, { target: note.id, filename: 'pic.png', bytes: BINARY.slice(0, 100), user: 'alice', date: at('3T12:00:00.000') });
    // A file that parses as an artifact is stored compressed, as NAME.gz (fossil does the same).
    const manifestLike = repo.content.get(thread.rid);
    const gz = attachFile(repo, { target: 'Home', filename: 'post.txt', bytes: manifestLike, user: 'alice', date: at('3T13:00:00.000') });
    expect(gz.filename).toBe('post.txt.gz');
    expect(() => attachFile(repo, { target: 'No Such Page', filename: 'x', bytes: BINARY, user: 'alice' })).toThrow(AuthoringError);

    const file = join(tmp.dir, `${adapter.name}.fossil`);
    adapter.save(repo.db, file);
    repo.db.close();
    expect(fossil(['test-integrity', '-R', file]).stdout).toMatch(/0 errors/);

    // fossil's rebuild derives exactly the tables we crosslinked.
    const copy = join(tmp.dir, `${adapter.name}-rebuilt.fossil`);
    copyFileSync(file, copy);
    fossil(['rebuild', copy]);
    const ours = dumpDerivedTables(file, { omit: ['unsent'] });
    const theirs = dumpDerivedTables(copy, { omit: ['unsent'] });
    expect(differingTables(ours, theirs)).toEqual([]);
    expect(ours).toEqual(theirs);
    expect(ours.forumpost).toHaveLength(5);
    expect(ours.attachment).toHaveLength(4);

    // Forum: the timeline's words for each post, and the text of each version.
    const forum = fossil(['timeline', '-t', 'f', '-n', '20', '-R', file]).stdout;
    for (const [u, words] of [[thread.uuid, 'Post: First thread, renamed'], [reply.uuid, 'Reply: First thread, renamed'], [edited.uuid, 'Edit reply: First thread, renamed'], [retitled.uuid, 'Edit: First thread, renamed'], [nested.uuid, 'Reply: First thread, renamed']] as const) {
      expect(forum).toMatch(new RegExp(`\\[${u.slice(0, 10)}\\] ${words.replace(/[(),]/g, '.')}`));
    }
    const art = (u: string) => fossil(['artifact', u, '-R', file]).stdout;
    expect(art(edited.uuid)).toContain(`G ${thread.uuid}\n`);
    expect(art(edited.uuid)).toContain(`I ${thread.uuid}\nP ${reply.uuid}\n`);
    expect(art(edited.uuid)).toContain('W 16\nA reply, edited.\n');
    expect(art(retitled.uuid)).toContain('H First\\sthread,\\srenamed\n');
    expect(art(nested.uuid)).toContain(`I ${edited.uuid}\nN text/plain\n`);

    // Technotes: listed once (the newest version), exported with the newest text.
    expect(fossil(['timeline', '-t', 'e', '-R', file]).stdout).toMatch(/Release notes \(fixed\)/);
    const listed = fossil(['wiki', 'ls', '-t', '-s', '-R', file]).stdout.trim().split('\n');
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatch(new RegExp(`^${note.id.slice(0, 10)}[0-9a-f]* +2026-02-20 09:30:00`));
    expect(fossil(['wiki', 'export', '-t', note.id, '-R', file]).stdout).toBe('Version *one* is out, really.\n');
    expect(art(note2.uuid)).toContain(`C Release\\snotes\\s(fixed)\nD 2026-03-02T10:00:00.000\nE 2026-02-20T09:30:00 ${note.id}\nN text/x-markdown\nP ${note.uuid}\nT +sym-release *\nU alice\n`);
    expect(art(note.uuid)).toContain('T +bgcolor * #ffe0e0\nT +sym-release *\nT +sym-v1 *\n');

    // Attachments: the bytes fossil gives for each source are the bytes attached.
    expect(art(onWiki.source)).toBe('attached text\n');
    const out = join(tmp.dir, `${adapter.name}-blob.bin`);
    fossil(['artifact', onTicket.source, out, '-R', file]);
    expect(new Uint8Array(readFileSync(out))).toEqual(BINARY);
    expect(art(onWiki.uuid)).toMatch(/^A notes\.txt Home [0-9a-f]{64}\nC a\\snote\nD /);
    expect(art(onNote.uuid)).toContain(`A pic.png ${note.id} `);
  });
});
