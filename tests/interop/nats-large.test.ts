// Must show 3: a clone over NATS of a repository with a 5 MB artifact and thousands of artifacts
// works against a nats-server left at its default max_payload (1 MiB); a stock `fossil clone`
// over HTTP from that clone's `edgesync serve --http` passes `fossil test-integrity`. Also: a
// 5 MB artifact pushes over NATS, and a client without our extensions gets an error naming the
// artifact that does not fit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';
import { edgesync } from '../helpers/cli.ts';
import { startEdgesyncServer } from '../helpers/servers.ts';
import { startNats, type RunningNats } from '../helpers/nats.ts';
import { startLeaf, type RunningPeer } from '../helpers/nats-peers.ts';
import { artifactSet, expectIntegrity } from '../helpers/sync-fixtures.ts';
import { decodeBody, encodeBody, XFER_CONTENT_TYPE } from '../../src/sync/envelope.ts';

const ready = haveTool('fossil') && haveTool('nats-server');
const tmp = tempDir();
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const s of stops.reverse()) await s();
  tmp.cleanup();
});

const FILES = 3000;
const BIG = 5 * 1024 * 1024;

describe.skipIf(!ready)('large repositories over NATS at the default max_payload', () => {
  const d = (p: string) => join(tmp.dir, p);
  let nats: RunningNats;
  let leaf: RunningPeer;
  let code: string;
  let bigHash: string;

  beforeAll(async () => {
    nats = await startNats(tmp.dir);
    stops.push(() => nats.stop());
    const repo = d('big.fossil');
    fossil(['init', repo]);
    fossil(['user', 'new', 'bob', 'bob@example.org', 'bobpw', '-R', repo]);
    fossil(['user', 'capabilities', 'bob', 'gio', '-R', repo]);
    const co = d('co');
    mkdirSync(co, { recursive: true });
    fossil(['open', repo, '--nosync'], { cwd: co });
    mkdirSync(join(co, 'many'));
    for (let i = 0; i < FILES; i++) writeFileSync(join(co, 'many', `f${i}.txt`), `file ${i}\n${randomBytes(60).toString('hex')}\n`);
    fossil(['addremove'], { cwd: co });
    fossil(['commit', '--nosync', '--no-warnings', '-m', 'many files'], { cwd: co });
    writeFileSync(join(co, 'big.bin'), randomBytes(BIG));
    fossil(['add', 'big.bin'], { cwd: co });
    fossil(['commit', '--nosync', '--no-warnings', '-m', 'a big one'], { cwd: co });
    bigHash = fossil(['sha3sum', join(co, 'big.bin')]).stdout.split(/\s/)[0]!;
    code = /project-code:\s+([0-9a-f]+)/.exec(fossil(['info', '-R', repo]).stdout)![1]!;
    leaf = await startLeaf(repo, nats.url, ['--safety-sync', '0']);
    stops.push(() => leaf.stop());
  });

  it('the hub is at the 1 MiB default', async () => {
    const nc = await connect({ servers: `127.0.0.1:${nats.port}` });
    expect(nc.info?.max_payload).toBe(1024 * 1024);
    await nc.close();
  });

  it('clones, and fossil clones the clone over HTTP', async () => {
    const clone = d('clone.fossil');
    edgesync(['clone', `${nats.url}/${code}`, clone]);
    const theirs = artifactSet(d('big.fossil'));
    expect(theirs.length).toBeGreaterThan(FILES);
    expect(artifactSet(clone)).toEqual(theirs);
    expectIntegrity(clone);
    const http = await startEdgesyncServer(clone);
    try {
      fossil(['clone', http.url, d('fossil-clone.fossil')]);
    } finally {
      await http.stop();
    }
    expectIntegrity(d('fossil-clone.fossil'));
    expect(artifactSet(d('fossil-clone.fossil'))).toEqual(theirs);
  });

  it('pushes a 5 MB artifact over NATS', async () => {
    const co = d('co-clone');
    mkdirSync(co, { recursive: true });
    fossil(['open', d('clone.fossil'), '--nosync'], { cwd: co });
    writeFileSync(join(co, 'big2.bin'), randomBytes(BIG));
    fossil(['add', 'big2.bin'], { cwd: co });
    fossil(['commit', '--nosync', '--no-warnings', '-m', 'another big one'], { cwd: co });
    const hash = fossil(['sha3sum', join(co, 'big2.bin')]).stdout.split(/\s/)[0]!;
    edgesync(['push', `${nats.url}/${code}`, '-R', d('clone.fossil'), '--user', 'bob', '--password', 'bobpw']);
    expect(artifactSet(d('big.fossil'))).toContain(hash);
    expectIntegrity(d('big.fossil'));
  });

  it('a client without the extensions gets an error naming the artifact', async () => {
    const nc = await connect({ servers: `127.0.0.1:${nats.port}` });
    try {
      const req = `pragma client-version 22100 20230226 192424\npull 0000 ${code}\ngimme ${bigHash}\n`;
      const m = await nc.request(`fossil.${code}.sync`, encodeBody(new TextEncoder().encode(req), XFER_CONTENT_TYPE), { timeout: 120_000 });
      expect(m.data.length).toBeLessThanOrEqual(1024 * 1024);
      const text = new TextDecoder().decode(decodeBody(m.data, XFER_CONTENT_TYPE).text);
      expect(text).toContain(`error artifact\\s${bigHash}\\sis\\s`);
      expect(text).toContain('max_payload');
    } finally {
      await nc.close();
    }
  });
});
