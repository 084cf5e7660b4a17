// Ticket changes made within the same second, and in another order than their artifact numbers:
// the ticket page lists them exactly as `fossil ticket history` does.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createRepoFile } from '../../src/repo/node-files.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { changeTicket } from '../../src/repo/authoring/ticket.ts';
import { ticketChangeRids } from '../../src/repo/queries/tickets.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';

const hasFossil = haveTool('fossil');
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe.skipIf(!hasFossil)('ticket history order', () => {
  it('breaks ties within a second as fossil ticket history does', () => {
    const path = join(tmp.dir, 'tickets.fossil');
    const repo = createRepoFile(path, { adminUser: 'alice', crosslinker: crosslinkerFactory });
    const at = (s: string) => new Date(`2025-03-01T10:00:${s}Z`);
    // Made in this order (so with rising artifact numbers), at these times.
    const order = [['open', '00.100'], ['late-in-second', '00.900'], ['early-in-second', '00.300'], ['next-second', '01.050'], ['same-ms', '01.050']];
    const { ticketId } = changeTicket(repo, { fields: { title: 'open', status: 'Open' }, user: 'alice', date: at(order[0]![1]!) });
    const uuidOf = new Map<string, string>();
    for (const [label, time] of order.slice(1)) {
      const r = changeTicket(repo, { ticketId, fields: { title: label! }, user: 'alice', date: at(time!) });
      uuidOf.set(r.uuid, label!);
    }
    const ours = ticketChangeRids(repo.db, ticketId).map((rid) => repo.db.value<string>('SELECT uuid FROM blob WHERE rid=?', rid)!);
    repo.db.close();
    const history = fossil(['ticket', 'history', ticketId, '-R', path]).stdout;
    // Each change lists its fields; the title says which change it is.
    const theirs = history.split('Ticket Change by ').slice(1).map((b) => /^\s+Change title: (.*)$/m.exec(b)?.[1] ?? '?');
    expect(theirs).toHaveLength(order.length);
    // fossil sorts by the second, newest first, ties by artifact number: so "late-in-second" (made
    // before "early-in-second") comes before it, though it is later within the second.
    expect(theirs).toEqual(['next-second', 'same-ms', 'open', 'late-in-second', 'early-in-second']);
    const labels = ours.map((u) => uuidOf.get(u) ?? 'open');
    expect(labels).toEqual(theirs);
  });
});
