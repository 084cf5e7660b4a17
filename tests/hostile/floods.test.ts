// Floods of unauthenticated input against a real `edgesync serve --http --nats` process: 120
// upload parts of 8 MB over NATS from a member that may only read, four 400 MB HTTP bodies at
// once (declared, and streamed without a length), and an inflate bomb. Each is refused before
// it is kept, the server still answers afterwards, and its peak memory (VmHWM) stays under 300 MB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { connect } from '@nats-io/transport-node';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import { edgesync } from '../helpers/cli.ts';
import { startCliPeer, type RunningPeer } from '../helpers/nats-peers.ts';
import { startNats, type RunningNats } from '../helpers/nats.ts';
import { freePort } from '../helpers/servers.ts';
import { artifactSet } from '../helpers/sync-fixtures.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';

const ready = haveTool('fossil') && haveTool('nats-server') && process.platform === 'linux';
const tmp = tempDir('edgesync-flood-');
const MB = 1024 * 1024;
let nats: RunningNats;
let server: RunningPeer;
let httpPort: number;
let code: string;
let peerId: string;

afterAll(async () => {
  await server?.stop();
  await nats?.stop();
  tmp.cleanup();
});

/** The server process's peak resident memory (VmHWM), in MB. */
function peakMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/**
 * POST a body of `size` bytes, streamed in 1 MB chunks, with or without Content-Length; the status
 * it gets, or the error that cut it off and how much had been sent by then.
 */
function flood(size: number, declared: boolean, first?: Uint8Array): Promise<number | string> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/x-fossil' };
    if (declared) headers['Content-Length'] = String(size);
    const req = request({ host: '127.0.0.1', port: httpPort, method: 'POST', path: '/', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    let sent = 0;
    req.on('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code} after ${Math.round(sent / MB)} MB`));
    const chunk = Buffer.alloc(MB, 0x61);
    const pump = () => {
      while (sent < size && !req.destroyed) {
        const part = sent === 0 && first ? Buffer.concat([first, chunk.subarray(first.length)]) : chunk;
        sent += part.length;
        if (!req.write(part)) return void req.once('drain', pump);
      }
      if (!req.destroyed) req.end();
    };
    pump();
  });
}

