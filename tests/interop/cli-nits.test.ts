// Small things the `edgesync` command says: no command is an error; `cat` of a hash-like name
// that is neither an artifact nor a file says both; a bad URL scheme names NATS too; NATS errors
// name the server without its password; counts are plural only when they should be; notify's
// subcommands have their own --help; hub's usage names --web-port; doctor flags a repository of
// another project than the hub's; a clone of a project no peer serves fails with that reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { edgesync, edgesyncAsync } from '../helpers/cli.ts';
import { freePort, startEdgesyncServer } from '../helpers/servers.ts';
import { startNats, type RunningNats } from '../helpers/nats.ts';
import { haveTool, tempDir } from '../helpers/tools.ts';

const tmp = tempDir('edgesync-nits-');
const d = (f: string) => join(tmp.dir, f);
const OTHER_CODE = 'ab'.repeat(20);
afterAll(() => tmp.cleanup());

describe('the edgesync command says it plainly', () => {
  beforeAll(() => {
    edgesync(['new', d('a.fossil'), '--project-name', 'nits']);
  });

  it('bare `edgesync` exits non-zero with the usage on stderr; --help still exits 0', () => {
    const r = edgesync([], { allowFail: true });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Usage: edgesync COMMAND');
    expect(r.stdout).toBe('');
    expect(edgesync(['--help']).stdout).toContain('Usage: edgesync COMMAND');
  });

  it('cat: a hash-like name is an artifact (prefix); when it is neither an artifact nor a file, both are said', () => {
    const uuid = (JSON.parse(edgesync(['info', '-R', d('a.fossil'), '--json']).stdout) as { tip: { uuid: string } }).tip.uuid;
    expect(edgesync(['cat', '-R', d('a.fossil'), uuid.slice(0, 8)]).stdout).toMatch(/^C initial\\sempty\\scheck-in$/m);
    const r = edgesync(['cat', '-R', d('a.fossil'), 'deadbeef'], { allowFail: true });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no artifact matches "deadbeef"');
    expect(r.stderr).toContain('no file "deadbeef"');
  });

  it('clone htp:/bad names the NATS URLs it takes too', () => {
    const r = edgesync(['clone', 'htp:/bad', d('bad.fossil')], { allowFail: true });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('unsupported URL scheme htp:');
    expect(r.stderr).toContain('nats://');
  });

  it('a NATS connection error names the server, never the password', async () => {
    const port = await freePort();
    const r = edgesync(['clone', `nats://someone:sekrit-pw@127.0.0.1:${port}/${OTHER_CODE}`, d('no.fossil')], { allowFail: true });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`nats://127.0.0.1:${port}`);
    expect(r.stderr).not.toContain('sekrit-pw');
  });

  it('counts: "1 artifact", "1 round"', async () => {
    expect(edgesync(['verify', '-R', d('a.fossil')]).stdout).toMatch(/^ok: 1 artifact checked, 0 problems$/m);
    edgesync(['new', d('b.fossil'), '--project-name', 'nits-b']);
    const server = await startEdgesyncServer(d('a.fossil'));
    try {
      const r = await edgesyncAsync(['clone', server.url, d('a-copy.fossil')]);
      expect(r.status, r.stderr).toBe(0);
      const pull = await edgesyncAsync(['pull', server.url, '-R', d('a-copy.fossil')]);
      expect(pull.status, pull.stderr).toBe(0);
      expect(pull.stdout).toMatch(/^pull done: 1 round, 0 artifacts sent, 0 received$/m);
    } finally {
      await server.stop();
    }
  });

  it('notify watch --help is watch\'s help; hub --help names --web-port', () => {
    const w = edgesync(['notify', 'watch', '--help']).stdout;
    expect(w).toMatch(/^Usage: edgesync notify watch --project P/);
    expect(w).toContain('--new-only');
    expect(w).not.toContain('notify send');
    expect(w).not.toContain('--priority');
    expect(edgesync(['notify', '--help']).stdout).toContain('notify send');
    expect(edgesync(['hub', '--help']).stdout.split('\n')[0]).toContain('--web-port');
  });
});

describe.skipIf(!haveTool('nats-server'))('the edgesync command against a hub', () => {
  let nats: RunningNats;
  beforeAll(async () => {
    mkdirSync(d('nats'));
    nats = await startNats(d('nats'));
    edgesync(['new', d('c.fossil'), '--project-name', 'nits-c']);
  });
  afterAll(async () => {
    await nats?.stop();
  });

  it('doctor fails a repository whose project differs from the hub URL\'s, and asks the hub about the repository\'s own', () => {
    const r = edgesync(['doctor', '-R', d('c.fossil'), '--nats', `${nats.url}/${OTHER_CODE}`], { allowFail: true });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^FAIL project .*names project abab.*different projects/m);
    const own = edgesync(['doctor', '-R', d('c.fossil'), '--nats', nats.url], { allowFail: true });
    expect(own.stdout).not.toContain('different projects');
    expect(own.stdout).toMatch(/^WARN project +nobody answers sync for [0-9a-f]{40}/m);
  });

  it('a clone of a project nobody serves on the hub fails with that reason', async () => {
    const r = await edgesyncAsync(['clone', `${nats.url}/${OTHER_CODE}`, d('none.fossil')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`no peer on this hub serves project ${OTHER_CODE}`);
  });
});
