/**
 * Noticing that another process (stock `fossil commit`, say) wrote a repository file: the file
 * system tells us within milliseconds; the agent's periodic data_version look catches anything
 * this misses (not every file system can be watched).
 */
import { watch, type FSWatcher } from 'node:fs';

/** Calls onChange shortly after a burst of writes to file; returns the stop function. */
export function watchFile(file: string, onChange: () => void): () => void {
  let watcher: FSWatcher | undefined;
  let soon: ReturnType<typeof setTimeout> | undefined;
  try {
    watcher = watch(file, { persistent: false }, () => {
      // A write comes in bursts, and data_version only moves once the writer commits: look a
      // moment later.
      if (soon) return;
      soon = setTimeout(() => {
        soon = undefined;
        onChange();
      }, 15);
    });
    watcher.on('error', () => undefined);
  } catch {
    // Polling still works.
  }
  return () => {
    watcher?.close();
    if (soon) clearTimeout(soon);
  };
}
