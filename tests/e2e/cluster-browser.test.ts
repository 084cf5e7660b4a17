// A browser on a cluster of hubs: three real `edgesync hub` nodes (nats-server routes, JetStream
// clustered), a leaf serving the repository through node A, real headless Chromium on node B's
// web app and WebSocket, the real fossil binary committing at the leaf.
//  - the browser clones through node B and sees a commit made at the leaf (on node A) live;
//  - node B dies (its hub and nats-server): the page, still open, moves to a live node by itself
//    and sees the next commit live too;
//  - a node's web app names every node's WebSocket, and a share link that lists them clones even
//    when the first one listed is down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { edgesync } from '../helpers/cli.ts';
import { haveChromium, launchChromium, watchErrors } from '../helpers/browser.ts';
import { clusterMemberUrl, startClusterNode, type ClusterNode } from '../helpers/hub-cluster.ts';
import { startCliPeer, waitFor, type RunningPeer } from '../helpers/nats-peers.ts';
import { freePort } from '../helpers/servers.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';
import { loadMembers } from '../../src/nats/hub-members.ts';
import { shareLink } from '../../src/peer/share-link.ts';

const WEB = join(import.meta.dirname, '../../dist/web');
const ready = haveChromium() && haveTool('fossil') && haveTool('nats-server');

describe.skipIf(!ready)('a browser on a cluster of hubs', () => {
  const tmp = tempDir('edgesync-cluster-web-');
  const d = (p: string) => join(tmp.dir, p);
  const stops: (() => Promise<void>)[] = [];
  let browser: Browser;
  let page: Page;
  let b: ClusterNode;
  let c: ClusterNode;
  let source: string;
  let code: string;
  let errors: string[];

  function commit(file: string): string {
    const work = d(`work-${file}`);
    mkdirSync(work);
    fossil(['open', source, '--force', '--nosync'], { cwd: work });
    writeFileSync(join(work, file), `${file}\n`);
    fossil(['add', file], { cwd: work });
    fossil(['commit', '--nosync', '--no-warnings', '--allow-fork', '-m', `add ${file}`], { cwd: work });
    fossil(['close', '--force'], { cwd: work });
    return fossil(['timeline', '-R', source, '-t', 'ci', '-n', '1', '-F', '%H']).stdout.split('\n')[0]!.trim();
  }

  const shown = (uuid: string) => page.locator(`[data-testid=timeline] li[data-uuid="${uuid}"]`).waitFor();

  beforeAll(async () => {
    if (!existsSync(join(WEB, 'index.html'))) throw new Error(`${WEB} is missing: build the web app first (npm run build:web)`);
    source = d('proj.fossil');
    fossil(['init', source]);
    commit('first.txt');
    code = /project-code:\s+([0-9a-f]+)/.exec(fossil(['info', '-R', source]).stdout)![1]!;
    const [pa, pb, pc] = [await freePort(), await freePort(), await freePort()];
    const start = async (name: string, port: number, routes: number[], extra: string[] = []) => {
      const n = await startClusterNode(d('hub'), name, port, routes, extra);
      stops.push(() => n.stop());
      return n;
    };
    const a = await start('a', pa, [pb, pc]);
    [b, c] = await Promise.all([start('b', pb, [pa, pc], ['--web-port', String(await freePort())]), start('c', pc, [pa, pb], ['--web-port', String(await freePort())])]);
    edgesync(['member', 'add', 'leaf-one', '--role', 'server', '--project', code, '--dir', d('hub')]);
    await waitFor(() => /member leaf-one \(server\) added/.test(a.out()), 60_000, 'node A to let the leaf in');
    const leaf: RunningPeer = await startCliPeer(['serve', '-R', source, '--nats', clusterMemberUrl(d('hub'), 'leaf-one', a.port), '-v', '--safety-sync', '0'], /as peer (\S+)\n/);
    stops.push(() => leaf.stop());
    browser = await launchChromium();
    page = await browser.newPage();
    errors = watchErrors(page);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    for (const s of stops.reverse()) await s().catch(() => undefined);
    tmp.cleanup();
  });

  it('clones through node B, sees commits made on node A live, and moves on when node B dies', async () => {
    const reader = loadMembers(d('hub')).find((m) => m.name === 'reader')!;
    const link = shareLink(b.webUrl!, { hub: `ws://127.0.0.1:${b.wsPort}`, projectCode: code, name: 'proj', auth: { user: reader.name, password: reader.password }, role: 'reader' });
    await page.goto(link);
    const first = fossil(['timeline', '-R', source, '-t', 'ci', '-n', '1', '-F', '%H']).stdout.split('\n')[0]!.trim();
    await shown(first);

    await shown(commit('live.txt'));

    b.kill();
    await shown(commit('after-b-died.txt'));
    // Only the lost connection may complain (benign noise is filtered by watchErrors).
    if (errors.length) throw new Error(`page errors:\n${errors.join('\n')}`);
  });

  it('a share link naming every node clones though the first one named is down', async () => {
    const info = (await (await fetch(new URL('/edgesync-hub.json', c.webUrl!))).json()) as { ws: string };
    const listed = info.ws.split(',');
    // Node C first, then the others (B is down by now, but it said where it was).
    expect(listed[0]).toBe(`ws://127.0.0.1:${c.wsPort}`);
    expect(listed).toContain(`ws://127.0.0.1:${b.wsPort}`);
    expect(listed).toHaveLength(3);
    const deadFirst = [`ws://127.0.0.1:${b.wsPort}`, ...listed.filter((u) => u !== `ws://127.0.0.1:${b.wsPort}`)].join(',');
    const reader = loadMembers(d('hub')).find((m) => m.name === 'reader')!;
    const fresh = await browser.newPage();
    const freshErrors = watchErrors(fresh);
    await fresh.goto(shareLink(c.webUrl!, { hub: deadFirst, projectCode: code, name: 'again', auth: { user: reader.name, password: reader.password }, role: 'reader' }));
    const tip = fossil(['timeline', '-R', source, '-t', 'ci', '-n', '1', '-F', '%H']).stdout.split('\n')[0]!.trim();
    await fresh.locator(`[data-testid=timeline] li[data-uuid="${tip}"]`).waitFor();
    expect(freshErrors).toEqual([]);
  });
});
