/**
 * Feeding a child process's stdin from a thread, so that making the bytes and the child taking
 * them run side by side. Through an ordinary child pipe, Node writes only while its own thread
 * is idle: an export busy expanding a large file leaves the pipe (64 KiB) empty and the reader
 * (`git fast-import`, the slower of the two) waiting, and the two end up taking turns. Here the
 * child reads a named pipe whose writing end is written by libuv's thread pool (blocking writes,
 * the whole batch each), while this thread makes the next batch.
 *
 * The pipe is opened so that the child's end is an ordinary blocking read end and ours is its
 * only writer: when we close it, or this process dies, the child reads end of file.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, writev } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodedError } from '../errors.ts';

export interface FifoFeed {
  /** The read end, to give the child as its stdin (close it here once the child has it). */
  readonly childFd: number;
  /**
   * Queue bytes to be written (the array is not copied: do not change it). Resolves at once
   * while less than `aheadBytes` wait; otherwise when the batch being written is done.
   */
  write(bytes: Uint8Array): Promise<void>;
  /** Everything written, then the pipe closed (the child reads end of file). */
  end(): Promise<void>;
  /** Close without writing what waits (the child stopped, or we failed). */
  destroy(): void;
}

/** A write failed: the child closed its end (EPIPE) or the system refused. */
export class FeedError extends CodedError {
  override name = 'FeedError';
}

export function fifoFeed(opts: { aheadBytes?: number } = {}): FifoFeed {
  const aheadBytes = opts.aheadBytes ?? 16 * 1024 * 1024;
  const dir = mkdtempSync(join(tmpdir(), 'edgesync-feed-'));
  let writeFd = -1;
  let childFd = -1;
  try {
    const path = join(dir, 'pipe');
    const r = spawnSync('mkfifo', ['-m', '600', path], { encoding: 'utf8' });
    if (r.error || r.status !== 0) throw new CodedError('internal', `mkfifo failed: ${r.error?.message ?? r.stderr.trim()}`, { cause: r.error });
    // Opening one end of a named pipe waits for the other; a non-blocking read end does not
    // wait, and while it is open neither do the blocking writer and the blocking reader.
    const probe = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      writeFd = openSync(path, constants.O_WRONLY);
      childFd = openSync(path, constants.O_RDONLY);
    } finally {
      closeSync(probe);
    }
  } catch (e) {
    if (writeFd >= 0) closeSync(writeFd);
    throw e;
  } finally {
    // The open ends keep the pipe; its name is not needed any more.
    rmSync(dir, { recursive: true, force: true });
  }

  let queued: Uint8Array[] = [];
  let queuedBytes = 0;
  let sinceYield = 0;
  let writing: Promise<void> | undefined;
  let failed: Error | undefined;
  let closed = false;

  const writeAll = (bufs: Uint8Array[]) =>
    new Promise<void>((resolve, reject) => {
      const total = bufs.reduce((n, b) => n + b.length, 0);
      // libuv writes the whole batch (it goes on after a partial write), in the pool's thread.
      writev(writeFd, bufs, (err, n) => {
        if (err) reject(new FeedError('internal', `writing to the child failed: ${err.message}`, { cause: err }));
        else if (n !== total) reject(new FeedError('internal', `writing to the child stopped after ${n} of ${total} bytes`));
        else resolve();
      });
    });

  const kick = () => {
    if (writing || failed || queuedBytes === 0) return;
    const bufs = queued;
    queued = [];
    queuedBytes = 0;
    writing = writeAll(bufs).then(
      () => {
        writing = undefined;
        kick();
      },
      (e: Error) => {
        writing = undefined;
        failed = e;
      },
    );
  };

  return {
    childFd,
    async write(bytes) {
      if (failed) throw failed;
      if (closed) throw new FeedError('internal', 'the feed is closed');
      queued.push(bytes);
      queuedBytes += bytes.length;
      sinceYield += bytes.length;
      kick();
      // Now and then let finished writes be seen, so the next batch starts without waiting
      // for the queue to fill.
      if (sinceYield >= 1024 * 1024) {
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
      while (queuedBytes >= aheadBytes && writing) await writing;
      if (failed) throw failed;
    },
    async end() {
      while (writing || (queuedBytes > 0 && !failed)) {
        kick();
        if (writing) await writing;
      }
      if (!closed) {
        closed = true;
        closeSync(writeFd);
      }
      if (failed) throw failed;
    },
    destroy() {
      queued = [];
      queuedBytes = 0;
      if (!closed) {
        closed = true;
        // A write in the pool's thread still holds the descriptor's number: close it after.
        if (writing) void writing.finally(() => closeSync(writeFd));
        else closeSync(writeFd);
      }
    },
  };
}
