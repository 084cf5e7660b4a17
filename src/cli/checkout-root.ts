/**
 * The checkout the command runs from: the nearest directory above this code that holds
 * EdgeSync's package.json. Found by looking, not by counting levels, because the same code runs
 * from src/ (tests), from dist/ module by module, and bundled into dist/cli/main.js.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let found: string | undefined;

export function checkoutRoot(): string {
  if (found) return found;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'edgesync') return (found = dir);
      } catch {
        // not ours: keep looking
      }
    }
    if (dirname(dir) === dir) throw new Error(`no EdgeSync checkout above ${start}`);
  }
}
