// Must show 1: cloning from `fossil server` (with a password user, and with anonymous locked
// out) gives what `fossil clone` gives: the same artifacts, the same derived tables and timeline,
// and `fossil test-integrity` passes. Also: an interrupted clone leaves a repository that opens
// and resumes to the same result.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fossil, haveTool, sqlite, tempDir } from '../helpers/tools.ts';
import { edgesync } from '../helpers/cli.ts';
import { startFossilServer, type RunningServer } from '../helpers/servers.ts';
import { BOB, expectIntegrity, expectSameRepository, libraryClone, serverRepo } from '../helpers/sync-fixtures.ts';
import { openRepoFile } from '../../src/repo/node-files.ts';
import { cloneInto, isUnfinishedClone } from '../../src/sync/clone-client.ts';
import { NodeHttpTransport } from '../../src/sync/transports/http-client-node.ts';
import { TransportError, type SyncTransport, type WireMessage } from '../../src/sync/transport.ts';
import type { RoundReport } from '../../src/sync/sync-events.ts';

const hasFossil = haveTool('fossil');
const tmp = tempDir();
const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
  tmp.cleanup();
});

/** A transport that fails after a number of exchanges, like a dropped connection. */
class FailingTransport implements SyncTransport {
  private n = 0;
  constructor(private readonly inner: SyncTransport, private readonly failAt: number) {}
  get label() {
    return this.inner.label;
  }
  exchange(m: WireMessage): Promise<WireMessage> {
    if (++this.n >= this.failAt) return Promise.reject(new TransportError('connection dropped'));
    return this.inner.exchange(m);
  }
}

describe.skipIf(!hasFossil)('clone from fossil server', () => {
  let open: RunningServer;
  let locked: RunningServer;
  let reference: string;
  const dir = () => tmp.dir;

  beforeAll(async () => {
    const openRepo = serverRepo(dir(), 'open.fossil');
    // Small replies, so the clone takes several rounds.
    sqlite(openRepo, "REPLACE INTO config(name,value,mtime) VALUES('max-download','6000',0)");
    open = await startFossilServer(openRepo);
    locked = await startFossilServer(serverRepo(dir(), 'locked.fossil', { lockAnonymous: true }));
    servers.push(open, locked);
    reference = join(dir(), 'reference.fossil');
    fossil(['clone', `http://bob:bobpw@127.0.0.1:${open.port}/`, reference]);
  });

  it('with a password user: same artifacts, tables and timeline as fossil clone; integrity passes', async () => {
    const ours = join(dir(), 'ours-open.fossil');
    const rounds: RoundReport[] = [];
    const r = await libraryClone(open.url, ours, { login: BOB, events: { round: (x) => rounds.push(x) } });
    expect(r.rounds).toBeGreaterThan(2);
    expect(rounds.map((x) => x.round)).toEqual(rounds.map((_, i) => i + 1));
    expect(rounds.at(-1)!.more).toBe(false);
    expectIntegrity(ours);
    expectSameRepository(ours, reference);
  });

  it('with anonymous locked out: the refused first round is retried with the login', async () => {
    const ours = join(dir(), 'ours-locked.fossil');
    const theirs = join(dir(), 'theirs-locked.fossil');
    fossil(['clone', `http://bob:bobpw@127.0.0.1:${locked.port}/`, theirs]);
    const warnings: string[] = [];
    await libraryClone(locked.url, ours, { login: BOB, events: { warning: (w) => warnings.push(w) } });
    expect(warnings.join('\n')).toMatch(/not authorized to clone/);
    expectIntegrity(ours);
    expectSameRepository(ours, theirs);
  });

  it('without credentials on a locked server: the clone fails with the server error', async () => {
    await expect(libraryClone(locked.url, join(dir(), 'refused.fossil'))).rejects.toThrow(/not authorized to clone/);
  });

  it('an interrupted clone leaves a repository that opens, and resumes to the same result', async () => {
    const ours = join(dir(), 'ours-interrupted.fossil');
    await expect(
      libraryClone(new FailingTransport(new NodeHttpTransport(open.url), 3), ours, { login: BOB }),
    ).rejects.toThrow(/connection dropped/);
    // The two finished rounds are in the file, which opens as a repository.
    const partial = Number(sqlite(ours, 'SELECT count(*) FROM blob WHERE size>=0'));
    expect(partial).toBeGreaterThan(0);
    const repo = openRepoFile(ours);
    try {
      expect(isUnfinishedClone(repo)).toBe(true);
      const seqno = repo.config.getInt('edgesync-clone-seqno', 0);
      expect(seqno).toBeGreaterThan(1);
      const r = await cloneInto(repo, new NodeHttpTransport(open.url), { login: BOB });
      expect(r.fresh).toBe(false);
      expect(isUnfinishedClone(repo)).toBe(false);
    } finally {
      repo.db.close();
    }
    expectIntegrity(ours);
    expectSameRepository(ours, reference);
  });

  it('`edgesync pull` finishes an interrupted clone', async () => {
    const ours = join(dir(), 'ours-pull-resumed.fossil');
    await expect(
      libraryClone(new FailingTransport(new NodeHttpTransport(open.url), 2), ours, { login: BOB }),
    ).rejects.toThrow(/connection dropped/);
    sqlite(ours, `REPLACE INTO config(name,value,mtime) VALUES('last-sync-url','http://bob@127.0.0.1:${open.port}/',0)`);
    const r = edgesync(['pull', '-R', ours, '--password', 'bobpw']);
    expect(r.stdout).toMatch(/Finished the interrupted clone/);
    expectIntegrity(ours);
    expectSameRepository(ours, reference);
  });

  it('`edgesync clone` on the command line', () => {
    const ours = join(dir(), 'ours-cli.fossil');
    const r = edgesync(['clone', `http://bob:bobpw@127.0.0.1:${locked.port}/`, ours]);
    expect(r.stdout).toMatch(/project-id: [0-9a-f]{40}/);
    expectIntegrity(ours);
    expectSameRepository(ours, join(dir(), 'theirs-locked.fossil'));
    // The URL is remembered (without the password) for later pulls.
    expect(sqlite(ours, "SELECT value FROM config WHERE name='last-sync-url'").trim()).toBe(`http://bob@127.0.0.1:${locked.port}/`);
  });
});
