// Many repositories on one server, as `fossil server --repolist` serves them: a directory whose
// files come and go while it runs. A real `edgesync hub --repos DIR` (nats-server, leaves, web
// app) and `edgesync serve --http DIR`, the real fossil binary on both ends:
//  - a repository copied into the directory is served without a restart: the hub prints its
//    links, the web app lists it, a reader clones it over NATS, its writer gets a fossil login;
//  - one removed stops being served (the web app no longer lists it);
//  - `fossil clone http://HOST/NAME` gets NAME's repository; an unknown name gets nothing.
// How long the pickup took is printed (the goal is a few seconds; tests assert no times).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { edgesync } from '../helpers/cli.ts';
import { startHubCli, type RunningHub } from '../helpers/hub-cli.ts';
import { startCliPeer, waitFor, type RunningPeer } from '../helpers/nats-peers.ts';
import { freePort } from '../helpers/servers.ts';
import { artifactSet, expectIntegrity } from '../helpers/sync-fixtures.ts';
import { fossilRepoWithCheckin } from '../helpers/fossil-repo.ts';
import { fossil, haveTool, sqlite, tempDir } from '../helpers/tools.ts';

const ready = haveTool('fossil') && haveTool('nats-server');
const tmp = tempDir('edgesync-repodir-');
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const s of stops.reverse()) await s().catch(() => undefined);
  tmp.cleanup();
});
const d = (p: string) => join(tmp.dir, p);

const makeRepo = (path: string, file: string): string => fossilRepoWithCheckin(path, file).projectCode;

/** Into the directory as an operator would: copied beside it, then renamed into place. */
function putInto(dir: string, source: string, name: string): void {
  copyFileSync(source, join(dir, `.${name}.part`));
  renameSync(join(dir, `.${name}.part`), join(dir, `${name}.fossil`));
}

async function hubJson(hub: RunningHub): Promise<{ repos: { name: string; projectCode: string }[] }> {
  const r = await fetch(new URL('/edgesync-hub.json', hub.webUrl));
  return (await r.json()) as { repos: { name: string; projectCode: string }[] };
}

describe.skipIf(!ready)('a directory of repositories', () => {
  const repos = d('repos');
  let alphaCode: string;
  let betaCode: string;

  beforeAll(() => {
    mkdirSync(repos);
    alphaCode = makeRepo(join(repos, 'alpha.fossil'), 'alpha.txt');
    betaCode = makeRepo(d('beta-source.fossil'), 'beta.txt');
  });

  it('edgesync hub --repos DIR serves what comes and stops serving what goes', async () => {
    const hub = await startHubCli(d('hub'), [], ['--repos', repos]);
    stops.push(() => hub.stop());
    expect(hub.clones.alpha).toBeDefined();
    expect((await hubJson(hub)).repos).toEqual([{ name: 'alpha', projectCode: alphaCode }]);

    const added = Date.now();
    putInto(repos, d('beta-source.fossil'), 'beta');
    await waitFor(() => /^\s+clone beta: \S+$/m.test(hub.output()), 120_000, 'the hub to serve beta').catch((e: Error) => {
      throw new Error(`${e.message}\n${hub.output()}`);
    });
    const cloneUrl = /^\s+clone beta: (\S+)$/m.exec(hub.output())![1]!;
    expect(cloneUrl.endsWith(`/${betaCode}`)).toBe(true);
    edgesync(['clone', cloneUrl, d('beta-clone.fossil')]);
    console.log(`repo-dir: beta copied in -> cloned over NATS in ${Date.now() - added} ms`);
    expect(artifactSet(d('beta-clone.fossil'))).toEqual(artifactSet(d('beta-source.fossil')));
    expectIntegrity(d('beta-clone.fossil'));
    expect((await hubJson(hub)).repos.map((r) => r.name)).toEqual(['alpha', 'beta']);
    // Its standing write invite is printed and its writer has a fossil login in it.
    expect(hub.output()).toMatch(/^\s+write beta: \S+$/m);
    const writer = hub.member('beta-writer');
    await waitFor(() => sqlite(join(repos, 'beta.fossil'), `SELECT count(*) FROM user WHERE login='${writer.login!.user}'`).trim() === '1', 60_000, 'beta-writer\'s login');

    rmSync(join(repos, 'beta.fossil'));
    await waitFor(() => /stopped serving beta/.test(hub.output()), 60_000, 'the hub to stop serving beta');
    expect((await hubJson(hub)).repos.map((r) => r.name)).toEqual(['alpha']);
    // What it still serves is unaffected.
    edgesync(['clone', hub.clones.alpha!, d('alpha-clone.fossil')]);
    expect(artifactSet(d('alpha-clone.fossil'))).toEqual(artifactSet(join(repos, 'alpha.fossil')));
  });

  it('edgesync serve --http DIR routes by name, picks up new files, and 404s unknown names', async () => {
    const port = await freePort();
    const server: RunningPeer = await startCliPeer(['serve', '-R', repos, '--http', String(port)], /serving alpha at http/);
    stops.push(() => server.stop());
    const url = (name: string) => `http://127.0.0.1:${port}/${name}`;

    fossil(['clone', url('alpha'), d('alpha-fossil.fossil')]);
    expect(fossil(['info', '-R', d('alpha-fossil.fossil')]).stdout).toContain(alphaCode);

    const added = Date.now();
    putInto(repos, d('beta-source.fossil'), 'gamma');
    await waitFor(() => /serving gamma/.test(server.output()), 120_000, 'serve to pick up gamma');
    fossil(['clone', url('gamma'), d('gamma-fossil.fossil')]);
    console.log(`repo-dir: gamma copied in -> fossil clone over HTTP in ${Date.now() - added} ms`);
    expect(fossil(['info', '-R', d('gamma-fossil.fossil')]).stdout).toContain(betaCode);
    expectIntegrity(d('gamma-fossil.fossil'));

    const unknown = fossil(['clone', url('nope'), d('nope.fossil')], { allowFail: true });
    expect(unknown.status).not.toBe(0);
  });
});
