// The notify message model: our JSON has the Go EdgeSync field names and omits empty optional
// fields as Go's omitempty does; Go-shaped JSON (nanosecond times, null lists, unknown fields)
// parses; broken messages are refused; threads, dedup and unread counts.
import { describe, expect, it } from 'vitest';
import {
  checkProject,
  messageJson,
  newMessage,
  parseActions,
  parseMessage,
  threadShort,
  timestampMs,
  type NotifyMessage,
} from '../../src/notify/message.ts';
import { SeenIds } from '../../src/notify/dedup.ts';
import { ThreadBook } from '../../src/notify/threads.ts';
import { filterSubject, messageSubject } from '../../src/notify/subjects.ts';
import { messageLine } from '../../src/notify/format.ts';

/** A message as the Go peer's encoding/json writes it (field order of its struct, time.Time in RFC 3339 nano). */
const GO_JSON =
  '{"v":1,"id":"msg-0a1b2c3d4e5f60718293a4b5c6d7e8f9","thread":"thread-fedcba98765432100123456789abcdef","project":"deploys",' +
  '"from":"leaf-7","from_name":"build agent","timestamp":"2026-08-03T09:15:42.123456789Z","body":"Ship **v2**?",' +
  '"priority":"action_required","actions":[{"id":"yes","label":"Ship it"},{"id":"no","label":"Hold"}],"media":["build.log"]}';

describe('notify message v1', () => {
  it('new messages have msg-/thread- ids of 32 hex and the Go field names in order', () => {
    const m = newMessage({ project: 'deploys', from: 'cli-1', fromName: 'ann', body: 'hi', actions: parseActions('yes:Ship it,no') });
    expect(m.id).toMatch(/^msg-[0-9a-f]{32}$/);
    expect(m.thread).toMatch(/^thread-[0-9a-f]{32}$/);
    const o = JSON.parse(messageJson(m)) as Record<string, unknown>;
    expect(Object.keys(o)).toEqual(['v', 'id', 'thread', 'project', 'from', 'from_name', 'timestamp', 'body', 'priority', 'actions']);
    expect(o.priority).toBe('info');
    expect(o.actions).toEqual([{ id: 'yes', label: 'Ship it' }, { id: 'no', label: 'no' }]);
    expect(Number.isNaN(Date.parse(o.timestamp as string))).toBe(false);
  });

  it('a reply keeps the thread, names what it answers, and leaves out empty fields', () => {
    const q = newMessage({ project: 'p', from: 'a', fromName: 'A', body: 'ok?', actions: [{ id: 'ok', label: 'OK' }] });
    const r = newMessage({ project: 'p', from: 'b', fromName: 'B', body: 'ok', thread: q.thread, replyTo: q.id, actionResponse: true });
    const o = JSON.parse(messageJson(r)) as Record<string, unknown>;
    expect(Object.keys(o)).toEqual(['v', 'id', 'thread', 'project', 'from', 'from_name', 'timestamp', 'body', 'reply_to', 'action_response']);
    expect(o.thread).toBe(q.thread);
    expect(o.reply_to).toBe(q.id);
    expect(o.action_response).toBe(true);
  });

  it('parses a Go-shaped message, nanosecond time and all', () => {
    const m = parseMessage(GO_JSON);
    expect(m.priority).toBe('action_required');
    expect(m.actions?.map((a) => a.label)).toEqual(['Ship it', 'Hold']);
    expect(m.media).toEqual(['build.log']);
    expect(timestampMs(m.timestamp)).toBe(Date.UTC(2026, 7, 3, 9, 15, 42, 123));
    // Round trip: our encoding of it is the same JSON object.
    expect(JSON.parse(messageJson(m))).toEqual(JSON.parse(GO_JSON));
    expect(messageSubject(m.project, m.thread)).toBe('notify.deploys.fedcba98');
  });

  it('takes null lists, offsets, missing priority and unknown fields from other writers', () => {
    const o = JSON.parse(GO_JSON) as Record<string, unknown>;
    Object.assign(o, { actions: null, media: null, priority: undefined, timestamp: '2026-08-03T11:15:42+02:00', extra: { x: 1 } });
    const m = parseMessage(JSON.stringify(o));
    expect(m.actions).toBeUndefined();
    expect(m.media).toBeUndefined();
    expect(m.priority).toBeUndefined();
    expect(timestampMs(m.timestamp)).toBe(Date.UTC(2026, 7, 3, 9, 15, 42));
    expect(messageJson(m)).not.toContain('extra');
  });

  it('refuses what a receiver cannot rely on', () => {
    const good = JSON.parse(GO_JSON) as NotifyMessage;
    const broken: Array<Partial<Record<keyof NotifyMessage, unknown>>> = [
      { v: 2 }, { id: 'x' }, { thread: 'thread-' }, { project: 'a.b' }, { project: '*' }, { body: 3 },
      { timestamp: 'yesterday' }, { priority: 'high' }, { actions: [{ id: '', label: 'x' }] }, { media: [1] }, { action_response: 'yes' },
    ];
    for (const b of broken) expect(() => parseMessage(JSON.stringify({ ...good, ...b })), JSON.stringify(b)).toThrow(/bad notify message|notify project/);
    expect(() => parseMessage('not json')).toThrow(/not JSON/);
    expect(() => parseMessage('[1]')).toThrow(/object/);
  });

  it('subjects: project is one token, thread8 is the first 8 hex', () => {
    expect(threadShort('thread-0123456789abcdef0123456789abcdef')).toBe('01234567');
    expect(filterSubject('p')).toBe('notify.p.*');
    expect(filterSubject('p', 'thread-abcdef0123')).toBe('notify.p.abcdef01');
    expect(() => checkProject('a b')).toThrow();
    expect(() => messageSubject('p', 'thread-a.b')).toThrow();
  });

  it('formats a line with priority, sender, actions', () => {
    const line = messageLine(parseMessage(GO_JSON));
    expect(line).toContain('fedcba98');
    expect(line).toContain('[action_required] build agent: Ship **v2**?');
    expect(line).toContain('{yes: Ship it | no: Hold}');
  });
});

