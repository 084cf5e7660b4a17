// Must show 5: refusals. Push without capability i, clone without g, a wrong password, private
// content asked for without x: each is refused with the error upstream gives (checked against
// `fossil server` answering the same client), and nothing changes on either side.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fossil, haveTool, tempDir, sqlite } from '../helpers/tools.ts';
import { fossilAsync, startFossilServer, type RunningServer } from '../helpers/servers.ts';
import { startInProcessServer } from '../helpers/inprocess-server.ts';
import { libraryClone, openWithCrosslinker, serverRepo } from '../helpers/sync-fixtures.ts';
import { syncWith } from '../../src/sync/client-session.ts';
import { NodeHttpTransport } from '../../src/sync/transports/http-client-node.ts';

const hasFossil = haveTool('fossil');
const tmp = tempDir();
const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
  tmp.cleanup();
});

/** Every row of every table, to show a refusal changed nothing. */
function dump(path: string): string {
  const text = sqlite(path, '.dump', { readonly: true });
  // fossil server touches the mtime of its `baseurl:` setting on every request it answers,
  // refused or not; that is bookkeeping, not a change to the repository's content.
  return text.replace(/^(INSERT INTO config VALUES\('baseurl:[^']*','[^']*',)\d+\);$/gm, '$1T);');
}

/** The `Error: …` line the fossil client prints for an error card. */
function errorLine(out: string): string {
  const m = /(?:Error|server says): ([^\n\r]*)/.exec(out);
  return m ? m[1]!.trim() : `(no error line in: ${out.slice(-300)})`;
}

interface Pair {
  fossilServer: RunningServer;
  ourServer: RunningServer;
  fossilRepo: string;
  ourRepo: string;
}

/** The same repository served twice: by fossil and by us. */
async function servePair(name: string, opts: Parameters<typeof serverRepo>[2]): Promise<Pair> {
  const fossilRepo = serverRepo(tmp.dir, `${name}-fossil.fossil`, opts);
  const ourRepo = join(tmp.dir, `${name}-ours.fossil`);
  copyFileSync(fossilRepo, ourRepo);
  const pair = {
    fossilServer: await startFossilServer(fossilRepo),
    ourServer: await startInProcessServer(ourRepo),
    fossilRepo,
    ourRepo,
  };
  servers.push(pair.fossilServer, pair.ourServer);
  return pair;
}

