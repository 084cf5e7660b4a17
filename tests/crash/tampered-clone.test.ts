// A clone answered by a server whose artifacts are not what their names say fails, keeps nothing
// false (what did not check out goes back to being a phantom), and resumed against an honest
// server finishes: it verifies, fossil test-integrity passes, and it holds what the server holds.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compressBlob } from '../../src/fossil/blob-codec.ts';
import { utf8 } from '../../src/fossil/bytes.ts';
import { createRepoFile, openRepoFile } from '../../src/repo/node-files.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { falseArtifacts } from '../../src/repo/verify.ts';
import { edgesync, edgesyncAsync } from '../helpers/cli.ts';
import { startInProcessServer } from '../helpers/inprocess-server.ts';
import { artifactSet, expectIntegrity } from '../helpers/sync-fixtures.ts';
import { haveTool, tempDir } from '../helpers/tools.ts';
import { BOB, commit } from '../hostile/fixture.ts';

const hasFossil = haveTool('fossil');
const tmp = tempDir('edgesync-tamper-');
afterAll(() => tmp.cleanup());

describe.runIf(hasFossil || process.env.CI === 'true')('a clone from a lying server', () => {
  it('fails, keeps nothing false, and resumed from an honest server finishes and verifies', async () => {
    const honestPath = join(tmp.dir, 'honest.fossil');
    const honest = createRepoFile(honestPath, { crosslinker: crosslinkerFactory, adminUser: 'alice', date: new Date('2025-02-01T00:00:00Z') });
    honest.users.add(BOB.user, { password: BOB.password, caps: 'gio' });
    for (let i = 0; i < 12; i++) commit(honest, { [`f${i % 4}.txt`]: `version ${i}\n`.repeat(100 + i) }, `check-in ${i}`);
    honest.db.close();
    // The liar: the same repository with two artifacts' content swapped for something else.
    const liarPath = join(tmp.dir, 'liar.fossil');
    copyFileSync(honestPath, liarPath);
    const liar = openRepoFile(liarPath);
    const victims = liar.db.all<{ rid: number }>('SELECT rid FROM blob WHERE rid NOT IN (SELECT rid FROM delta) AND size>0 ORDER BY rid DESC LIMIT 2');
    for (const { rid } of victims) {
      const forged = utf8(`not what the name says ${rid}\n`);
      liar.db.run('UPDATE blob SET content=?, size=? WHERE rid=?', compressBlob(forged), forged.length, rid);
    }
    liar.db.close();
    const liarSrv = await startInProcessServer(liarPath);
    const honestSrv = await startInProcessServer(honestPath);
    const file = join(tmp.dir, 'clone.fossil');
    try {
      const failed = await edgesyncAsync(['clone', liarSrv.url.replace('//', '//bob:bobpw@'), file]);
      expect(failed.status).toBe(1);
      expect(failed.stderr).toMatch(/wrong hash on received artifact/);
      expect(failed.stderr).toMatch(/dropped/);
      // Nothing false stayed.
      const left = openRepoFile(file);
      expect(falseArtifacts(left.db)).toEqual([]);
      left.db.close();
      expect(edgesync(['verify', '-R', file]).status).toBe(0);
      // The same command, against the honest server, finishes the clone.
      const resumed = await edgesyncAsync(['clone', honestSrv.url.replace('//', '//bob:bobpw@'), file]);
      expect(resumed.status, resumed.stderr).toBe(0);
      expect(edgesync(['verify', '-R', file]).status).toBe(0);
      expectIntegrity(file);
      expect(artifactSet(file)).toEqual(artifactSet(honestPath));
      expect((await edgesyncAsync(['pull', honestSrv.url.replace('//', '//bob:bobpw@'), '-R', file])).status).toBe(0);
      expect(edgesync(['rebuild', '-R', file]).status).toBe(0);
    } finally {
      await liarSrv.stop();
      await honestSrv.stop();
    }
  });
});
