// `edgesync pull` into a repository whose disk fills up on the way (the file may not grow past
// a size limit, set with prlimit, so SQLite's writes fail as they would on a full disk): the
// command says it is this computer's storage, does not blame the server, and leaves the
// repository as it was, which fossil still finds sound.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from '../helpers/cli.ts';
import { startInProcessServer } from '../helpers/inprocess-server.ts';
import { BOB, artifactSet, expectIntegrity, libraryClone, openWithCrosslinker } from '../helpers/sync-fixtures.ts';
import { haveTool, tempDir } from '../helpers/tools.ts';
import { Prng } from '../sim/prng.ts';
import { createRepoFile } from '../../src/repo/node-files.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { createCheckin } from '../../src/repo/authoring/checkin.ts';
import { utf8 } from '../../src/fossil/bytes.ts';
import type { Repository } from '../../src/repo/repository.ts';

const ready = haveTool('fossil') && haveTool('prlimit') && existsSync(CLI);
const tmp = tempDir('edgesync-disk-full-');
afterAll(() => tmp.cleanup());

let clock = Date.parse('2025-07-01T10:00:00Z');

function commitNoise(repo: Repository, rng: Prng, n: number, label: string): void {
  for (let i = 0; i < n; i++) {
    const parent = repo.db.value<number>("SELECT objid FROM event WHERE type='ci' ORDER BY mtime DESC LIMIT 1");
    let text = '';
    while (text.length < 24_000) text += rng.next().toString(36).slice(2);
    createCheckin(repo, { parent, files: [{ name: `${label}-${i}.txt`, content: utf8(`${text}\n`) }], comment: `${label} ${i}`, user: 'bob', date: new Date((clock += 60_000)) });
  }
}

/** Run the CLI with its files limited to `maxFileBytes` (SIGXFSZ ignored, so a write past it fails instead of killing it). */
function runLimited(args: string[], maxFileBytes: number): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const script = 'trap "" XFSZ; exec prlimit --fsize="$0" "$@"';
    const child = spawn('sh', ['-c', script, String(maxFileBytes), process.execPath, CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TZ: 'UTC' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    // 'close', not 'exit': only then has all of stderr been read.
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

describe.skipIf(!ready)('edgesync pull on a full disk', () => {
  it('fails as a local problem and leaves the repository as it was', async () => {
    const rng = new Prng(11);
    const serverPath = join(tmp.dir, 'server.fossil');
    const server = createRepoFile(serverPath, { adminUser: 'alice', projectName: 'disk full', crosslinker: crosslinkerFactory });
    server.users.add('bob', { password: 'bobpw', caps: 'gio' });
    commitNoise(server, rng, 2, 'early');
    server.db.close();

    const running = await startInProcessServer(serverPath);
    try {
      const clientPath = join(tmp.dir, 'client.fossil');
      await libraryClone(running.url, clientPath, { login: BOB });
      const cloned = artifactSet(clientPath);
      expect(cloned.length).toBeGreaterThan(0);
      // The server gains 12 check-ins of 24 kB each that hardly compress: they will not fit.
      const more = openWithCrosslinker(serverPath);
      commitNoise(more, rng, 12, 'late');
      more.db.close();

      const r = await runLimited(['pull', running.url, '-R', clientPath, '--user', BOB.user, '--password', BOB.password], statSync(clientPath).size + 64 * 1024);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^edgesync pull: local storage failed: /m);
      expect(r.stderr).toMatch(/problem with this computer's storage/);
      expect(r.stderr).not.toMatch(/bad artifact|server says|cannot store/);
      expect(r.stderr).not.toContain(running.url);
      expect(artifactSet(clientPath)).toEqual(cloned);
      expectIntegrity(clientPath);
    } finally {
      await running.stop();
    }
  });
});
