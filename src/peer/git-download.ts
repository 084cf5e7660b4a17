/**
 * A repository's `git fast-import` stream as a Blob, for the browser's download. The stream of a
 * large repository is gigabytes (7 GB for fossil's own history), so it is never held whole in
 * the worker's memory: the pieces are gathered into a Blob a few MiB at a time, and the browser
 * keeps a large Blob in its own storage (on disk past its memory limit), not in the worker.
 *
 * It is made a short step at a time, each under the repository's write lock, so a step never
 * lands inside a sync session's transaction and the worker answers other calls between steps.
 * Check-ins that arrive meanwhile are left for the next download (the list is taken at the start).
 */
import { utf8 } from '../fossil/bytes.ts';
import { ExportMarks } from '../git/marks.ts';
import { gitFastExport } from '../git/fast-export.ts';
import type { Repository } from '../repo/repository.ts';

export interface GitDownloadOptions {
  /** About how long each step works before it lets others in. */
  stepMs?: number;
  /** The stream's pieces (fast-export.ts; default 64 KiB). */
  pieceBytes?: number;
  /** Pieces are moved into the Blob once this many bytes have gathered. */
  partBytes?: number;
  /** Waited for between steps (default: a macrotask, so queued calls are answered). */
  pause?(): Promise<void>;
  /** Told after each step with the bytes made so far (progress; tests check the bound with it). */
  onStep?(made: number, held: number): void;
}

export async function gitDownloadBlob(repo: Repository, opts: GitDownloadOptions = {}): Promise<Blob> {
  const stepMs = opts.stepMs ?? 50;
  const partBytes = opts.partBytes ?? 16 * 1024 * 1024;
  const pause = opts.pause ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
  const stream = gitFastExport(repo, new ExportMarks(), { pieceBytes: opts.pieceBytes });
  let blob = new Blob([]);
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  let made = 0;
  let done = false;
  const settle = () => {
    blob = new Blob([blob, ...held] as ConstructorParameters<typeof Blob>[0]);
    held = [];
    heldBytes = 0;
  };
  while (!done) {
    await repo.writeLock.run(() => {
      const until = Date.now() + stepMs;
      do {
        const next = stream.next();
        if (next.done) {
          done = true;
          break;
        }
        held.push(next.value);
        heldBytes += next.value.length;
        made += next.value.length;
        if (heldBytes >= partBytes) settle();
      } while (Date.now() < until);
    });
    opts.onStep?.(made, heldBytes);
    if (!done) await pause();
  }
  held.push(utf8('done\n'));
  settle();
  return blob;
}
