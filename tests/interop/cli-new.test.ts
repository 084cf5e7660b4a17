// `edgesync new` makes a file that upstream fossil accepts as its own.
import { describe, expect, it, afterAll } from 'vitest';
import { join } from 'node:path';
import { edgesync } from '../helpers/cli.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';

const hasFossil = haveTool('fossil');
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe.skipIf(!hasFossil)('edgesync new, checked by fossil', () => {
  const file = join(tmp.dir, 'new.fossil');

  it('creates a repository that passes test-integrity, info and timeline', () => {
    const out = JSON.parse(edgesync(['new', file, '--project-name', 'Demo', '--json']).stdout);
    expect(out.projectCode).toMatch(/^[0-9a-f]{40}$/);
    expect(fossil(['test-integrity', '-R', file]).stdout).toMatch(/0 errors/);
    const info = fossil(['info', '-R', file]).stdout;
    expect(info).toContain(`project-code: ${out.projectCode}`);
    expect(info).toMatch(/project-name:\s+Demo/);
    const tl = fossil(['timeline', '-R', file, '-n', '0', '-F', '%H|%c|%b|%a']).stdout;
    expect(tl).toMatch(/^[0-9a-f]{64}\|initial empty check-in\|trunk\|alice$/m);
  });

  it('refuses to overwrite an existing file', () => {
    const r = edgesync(['new', file], { allowFail: true });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/already exists/);
  });

  it('reports usage errors on stderr with a non-zero exit', () => {
    const r = edgesync(['new'], { allowFail: true });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Usage: edgesync new/);
    expect(edgesync(['new', '--help']).stdout).toMatch(/--project-name/);
  });
});
