// The CLI's per-device notify state (device id, cursors with recent ids) survives runs, and what
// counts as the answer to `notify ask`.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { NotifyStateFile } from '../../src/notify/read-state-file.ts';
import { newMessage } from '../../src/notify/message.ts';
import { isAnswer } from '../../src/cli/commands/notify-send.ts';
import { tempDir } from '../helpers/tools.ts';

describe('notify state file', () => {
  it('keeps the device id and cursors across runs, at most 500 ids each', () => {
    const tmp = tempDir('edgesync-notify-state-');
    try {
      const a = new NotifyStateFile(tmp.dir);
      const id = a.deviceId();
      expect(id).toMatch(/^cli-[0-9a-f]{12}$/);
      const key = NotifyStateFile.key('nats://127.0.0.1:4222', 'ops');
      expect(a.cursor(key)).toEqual({ seq: 0, ids: [] });
      a.setCursor(key, { seq: 42, ids: Array.from({ length: 600 }, (_, i) => `msg-${i}`) });
      a.save();
      const b = new NotifyStateFile(tmp.dir);
      expect(b.deviceId()).toBe(id);
      const c = b.cursor(key);
      expect(c.seq).toBe(42);
      expect(c.ids).toHaveLength(500);
      expect(c.ids[0]).toBe('msg-100');
      expect(b.cursor(NotifyStateFile.key('nats://127.0.0.1:4222', 'ops', 'abcd1234')).seq).toBe(0);
      expect(JSON.parse(readFileSync(b.file, 'utf8')).device.id).toBe(id);
    } finally {
      tmp.cleanup();
    }
  });

  it('an answer is a later message in the thread from someone else, replying to the question or to nothing', () => {
    const q = newMessage({ project: 'p', from: 'agent', fromName: 'A', body: 'ok?', actions: [{ id: 'ok', label: 'OK' }] });
    const other = newMessage({ project: 'p', from: 'agent', fromName: 'A', body: 'x' });
    const mk = (o: Partial<Parameters<typeof newMessage>[0]>) => newMessage({ project: 'p', from: 'ann', fromName: 'Ann', body: 'ok', thread: q.thread, ...o });
    expect(isAnswer(mk({ replyTo: q.id, actionResponse: true }), q)).toBe(true);
    expect(isAnswer(mk({}), q)).toBe(true);
    expect(isAnswer(mk({ from: 'agent' }), q)).toBe(false);
    expect(isAnswer(mk({ replyTo: 'msg-00000000000000000000000000000000' }), q)).toBe(false);
    expect(isAnswer(mk({ thread: other.thread }), q)).toBe(false);
  });
});