describe('dedup and threads', () => {
  it('SeenIds forgets the oldest beyond its limit', () => {
    const s = new SeenIds(10);
    for (let i = 0; i < 11; i++) expect(s.add(`m${i}`)).toBe(true);
    expect(s.add('m10')).toBe(false);
    expect(s.has('m0')).toBe(false);
    expect(s.newest(2)).toEqual(['m9', 'm10']);
  });

  it('ThreadBook shows each id once, in stream order, with unread counts and open questions', () => {
    const book = new ThreadBook();
    const q = newMessage({ project: 'p', from: 'agent', fromName: 'Agent', body: 'deploy?', priority: 'urgent', actions: [{ id: 'go', label: 'Go' }] });
    const other = newMessage({ project: 'p', from: 'agent', fromName: 'Agent', body: 'fyi' });
    expect(book.add({ seq: 1, message: q })).toBe(true);
    expect(book.add({ seq: 2, message: other })).toBe(true);
    expect(book.add({ seq: 3, message: q })).toBe(false);
    let [t2, t1] = book.threads({}, 'me');
    expect(t2!.thread).toBe(other.thread);
    expect(t1!.unread).toBe(1);
    expect(t1!.priority).toBe('urgent');
    expect(t1!.pendingAction?.id).toBe(q.id);
    const a = newMessage({ project: 'p', from: 'me', fromName: 'Me', body: 'go', thread: q.thread, replyTo: q.id, actionResponse: true });
    book.add({ seq: 4, message: a });
    [t1] = book.threads({ [q.thread]: 1 }, 'me');
    expect(t1!.thread).toBe(q.thread);
    expect(t1!.unread).toBe(0);
    expect(t1!.pendingAction).toBeUndefined();
    expect(book.messages(q.thread).map((s) => s.seq)).toEqual([1, 4]);
    expect(book.findThread(q.thread.slice(7, 15))).toBe(q.thread);
    expect(book.lastSeq).toBe(4);
  });
});
