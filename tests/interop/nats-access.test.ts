// The access rule on a hub (issue: who may read and write). A real `edgesync hub` with members,
// real nats-server permissions, the real fossil binary:
//  1. a member whose fossil login lacks `i`, serving its own copy and committing, and announcing
//     by hand, gets nothing into the served repository; its direct push is refused;
//  2. a member cannot subscribe to the project's sync queue group or another peer's subject, nor
//     announce presence under another's id: the hub refuses with a permission violation;
//  5. a writer's own copy is pulled from (the hub vouches for it), and a Go-shaped peer (plain
//     responder, default inbox, no extensions) announcing a check-in is followed;
//  and revoking a member closes its connections and removes its fossil login.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { edgesync } from '../helpers/cli.ts';
import { startHubCli, type RunningHub } from '../helpers/hub-cli.ts';
import { startLeaf, waitFor, type RunningPeer } from '../helpers/nats-peers.ts';
import { artifactSet, expectIntegrity, openWithCrosslinker } from '../helpers/sync-fixtures.ts';
import { fossil, haveTool, sqlite, tempDir } from '../helpers/tools.ts';
import { handleXferRequest } from '../../src/sync/server-handler.ts';
import { encodeBody, XFER_CONTENT_TYPE } from '../../src/sync/envelope.ts';
import { installNodePlatform } from '../../src/platform/node.ts';

const ready = haveTool('fossil') && haveTool('nats-server');
const tmp = tempDir('edgesync-access-');
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const s of stops.reverse()) await s().catch(() => undefined);
  tmp.cleanup();
});

/** Errors the server sent this connection (permission violations arrive as status events). */
function serverErrors(nc: NatsConnection): string[] {
  const errs: string[] = [];
  void (async () => {
    for await (const s of nc.status()) if (s.type === 'error') errs.push(String((s as { error?: Error }).error?.message ?? ''));
  })();
  return errs;
}

function commitWithFossil(repo: string, dir: string, file: string, user: string): string {
  mkdirSync(dir, { recursive: true });
  fossil(['open', repo, '--force', '--nosync'], { cwd: dir });
  writeFileSync(join(dir, file), `${file} by ${user}\n`);
  fossil(['add', file], { cwd: dir });
  fossil(['commit', '--nosync', '--no-warnings', '--user-override', user, '-m', `${file} by ${user}`], { cwd: dir });
  // The full hash (`fossil info` shows only its first 40 digits).
  const uuid = fossil(['timeline', '-n', '1', '-t', 'ci', '-F', '%H'], { cwd: dir }).stdout.split('\n')[0]!.trim();
  fossil(['close', '--force'], { cwd: dir });
  return uuid;
}