describe.skipIf(!ready)('floods of unauthenticated input', () => {
  beforeAll(async () => {
    const repo = join(tmp.dir, 'served.fossil');
    fossil(['init', repo]);
    code = /project-code:\s+([0-9a-f]+)/.exec(fossil(['info', '-R', repo]).stdout)![1]!;
    nats = await startNats(tmp.dir, {
      maxPayload: 8 * MB,
      members: [{ name: 'leaf', role: 'server', projects: '*' }, { name: 'reader', role: 'reader', projects: '*' }],
    });
    httpPort = await freePort();
    server = await startCliPeer(['serve', '-R', repo, '--nats', nats.urlAs('leaf'), '--http', String(httpPort), '--safety-sync', '0'], /as peer (\S+)/);
    peerId = server.peerId;
  });

  // Longer than one request's timeout: a part whose reply is lost (a busy machine's leaf dropped
  // as a slow consumer, then back) is waited for to its end.
  it('120 upload parts of 8 MB from a reader are refused, none kept', { timeout: 600_000 }, async () => {
    const r = nats.member('reader');
    const nc: NatsConnection = await connect({ servers: `127.0.0.1:${nats.port}`, user: r.name, pass: r.password, inboxPrefix: `_INBOX.${r.name}` });
    const part = new Uint8Array(8 * MB - 8192);
    const subject = `fossil.${code}.sync.${peerId}`;
    const replies = await Promise.all(Array.from({ length: 120 }, (_, i) => {
      const h = natsHeaders();
      h.set('Edgesync-Ext', '1');
      // Uploads of many parts each, and many uploads: one of each shape.
      h.set('Edgesync-Upload', i < 60 ? `${(1000 + i).toString(16).padStart(16, '0')} 0 120` : `${(5000 + i).toString(16).padStart(16, '0')} ${i % 7} 8`);
      return nc.request(subject, part, { headers: h, timeout: 240_000 }).then((m) => m.headers?.get('Edgesync-Error') || m.headers?.get('Edgesync-Ack') || 'answered', (e: Error) => `failed ${e.message}`);
    }));
    await nc.close();
    const refused = replies.filter((x) => /too large|busy/.test(x)).length;
    console.log(`upload flood: ${refused} of 120 parts refused (${[...new Set(replies)].join(' | ')}); server peak ${peakMB(server.pid).toFixed(0)} MB`);
    // The 60 parts of uploads of 120 parts are refused outright; of the others at most the
    // uploads in flight (8, 2 per requester) were taken.
    expect(replies.slice(0, 60).every((x) => /too large/.test(x))).toBe(true);
    expect(replies.slice(60).filter((x) => /^\d+$/.test(x)).length).toBeLessThanOrEqual(2);
    expect(peakMB(server.pid)).toBeLessThan(300);
  });

  it('four 400 MB HTTP bodies at once are refused early, declared or streamed', async () => {
    const declared = await Promise.all(Array.from({ length: 4 }, () => flood(400 * MB, true)));
    const streamed = await Promise.all(Array.from({ length: 4 }, () => flood(400 * MB, false)));
    console.log(`HTTP flood: declared ${declared.join(',')}; streamed ${streamed.join(',')}; server peak ${peakMB(server.pid).toFixed(0)} MB`);
    // Refused from the header: the server answers 413 and closes. A client still writing may see
    // the close (EPIPE, ECONNRESET) before it reads the answer; either way it was cut off early.
    const cutEarly = (s: number | string) => s === 413 || (/^error (EPIPE|ECONNRESET) after (\d+) MB$/.exec(String(s)) !== null && Number(/(\d+) MB$/.exec(String(s))![1]) < 100);
    for (const s of declared) expect(cutEarly(s), String(s)).toBe(true);
    for (const s of streamed) expect(s === 503 || cutEarly(s), String(s)).toBe(true);
    expect([...declared, ...streamed].some((s) => s === 413 || s === 503)).toBe(true);
    expect(peakMB(server.pid)).toBeLessThan(300);
  });

  it('an inflate bomb is refused by what it claims, or cut off at it', async () => {
    // 486 KB that inflates to 500 MB, claiming so: refused from the first bytes.
    const bomb = deflateSync(Buffer.alloc(500 * MB, 0x61), { level: 9 });
    const claim = (n: number) => Buffer.concat([Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]), bomb]);
    const honest = await flood(claim(500 * MB).length, true, claim(500 * MB));
    expect(honest).toBe(413);
    // The same bomb claiming 1 MB: inflated up to that, then refused as damaged.
    const lying = claim(MB);
    const reply = await new Promise<string>((resolve) => {
      const req = request({ host: '127.0.0.1', port: httpPort, method: 'POST', path: '/', headers: { 'Content-Type': 'application/x-fossil', 'Content-Length': String(lying.length) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(inflateSync(Buffer.concat(chunks).subarray(4)).toString('latin1')));
      });
      req.end(lying);
    });
    expect(reply).toMatch(/^error damaged\\srequest\\senvelope\\s\(inflated\\sdata\\sexceeds\\s1048576\\sbytes\)/);
    console.log(`inflate bomb: ${bomb.length} bytes; server peak ${peakMB(server.pid).toFixed(0)} MB`);
    expect(peakMB(server.pid)).toBeLessThan(300);
  });

  it('the server still serves afterwards', () => {
    const copy = join(tmp.dir, 'copy.fossil');
    edgesync(['clone', `http://127.0.0.1:${httpPort}/`, copy]);
    expect(artifactSet(copy)).toEqual(artifactSet(join(tmp.dir, 'served.fossil')));
  });
});
