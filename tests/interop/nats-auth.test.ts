// Must show 5: a peer without permission to push is refused (fossil's capabilities, over NATS),
// and with NATS auth on, a client without credentials cannot connect while one with them can.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';
import { edgesync } from '../helpers/cli.ts';
import { startNats, type RunningNats } from '../helpers/nats.ts';
import { startLeaf, type RunningPeer } from '../helpers/nats-peers.ts';
import { artifactSet } from '../helpers/sync-fixtures.ts';

const ready = haveTool('fossil') && haveTool('nats-server');
const tmp = tempDir();
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const s of stops.reverse()) await s();
  tmp.cleanup();
});

describe.skipIf(!ready)('permissions and NATS auth', () => {
  const d = (p: string) => join(tmp.dir, p);
  let nats: RunningNats;
  let leaf: RunningPeer;
  let code: string;
  let authed: string;

  beforeAll(async () => {
    nats = await startNats(tmp.dir, { user: 'mesh', password: 's3cret' });
    stops.push(() => nats.stop());
    const repo = d('a.fossil');
    fossil(['init', repo]);
    fossil(['user', 'new', 'viewer', 'v@example.org', 'viewpw', '-R', repo]);
    fossil(['user', 'capabilities', 'viewer', 'go', '-R', repo]);
    fossil(['user', 'new', 'editor', 'w@example.org', 'writepw', '-R', repo]);
    fossil(['user', 'capabilities', 'editor', 'gio', '-R', repo]);
    code = /project-code:\s+([0-9a-f]+)/.exec(fossil(['info', '-R', repo]).stdout)![1]!;
    authed = `nats://mesh:s3cret@127.0.0.1:${nats.port}`;
    leaf = await startLeaf(repo, authed, ['--safety-sync', '0']);
    stops.push(() => leaf.stop());
  });

  it('refuses a client without NATS credentials, or with wrong ones', () => {
    for (const url of [`${nats.url}/${code}`, `nats://mesh:wrong@127.0.0.1:${nats.port}/${code}`]) {
      const r = edgesync(['clone', url, d(`no-${Math.random()}.fossil`)], { allowFail: true });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/authoriz/i);
    }
  });

  it('lets a client with credentials clone', () => {
    edgesync(['clone', `${authed}/${code}`, d('clone.fossil')]);
    expect(artifactSet(d('clone.fossil'))).toEqual(artifactSet(d('a.fossil')));
  });

  it('refuses a push without write permission, accepts it with', () => {
    const co = d('co');
    mkdirSync(co);
    fossil(['open', d('clone.fossil'), '--nosync'], { cwd: co });
    writeFileSync(join(co, 'new.txt'), 'new\n');
    fossil(['add', 'new.txt'], { cwd: co });
    fossil(['commit', '--nosync', '--no-warnings', '-m', 'new'], { cwd: co });
    const before = artifactSet(d('a.fossil'));
    for (const login of [[], ['--user', 'viewer', '--password', 'viewpw']]) {
      const r = edgesync(['push', `${authed}/${code}`, '-R', d('clone.fossil'), ...login], { allowFail: true });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/not authorized to write/);
      expect(artifactSet(d('a.fossil'))).toEqual(before);
    }
    edgesync(['push', `${authed}/${code}`, '-R', d('clone.fossil'), '--user', 'editor', '--password', 'writepw']);
    expect(artifactSet(d('a.fossil'))).toEqual(artifactSet(d('clone.fossil')));
  });
});
