// TLS on the mesh: `edgesync hub --tls-cert --tls-key` puts TLS on both the client port (tls://)
// and the WebSocket port (wss://). The CLI clones over each, trusting a private CA given as
// `?ca=`; without it the connection is refused with a certificate error. A browser clones the
// served repository from the share link over wss:// (Chromium told to accept the test CA's
// certificate, as a browser with that CA installed would).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fossil, haveTool, sqlite, tempDir } from '../helpers/tools.ts';
import { edgesync } from '../helpers/cli.ts';
import { startHubCli, type RunningHub } from '../helpers/hub-cli.ts';
import { copyFixture } from '../helpers/fossil-fixture.ts';
import { artifactSet, expectIntegrity } from '../helpers/sync-fixtures.ts';
import { haveChromium, launchChromium } from '../helpers/browser.ts';

const ready = haveTool('fossil') && haveTool('nats-server') && haveTool('openssl');
const tmp = tempDir('edgesync-tls-');
const d = (p: string) => join(tmp.dir, p);

/** Hashes of a repository's artifacts less its private ones, which are never served. */
function privateOf(repo: string): Set<string> {
  return new Set(sqlite(repo, 'SELECT uuid FROM blob WHERE rid IN (SELECT rid FROM private)').split('\n').filter(Boolean));
}
const publicArtifacts = (repo: string) => artifactSet(repo).filter((h) => !privateOf(repo).has(h));

/** A private CA and a certificate for 127.0.0.1 signed by it. */
function makeCertificates(): { ca: string; cert: string; key: string } {
  const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: tmp.dir, stdio: 'pipe' });
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=EdgeSync test CA', '-keyout', 'ca.key', '-out', 'ca.pem']);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'hub.key', '-out', 'hub.csr']);
  writeFileSync(d('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n');
  openssl(['x509', '-req', '-in', 'hub.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'ext.cnf', '-out', 'hub.pem']);
  return { ca: d('ca.pem'), cert: d('hub.pem'), key: d('hub.key') };
}

describe.skipIf(!ready)('TLS on the hub: tls:// and wss://', () => {
  let hub: RunningHub;
  let repo: string;
  let code: string;
  let certs: ReturnType<typeof makeCertificates>;

  beforeAll(async () => {
    certs = makeCertificates();
    repo = copyFixture(d('served.fossil'));
    code = /project-code:\s+([0-9a-f]+)/.exec(fossil(['info', '-R', repo]).stdout)![1]!;
    hub = await startHubCli(d('hub'), [repo], ['--tls-cert', certs.cert, '--tls-key', certs.key, '--tls-ca', certs.ca]);
  });
  afterAll(async () => {
    await hub?.stop();
    tmp.cleanup();
  });

  /** The hub's read credentials, as a URL's user part. */
  const reader = () => `reader:${encodeURIComponent(hub.member('reader').password)}@`;
  const port = (scheme: 'NATS' | 'WebSocket') => new RegExp(`${scheme}:\\s+\\w+://127\\.0\\.0\\.1:(\\d+)`).exec(hub.output())![1]!;

  it('prints tls:// and wss:// addresses', () => {
    expect(hub.output()).toMatch(/NATS:\s+tls:\/\/127\.0\.0\.1:\d+/);
    expect(hub.output()).toMatch(/WebSocket:\s+wss:\/\/127\.0\.0\.1:\d+/);
  });

  it.each(['tls', 'wss'] as const)('clones over %s:// trusting the private CA; fossil checks the clone', (scheme) => {
    const out = d(`clone-${scheme}.fossil`);
    const p = port(scheme === 'tls' ? 'NATS' : 'WebSocket');
    edgesync(['clone', `${scheme}://${reader()}127.0.0.1:${p}/${code}?ca=${encodeURIComponent(certs.ca)}`, out]);
    expect(artifactSet(out)).toEqual(publicArtifacts(repo));
    expectIntegrity(out);
  });

  it.each(['tls', 'wss'] as const)('refuses %s:// when the certificate is not trusted, and says why', (scheme) => {
    const out = d(`untrusted-${scheme}.fossil`);
    const p = port(scheme === 'tls' ? 'NATS' : 'WebSocket');
    const r = edgesync(['clone', `${scheme}://${reader()}127.0.0.1:${p}/${code}?timeout=5000`, out], { allowFail: true });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/certificate|self.signed|TLS|issuer/i);
    expect(existsSync(out)).toBe(false);
  });

  it('a browser clones from the share link over wss://', async () => {
    if (!haveChromium()) return expect.unreachable('chromium missing');
    const browser = await launchChromium(['--ignore-certificate-errors']);
    try {
      const page = await browser.newPage();
      const link = Object.values(hub.shares)[0]!;
      await page.goto(link);
      await page.getByTestId('repo-title').waitFor({ timeout: 90_000 });
      const priv = privateOf(repo);
      const want = fossil(['timeline', '-t', 'ci', '-n', '0', '-F', '%H', '-R', repo]).stdout.split('\n').map((l) => l.trim()).filter((l) => /^[0-9a-f]{40,64}$/.test(l) && !priv.has(l)).length;
      await expect.poll(() => page.locator('[data-testid=timeline] li').count()).toBe(want);
      const hubInfo = await page.evaluate(async () => (await fetch('/edgesync-hub.json')).json());
      expect(JSON.stringify(hubInfo)).toMatch(/wss:\/\//);
    } finally {
      await browser.close();
    }
  });
});
