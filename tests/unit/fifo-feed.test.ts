// Feeding a child's stdin from libuv's thread pool (src/cli/fifo-feed.ts): every byte arrives in
// order and the child reads end of file when we end; a child that stops reading makes the writes
// fail with FeedError instead of hanging.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FeedError, fifoFeed } from '../../src/cli/fifo-feed.ts';

function run(cmd: string, args: string[], feed: { childFd: number }) {
  const child = spawn(cmd, args, { stdio: [feed.childFd, 'pipe', 'ignore'] });
  closeSync(feed.childFd);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise<{ code: number | null; out: string }>((resolve) => child.on('close', (code) => resolve({ code, out })));
}

describe('fifo feed', () => {
  it('delivers every piece in order and ends with end of file', async () => {
    const feed = fifoFeed({ aheadBytes: 64 * 1024 });
    const done = run('sha256sum', ['-b'], feed);
    const hash = createHash('sha256');
    let seed = 7;
    for (let i = 0; i < 400; i++) {
      // Pieces of 1 byte to 60 KiB, of varied content.
      const piece = new Uint8Array(1 + ((i * 7919) % 61_440));
      for (let j = 0; j < piece.length; j += 97) piece[j] = seed = (seed * 48271) % 2147483647 & 255;
      hash.update(piece);
      await feed.write(piece);
    }
    await feed.end();
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.out.split(' ')[0]).toBe(hash.digest('hex'));
  });

  it('fails the writes (not hangs) when the child stops reading, and can be closed', async () => {
    const feed = fifoFeed({ aheadBytes: 256 * 1024 });
    const done = run('head', ['-c', '1000'], feed);
    const piece = new Uint8Array(64 * 1024).fill(65);
    let error: unknown;
    try {
      for (let i = 0; i < 10_000; i++) await feed.write(piece);
      await feed.end();
    } catch (e) {
      error = e;
    }
    feed.destroy();
    expect(error).toBeInstanceOf(FeedError);
    const r = await done;
    expect(r.out).toBe('A'.repeat(1000));
  });
});