describe.skipIf(!ready)('one access rule on a hub', () => {
  const d = (p: string) => join(tmp.dir, p);
  let hub: RunningHub;
  let served: string;
  let code: string;
  let mallory: { user: string; password: string; login: string; loginPassword: string };

  beforeAll(async () => {
    installNodePlatform();
    served = d('served.fossil');
    fossil(['init', served]);
    code = /project-code:\s+([0-9a-f]+)/.exec(fossil(['info', '-R', served]).stdout)![1]!;
    commitWithFossil(served, d('co-served'), 'start.txt', 'owner');
    hub = await startHubCli(d('hub'), [served], ['-v']);
    stops.push(() => hub.stop());
    // Mallory: may read, and has a fossil login that may clone but not check in.
    edgesync(['member', 'add', 'mallory', '--role', 'reader', '--repo', 'served', '--login-caps', 'go', '--dir', hub.dir]);
    const m = hub.member('mallory');
    mallory = { user: m.name, password: m.password, login: m.login!.user, loginPassword: m.login!.password };
    // The running hub makes the login in the served repository within a second.
    await waitFor(() => sqlite(served, "SELECT count(*) FROM user WHERE login='mallory'").trim() === '1', 90_000, 'mallory\'s fossil login');
  });

  const as = (name: string) => hub.memberUrl(name);

  it('1: a member whose login lacks i gets nothing in by serving, announcing or pushing', async () => {
    const before = artifactSet(served);
    const copy = d('mallory.fossil');
    edgesync(['clone', `${as('mallory')}/${code}`, copy]);
    // Serving its copy on the mesh, under any peer id it likes: the hub does not let it answer.
    const leaf: RunningPeer = await startLeaf(copy, as('mallory'), ['--peer-id', 'anything', '--safety-sync', '0']);
    stops.push(() => leaf.stop());
    expect(leaf.output()).toMatch(/not answering: the hub does not let this user serve it/);
    const uuid = commitWithFossil(copy, d('co-mallory'), 'evil.txt', 'anyone-at-all');
    // Announcing it by hand, as a Go peer would: refused by the hub.
    const nc = await connect({ servers: hub.natsUrl, user: mallory.user, pass: mallory.password, inboxPrefix: `_INBOX.${mallory.user}` });
    const errs = serverErrors(nc);
    nc.publish(`fossil.${code}.commit`, new TextEncoder().encode(JSON.stringify({ rid: 1, uuid, peer_id: 'anything' })));
    await nc.flush();
    await expect.poll(() => errs.join('\n')).toMatch(/Permissions Violation for Publish to "fossil\.[0-9a-f]+\.commit"/);
    await nc.close();
    // Its direct push, signed with its login, is refused by the sync server.
    const push = edgesync(['push', `${as('mallory')}/${code}`, '-R', copy, '--user', mallory.login, '--password', mallory.loginPassword], { allowFail: true });
    expect(push.status).not.toBe(0);
    expect(push.stderr).toMatch(/not authorized to write/);
    // Give any pull a chance to have happened (a safety sync of the hub's leaf, too).
    edgesync(['pull', `${as('reader')}/${code}`, '-R', copy]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(artifactSet(served)).toEqual(before);
    expect(fossil(['timeline', '-n', '0', '-R', served]).stdout).not.toMatch(/mallory|evil/);
  });

  it('2: a member cannot answer for the project, nor take another peer\'s id', async () => {
    const nc = await connect({ servers: hub.natsUrl, user: mallory.user, pass: mallory.password, inboxPrefix: `_INBOX.${mallory.user}` });
    const errs = serverErrors(nc);
    const group = nc.subscribe(`fossil.${code}.sync`, { queue: `sync-${code}` });
    const other = nc.subscribe(`fossil.${code}.sync.hub.x`);
    await nc.flush();
    await expect.poll(() => group.isClosed() && other.isClosed()).toBe(true);
    nc.publish(`fossil.${code}.presence.hub.x`, new TextEncoder().encode(JSON.stringify({ peer_id: 'hub.x', name: 'the hub', kind: 'hub', serves: [code] })));
    // Replies meant for another user are out of reach too.
    nc.subscribe('_INBOX.reader.>');
    await nc.flush();
    await expect.poll(() => errs.join('\n')).toMatch(/Subscription to "fossil\.[0-9a-f]+\.sync" using queue "sync-/);
    await expect.poll(() => errs.join('\n')).toMatch(/Subscription to "fossil\.[0-9a-f]+\.sync\.hub\.x"/);
    await expect.poll(() => errs.join('\n')).toMatch(/Publish to "fossil\.[0-9a-f]+\.presence\.hub\.x"/);
    await expect.poll(() => errs.join('\n')).toMatch(/Subscription to "_INBOX\.reader\.>"/);
    await nc.close();
    // So a clone is answered by the project's servers only: another reader's clone is the served repository.
    edgesync(['clone', `${as('reader')}/${code}`, d('reader-clone.fossil')]);
    expect(artifactSet(d('reader-clone.fossil'))).toEqual(artifactSet(served));
  });

  it('5: a writer\'s own copy is pulled from; its login may push', async () => {
    hub.addMember('wendy', 'writer', 'served');
    const w = hub.member('wendy');
    await waitFor(() => sqlite(served, "SELECT count(*) FROM user WHERE login='wendy'").trim() === '1', 90_000, 'wendy\'s fossil login');
    const copy = d('wendy.fossil');
    edgesync(['clone', `${as('wendy')}/${code}`, copy]);
    const leaf = await startLeaf(copy, as('wendy'), ['--safety-sync', '0']);
    stops.push(() => leaf.stop());
    expect(leaf.output()).toMatch(/as peer wendy\.\S+\n/);
    const uuid = commitWithFossil(copy, d('co-wendy'), 'from-wendy.txt', 'wendy');
    await waitFor(() => artifactSet(served).includes(uuid), 90_000, 'wendy\'s check-in on the hub').catch((e: Error) => {
      throw new Error(`${e.message}\n--- wendy\n${leaf.output()}\n--- hub\n${hub.output()}`);
    });
    // Her direct push, signed with her login, is accepted too.
    const uuid2 = commitWithFossil(copy, d('co-wendy2'), 'pushed.txt', 'wendy');
    await leaf.stop();
    edgesync(['push', `${as('wendy')}/${code}`, '-R', copy, '--user', w.login!.user, '--password', w.login!.password]);
    expect(artifactSet(served)).toContain(uuid2);
    expectIntegrity(served);
  });

  it('5: a Go-shaped peer (plain responder, default inbox) announcing a check-in is followed', async () => {
    edgesync(['member', 'add', 'goleaf', '--role', 'server', '--repo', 'served', '--go-inbox', '--dir', hub.dir]);
    const g = hub.member('goleaf');
    const copy = d('go.fossil');
    edgesync(['clone', `${as('reader')}/${code}`, copy]);
    const uuid = commitWithFossil(copy, d('co-go'), 'from-go.txt', 'gopher');
    // What a Go leaf does: no inbox prefix, a plain subscription on its own subject, answers as
    // fossil's /xfer would, and announces {rid, uuid, peer_id}.
    const repo = openWithCrosslinker(copy);
    let nc: NatsConnection | undefined;
    for (let i = 0; i < 50 && !nc; i++) {
      nc = await connect({ servers: hub.natsUrl, user: g.name, pass: g.password }).catch(() => undefined);
      if (!nc) await new Promise((r) => setTimeout(r, 100));
    }
    const answer = (m: { data: Uint8Array; respond(d: Uint8Array): boolean }) => {
      const reply = handleXferRequest(repo, { contentType: XFER_CONTENT_TYPE, body: m.data });
      m.respond(reply.contentType === XFER_CONTENT_TYPE ? reply.body : encodeBody(reply.body, XFER_CONTENT_TYPE));
    };
    nc!.subscribe(`fossil.${code}.sync.goleaf`, { callback: (_e, m) => answer(m) });
    await nc!.flush();
    const rid = repo.db.value<number>('SELECT rid FROM blob WHERE uuid=?', uuid)!;
    nc!.publish(`fossil.${code}.commit`, new TextEncoder().encode(JSON.stringify({ rid, uuid, peer_id: 'goleaf' })));
    try {
      await waitFor(() => artifactSet(served).includes(uuid), 90_000, 'the Go peer\'s check-in on the hub');
    } finally {
      await nc!.close();
      repo.db.close();
    }
    expectIntegrity(served);
  });

  it('revoking a member closes its connections and removes its login', async () => {
    edgesync(['member', 'rm', 'mallory', '--dir', hub.dir]);
    await waitFor(() => sqlite(served, "SELECT count(*) FROM user WHERE login='mallory'").trim() === '0', 90_000, 'mallory\'s login to go');
    const r = edgesync(['clone', `${as('mallory')}/${code}`, d('after-revoke.fossil')], { allowFail: true });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/authoriz/i);
    expect(edgesync(['member', 'ls', '--dir', hub.dir]).stdout).toMatch(/mallory\s+reader\s+revoked/);
  });
});
