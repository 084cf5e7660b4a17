// A site hub under an upstream hub, as a nats-server leafnode: two real `edgesync hub`s, each
// serving its own copy of one repository, the site joined to the upstream through a TCP relay the
// test can cut (the uplink). Real fossil commits on both sides.
//  - commits made on either side reach the other;
//  - with the uplink cut, the site keeps working on its own (a clone through the site hub gets the
//    site's new commit), and once the uplink is back both sides catch up by themselves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { edgesync } from '../helpers/cli.ts';
import { startHubCli, type RunningHub } from '../helpers/hub-cli.ts';
import { waitFor } from '../helpers/nats-peers.ts';
import { freePort } from '../helpers/servers.ts';
import { artifactSet, expectIntegrity } from '../helpers/sync-fixtures.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';

const ready = haveTool('fossil') && haveTool('nats-server');
const tmp = tempDir('edgesync-leafnode-');
const d = (p: string) => join(tmp.dir, p);
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const s of stops.reverse()) await s().catch(() => undefined);
  tmp.cleanup();
});

/** A TCP relay to target that can be cut (every connection dropped, no new ones) and restored. */
function relay(port: number, target: number): { cut: () => Promise<void>; restore: () => Promise<void> } {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  const listen = () => new Promise<void>((resolve) => {
    server = createServer((inbound) => {
      const outbound = connect(target, '127.0.0.1');
      for (const s of [inbound, outbound]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const cut = async () => {
    // close() waits for the open connections, so they go first.
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const s of sockets) s.destroy();
    await closed;
    server = undefined;
  };
  stops.push(cut);
  void listen();
  return { cut, restore: listen };
}

function commit(repo: string, work: string, file: string): string {
  mkdirSync(work, { recursive: true });
  fossil(['open', repo, '--force', '--nosync'], { cwd: work });
  writeFileSync(join(work, file), `${file}\n`);
  fossil(['add', file], { cwd: work });
  fossil(['commit', '--nosync', '--no-warnings', '--allow-fork', '-m', `add ${file}`], { cwd: work });
  const uuid = fossil(['timeline', '-R', repo, '-t', 'ci', '-n', '1', '-F', '%H']).stdout.split('\n')[0]!.trim();
  fossil(['close', '--force'], { cwd: work });
  return uuid;
}

describe.skipIf(!ready)('a site hub as a leafnode of an upstream hub', () => {
  let up: RunningHub;
  let site: RunningHub;
  let link: ReturnType<typeof relay>;
  const top = d('top.fossil');
  const local = d('local.fossil');

  beforeAll(async () => {
    fossil(['init', top]);
    commit(top, d('w0'), 'start.txt');
    fossil(['clone', top, local]);
    const [leafPort, relayPort] = [await freePort(), await freePort()];
    // Site hubs learn where to reconnect from what the upstream advertises: the relay.
    up = await startHubCli(d('up'), [top], ['--leafnode-port', String(leafPort), '--leafnode-advertise', `127.0.0.1:${relayPort}`, '-v']);
    stops.push(() => up.stop());
    link = relay(relayPort, leafPort);
    const h = up.member('hub');
    site = await startHubCli(d('site'), [local], ['--upstream', `nats-leaf://${encodeURIComponent(h.name)}:${encodeURIComponent(h.password)}@127.0.0.1:${relayPort}`, '-v']);
    stops.push(() => site.stop());
  }, 180_000);

  const has = (repo: string, uuid: string) => artifactSet(repo).includes(uuid);
  const dump = () => `--- upstream\n${up.output()}\n--- site\n${site.output()}`;

  it('carries commits both ways', async () => {
    const fromTop = commit(top, d('w1'), 'from-top.txt');
    await waitFor(() => has(local, fromTop), 120_000, 'the upstream commit at the site').catch((e: Error) => {
      throw new Error(`${e.message}\n${dump()}`);
    });
    const fromSite = commit(local, d('w2'), 'from-site.txt');
    await waitFor(() => has(top, fromSite), 120_000, 'the site commit upstream').catch((e: Error) => {
      throw new Error(`${e.message}\n${dump()}`);
    });
  });

  it('works on at the site while the uplink is cut, and catches up when it is back', async () => {
    await link.cut();
    const duringSite = commit(local, d('w3'), 'during-site.txt');
    const duringTop = commit(top, d('w4'), 'during-top.txt');
    // The site on its own: a clone through the site hub has the site's commit.
    const siteClone = d('site-clone.fossil');
    edgesync(['clone', site.clones.local!, siteClone]);
    expect(has(siteClone, duringSite)).toBe(true);
    expect(has(siteClone, duringTop)).toBe(false);
    // Long enough for each side to forget the other's servers (three presence intervals).
    await new Promise((r) => setTimeout(r, 35_000));
    expect(has(top, duringSite)).toBe(false);
    await link.restore();
    await waitFor(() => has(top, duringSite) && has(local, duringTop), 180_000, 'both sides to catch up').catch((e: Error) => {
      throw new Error(`${e.message}\n${dump()}`);
    });
    expectIntegrity(top);
    expectIntegrity(local);
  });
});
