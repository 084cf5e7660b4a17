// Unversioned files travel both ways with stock fossil: our client pulls them from
// `fossil server`, and `fossil uv sync` pushes and pulls them through our server.
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fossil, haveTool, sqlite, tempDir } from '../helpers/tools.ts';
import { fossilAsync, startFossilServer, type RunningServer } from '../helpers/servers.ts';
import { startInProcessServer } from '../helpers/inprocess-server.ts';
import { BOB, openWithCrosslinker, serverRepo } from '../helpers/sync-fixtures.ts';
import { syncWith } from '../../src/sync/client-session.ts';
import { NodeHttpTransport } from '../../src/sync/transports/http-client-node.ts';

const hasFossil = haveTool('fossil');
const tmp = tempDir();
const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
  tmp.cleanup();
});

const uvList = (repo: string) => fossil(['uv', 'ls', '-R', repo]).stdout.split('\n').filter(Boolean).sort();

describe.skipIf(!hasFossil)('unversioned files with stock fossil', () => {
  it('our client pulls them from fossil server', async () => {
    const srv = serverRepo(tmp.dir, 'uv-srv.fossil', { caps: 'gioy' });
    const file = join(tmp.dir, 'release.txt');
    writeFileSync(file, 'release notes\n'.repeat(100));
    fossil(['uv', 'add', file, '--as', 'download/release.txt', '-R', srv]);
    const s = await startFossilServer(srv);
    servers.push(s);
    const ours = join(tmp.dir, 'uv-ours.fossil');
    copyFileSync(serverRepo(tmp.dir, 'uv-base.fossil'), ours);
    // Same project: make the copy's project code the server's.
    sqlite(ours, `UPDATE config SET value=(SELECT '${sqlite(srv, "SELECT value FROM config WHERE name='project-code'").trim()}') WHERE name='project-code'`);
    const repo = openWithCrosslinker(ours);
    try {
      await syncWith(repo, new NodeHttpTransport(s.url), { unversioned: true, login: BOB });
    } finally {
      repo.db.close();
    }
    expect(uvList(ours)).toEqual(['download/release.txt']);
    expect(fossil(['uv', 'cat', 'download/release.txt', '-R', ours]).stdout).toBe('release notes\n'.repeat(100));
  });

  it('fossil uv sync pushes to and pulls from our server', async () => {
    const srv = serverRepo(tmp.dir, 'uv-ours-srv.fossil', { caps: 'gioy' });
    const s = await startInProcessServer(srv);
    servers.push(s);
    const url = `http://bob:bobpw@127.0.0.1:${s.port}/`;
    const a = join(tmp.dir, 'uv-a.fossil');
    const b = join(tmp.dir, 'uv-b.fossil');
    await fossilAsync(['clone', url, a]);
    await fossilAsync(['clone', url, b]);
    const file = join(tmp.dir, 'tool.bin');
    writeFileSync(file, Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 13) & 255)));
    fossil(['uv', 'add', file, '--as', 'tools/tool.bin', '-R', a]);
    await fossilAsync(['uv', 'sync', url, '-R', a]);
    await fossilAsync(['uv', 'sync', url, '-R', b]);
    expect(uvList(b)).toEqual(['tools/tool.bin']);
    expect(fossil(['uv', 'hash', '-R', b]).stdout).toBe(fossil(['uv', 'hash', '-R', a]).stdout);
  });
});