/** Run the same failing fossil command against both servers; the errors must agree. */
async function sameRefusal(pair: Pair, args: (url: (s: RunningServer) => string) => string[], login = 'bob:bobpw'): Promise<string> {
  const url = (s: RunningServer) => `http://${login}@127.0.0.1:${s.port}/`;
  const before = dump(pair.ourRepo);
  const upstream = await fossilAsync(args((s) => (s === pair.fossilServer ? url(s) : url(pair.fossilServer))), { allowFail: true });
  const ours = await fossilAsync(args((s) => (s === pair.fossilServer ? url(pair.ourServer) : url(pair.ourServer))), { allowFail: true });
  // (fossil push/pull exit 0 even when the server refused; clone exits non-zero.)
  expect(ours.status).toBe(upstream.status);
  const expected = errorLine(upstream.stdout + upstream.stderr);
  expect(expected).not.toMatch(/^\(no error line/);
  expect(errorLine(ours.stdout + ours.stderr)).toBe(expected);
  expect(dump(pair.ourRepo)).toBe(before);
  return expected;
}

describe.skipIf(!hasFossil)('refusals', () => {
  let readOnly: Pair;
  let locked: Pair;
  let clientClone: string;
  let clientDir: string;

  beforeAll(async () => {
    // bob may clone and read, not write; nobody/anonymous keep their defaults (clone, read).
    readOnly = await servePair('readonly', { caps: 'go' });
    // bob may read but not clone, and anonymous access is locked out.
    locked = await servePair('locked', { caps: 'o', lockAnonymous: true });
    // A client repository with a check-in the server does not have.
    clientClone = join(tmp.dir, 'client.fossil');
    fossil(['clone', `http://bob:bobpw@127.0.0.1:${readOnly.fossilServer.port}/`, clientClone]);
    clientDir = join(tmp.dir, 'client-wd');
    mkdirSync(clientDir);
    fossil(['open', clientClone, '--nosync'], { cwd: clientDir });
    writeFileSync(join(clientDir, 'refused.txt'), 'this never reaches the server\n');
    fossil(['add', 'refused.txt'], { cwd: clientDir });
    fossil(['commit', '--nosync', '--no-warnings', '-m', 'refused check-in'], { cwd: clientDir });
  });

  describe('fossil clients: our server refuses as fossil server does', () => {
    it('push without capability i', async () => {
      const e = await sameRefusal(readOnly, (url) => ['push', url(readOnly.fossilServer), '-R', clientClone]);
      expect(e).toBe('not authorized to write');
    });

    it('clone without capability g', async () => {
      let n = 0;
      const e = await sameRefusal(locked, (url) => ['clone', url(locked.fossilServer), join(tmp.dir, `noclone-${++n}.fossil`)]);
      expect(e).toBe('not authorized to clone');
    });

    it('a wrong password', async () => {
      let n = 0;
      const e = await sameRefusal(
        locked,
        (url) => ['clone', url(locked.fossilServer), join(tmp.dir, `badpw-${++n}.fossil`)],
        'bob:wrong',
      );
      expect(e).toBe('login failed');
    });

    it('private content without capability x', async () => {
      const e = await sameRefusal(readOnly, (url) => ['pull', '--private', url(readOnly.fossilServer), '-R', clientClone]);
      expect(e).toBe('not authorized to sync private content');
    });
  });

  describe('our client: refused by fossil server, nothing stored locally', () => {
    it('push without capability i', async () => {
      const ours = join(tmp.dir, 'ours-push.fossil');
      copyFileSync(clientClone, ours);
      const before = dump(ours);
      const serverBefore = dump(readOnly.fossilRepo);
      const repo = openWithCrosslinker(ours);
      try {
        await expect(
          syncWith(repo, new NodeHttpTransport(readOnly.fossilServer.url), { push: true, login: { user: 'bob', password: 'bobpw' } }),
        ).rejects.toThrow(/server says: not authorized to write/);
      } finally {
        repo.db.close();
      }
      expect(dump(ours)).toBe(before);
      expect(dump(readOnly.fossilRepo)).toBe(serverBefore);
    });

    it('sync without capability i: the server says "pull only" and the push is dropped', async () => {
      const ours = join(tmp.dir, 'ours-sync.fossil');
      copyFileSync(clientClone, ours);
      const repo = openWithCrosslinker(ours);
      try {
        const r = await syncWith(repo, new NodeHttpTransport(readOnly.fossilServer.url), {
          pull: true, push: true, login: { user: 'bob', password: 'bobpw' },
        });
        expect(r.artifactsSent).toBe(0);
      } finally {
        repo.db.close();
      }
      expect(fossil(['timeline', '-n', '1', '-t', 'ci', '-R', readOnly.fossilRepo]).stdout).not.toMatch(/refused check-in/);
    });

    it('clone without capability g, and with a wrong password', async () => {
      await expect(libraryClone(locked.fossilServer.url, join(tmp.dir, 'ours-noclone.fossil'), { login: { user: 'bob', password: 'bobpw' } }))
        .rejects.toThrow(/server says: not authorized to clone/);
      await expect(libraryClone(locked.fossilServer.url, join(tmp.dir, 'ours-badpw.fossil'), { login: { user: 'bob', password: 'wrong' } }))
        .rejects.toThrow(/server says: login failed/);
    });

    it('private content without capability x', async () => {
      const ours = join(tmp.dir, 'ours-private.fossil');
      copyFileSync(clientClone, ours);
      const before = dump(ours);
      const repo = openWithCrosslinker(ours);
      try {
        await expect(
          syncWith(repo, new NodeHttpTransport(readOnly.fossilServer.url), { pull: true, private: true, login: { user: 'bob', password: 'bobpw' } }),
        ).rejects.toThrow(/server says: not authorized to sync private content/);
      } finally {
        repo.db.close();
      }
      expect(dump(ours)).toBe(before);
    });
  });
});
