// `npm start` and `npm test` begin with .ci/setup: in a copy of the checkout it builds the command
// and the web app once, builds nothing the second time (it says so), builds again after a source
// file changed, prints no bundler timing report, and leaves package-lock.json as it was.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, realpathSync, symlinkSync, utimesSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/tools.ts';

const ROOT = join(import.meta.dirname, '../..');
const COPIED = ['.ci', 'src', 'workers', 'public', 'index.html', 'vite.config.ts', 'tsconfig.json', 'tsconfig.node.json', 'package.json', 'package-lock.json'];
const tmp = tempDir('edgesync-setup-');
afterAll(() => tmp.cleanup());

function setup(dir: string): { status: number; out: string } {
  const r = spawnSync('bash', ['.ci/setup'], { cwd: dir, encoding: 'utf8', env: { ...process.env, EDGESYNC_REBUILD: '' }, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe('.ci/setup', () => {
  it('builds once, then skips the builds until an input changes; quiet; package-lock.json untouched', () => {
    const dir = join(tmp.dir, 'checkout');
    for (const f of COPIED) if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(dir, f), { recursive: true });
    // The dependencies as installed here (setup installs nothing into a linked node_modules).
    symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(dir, 'node_modules'));
    const lock = readFileSync(join(dir, 'package-lock.json'));

    const first = setup(dir);
    expect(first.status, first.out).toBe(0);
    expect(first.out).toContain('setup: building the edgesync command');
    expect(first.out).toContain('setup: building the web app');
    expect(existsSync(join(dir, 'dist/cli/main.js'))).toBe(true);
    expect(existsSync(join(dir, 'dist/web/index.html'))).toBe(true);

    const second = setup(dir);
    expect(second.status, second.out).toBe(0);
    expect(second.out).toContain('setup: the command is built (no change since)');
    expect(second.out).toContain('setup: the web app is built (no change since)');
    expect(second.out).not.toContain('setup: building');

    // A changed source file: both builds that read it run again.
    const file = join(dir, 'src/cli/count.ts');
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    const third = setup(dir);
    expect(third.status, third.out).toBe(0);
    expect(third.out).toContain('setup: building the edgesync command');

    for (const out of [first.out, second.out, third.out]) {
      expect(out).not.toContain('PLUGIN_TIMINGS');
      expect(out).not.toMatch(/bundlertimings/i);
    }
    expect(readFileSync(join(dir, 'package-lock.json')).equals(lock)).toBe(true);
  }, 900_000);
});
