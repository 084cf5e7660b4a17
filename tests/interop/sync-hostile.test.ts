// Must show 6: hostile input to the server and to the client (a wrong hash, a truncated
// envelope, a delta that writes out of bounds, sizes of 4 GB): each gets a clear error and
// nothing is stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { haveTool, sqlite, tempDir } from '../helpers/tools.ts';
import { BOB, openWithCrosslinker, serverRepo } from '../helpers/sync-fixtures.ts';
import { startInProcessServer } from '../helpers/inprocess-server.ts';
import type { Repository } from '../../src/repo/repository.ts';
import { compressBlob } from '../../src/fossil/blob-codec.ts';
import { utf8 } from '../../src/fossil/bytes.ts';
import { hashBytes } from '../../src/fossil/hash.ts';
import { CardWriter } from '../../src/sync/card-writer.ts';
import { readAllCards } from '../../src/sync/card-parser.ts';
import { decodeBody, encodeBody, XFER_CONTENT_TYPE } from '../../src/sync/envelope.ts';
import { randomNonceSalt, signPayload } from '../../src/sync/login.ts';
import { VERSION_ARGS } from '../../src/sync/peer-version.ts';
import { handleXferRequest } from '../../src/sync/server-handler.ts';
import { syncWith } from '../../src/sync/client-session.ts';
import type { WireMessage, XferService } from '../../src/sync/transport.ts';
import { MemoryTransport } from '../../src/sync/transports/memory.ts';

const hasFossil = haveTool('fossil');
const tmp = tempDir();
afterAll(() => tmp.cleanup());

function dump(path: string): string {
  return sqlite(path, '.dump', { readonly: true });
}

const ENV = (text: string) => encodeBody(utf8(text), XFER_CONTENT_TYPE);
/** Content that is not what its name says. */
const NAME_OF_X = hashBytes(utf8('x\n'), 'sha3');
/** A delta that copies 5 bytes from offset 100000 of its source. */
const OUT_OF_BOUNDS_DELTA = utf8('5\n5@1Ui0,0;');

/** Bytes of a request from bob: the cards, then a nonce comment, signed. */
function signedRequest(repo: Repository, cards: (w: CardWriter) => void): Uint8Array {
  const w = new CardWriter();
  w.pragma('client-version', ...VERSION_ARGS);
  cards(w);
  w.comment(randomNonceSalt());
  return signPayload(w.finish(), { ...BOB, projectCode: repo.projectCode });
}

/** A request whose card text is given raw (for malformed cards the writer refuses to make). */
function rawRequest(repo: Repository, cardText: Uint8Array): Uint8Array {
  const head = utf8(`pragma client-version ${VERSION_ARGS.join(' ')}\npush x ${repo.projectCode}\n`);
  const body = new Uint8Array(head.length + cardText.length);
  body.set(head);
  body.set(cardText, head.length);
  return signPayload(body, { ...BOB, projectCode: repo.projectCode });
}

function errorsOf(reply: WireMessage): string[] {
  const text = decodeBody(reply.body, reply.contentType).text;
  return readAllCards(text).flatMap((c) => (c.kind === 'error' ? [c.text] : []));
}

describe.skipIf(!hasFossil)('hostile input to the server', () => {
  let path: string;
  let repo: Repository;
  let known: { hash: string };
  let before: string;

  beforeAll(() => {
    path = serverRepo(tmp.dir, 'server.fossil');
    known = { hash: sqlite(path, 'SELECT uuid FROM blob WHERE size>200 AND rid NOT IN private ORDER BY rid LIMIT 1').trim() };
    before = dump(path);
    repo = openWithCrosslinker(path);
  });
  afterAll(() => repo.db.close());

  const send = (body: Uint8Array, contentType = XFER_CONTENT_TYPE) =>
    handleXferRequest(repo, { contentType, body: contentType === XFER_CONTENT_TYPE ? compressBlob(body, 9) : body });

  const cases: [string, () => WireMessage, RegExp][] = [
    ['a file whose content does not match its hash', () =>
      send(signedRequest(repo, (w) => w.push('x', repo.projectCode).file(NAME_OF_X, utf8('y\n')))), /^wrong\+hash\+on\+received\+artifact:\+[0-9a-f]{64}$/],
    ['a truncated envelope', () => {
      const whole = compressBlob(signedRequest(repo, (w) => w.push('x', repo.projectCode).file(NAME_OF_X, utf8('x\n'))), 9);
      return handleXferRequest(repo, { contentType: XFER_CONTENT_TYPE, body: whole.subarray(0, whole.length - 12) });
    }, /^damaged request envelope/],
    ['a delta that copies from beyond the end of its source', () =>
      send(signedRequest(repo, (w) => w.push('x', repo.projectCode).file(NAME_OF_X, OUT_OF_BOUNDS_DELTA, known.hash))), /bad\+delta\+for.*past\+the\+end/],
    ['a delta that declares a 4 GB result', () =>
      send(signedRequest(repo, (w) => w.push('x', repo.projectCode).file(NAME_OF_X, utf8('3~~~~~\n1:x0;'), known.hash))), /bad\+delta\+for.*over\+the\+limit/],
    ['a file card claiming 4 GB of payload', () =>
      send(rawRequest(repo, utf8(`file ${NAME_OF_X} 4294967296\nxyz`))), /^file card \(line \d+\): payload of 4294967296 bytes is over the limit/],
    ['a cfile claiming a 4 GB artifact', () =>
      send(rawRequest(repo, (() => {
        const payload = compressBlob(utf8('x\n'));
        const head = utf8(`cfile ${NAME_OF_X} 4294967296 ${payload.length}\n`);
        const all = new Uint8Array(head.length + payload.length);
        all.set(head);
        all.set(payload, head.length);
        return all;
      })())), /cannot\+store.*4294967296/],
    ['an envelope claiming 4 GB of text', () => {
      const env = ENV('pragma client-version 22100\n');
      env.set([0xff, 0xff, 0xff, 0xff], 0);
      return handleXferRequest(repo, { contentType: XFER_CONTENT_TYPE, body: env });
    }, /^envelope claims 4294967295 bytes/],
  ];

  for (const [name, run, expected] of cases) {
    it(`${name}: a clear error, nothing stored`, () => {
      const errors = errorsOf(run());
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(expected);
      expect(dump(path)).toBe(before);
    });
  }

  it('a request body announced as 4 GB over HTTP is refused before it is read', async () => {
    const s = await startInProcessServer(serverRepo(tmp.dir, 'http.fossil'));
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: s.port, method: 'POST', path: '/', headers: {
          'Content-Type': XFER_CONTENT_TYPE, 'Content-Length': '4294967296' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(413);
    } finally {
      await s.stop();
    }
  });
});

/** A server that answers every request with the same crafted reply. */
class CraftedServer implements XferService {
  constructor(private readonly reply: () => WireMessage) {}
  handle(): WireMessage {
    return this.reply();
  }
}

describe.skipIf(!hasFossil)('hostile replies to the client', () => {
  let path: string;
  let known: string;
  let before: string;

  beforeAll(() => {
    const server = serverRepo(tmp.dir, 'origin.fossil');
    path = join(tmp.dir, 'client.fossil');
    copyFileSync(server, path);
    known = sqlite(path, 'SELECT uuid FROM blob WHERE size>200 AND rid NOT IN private ORDER BY rid LIMIT 1').trim();
    before = dump(path);
  });

  const plain = (text: string | Uint8Array): WireMessage => ({
    contentType: 'application/x-fossil-uncompressed',
    body: typeof text === 'string' ? utf8(text) : text,
  });

  const cases: [string, () => WireMessage, RegExp][] = [
    ['a file whose content does not match its hash', () => plain(`file ${NAME_OF_X} 2\ny\n`), /wrong hash on received artifact: [0-9a-f]{64}/],
    ['a truncated envelope', () => {
      const env = ENV(`igot ${NAME_OF_X}\n`.repeat(50));
      return { contentType: XFER_CONTENT_TYPE, body: env.subarray(0, env.length - 9) };
    }, /damaged reply envelope/],
    ['a delta that copies from beyond the end of its source', () => {
      const head = utf8(`file ${NAME_OF_X} ${known} ${OUT_OF_BOUNDS_DELTA.length}\n`);
      const all = new Uint8Array(head.length + OUT_OF_BOUNDS_DELTA.length);
      all.set(head);
      all.set(OUT_OF_BOUNDS_DELTA, head.length);
      return plain(all);
    }, /bad delta for [0-9a-f]{64}: .*past the end/],
    ['a file card claiming 4 GB of payload', () => plain(`file ${NAME_OF_X} 4294967296\nxyz`), /file card \(line 1\): payload of 4294967296 bytes is over the limit/],
    ['an envelope claiming 4 GB of text', () => {
      const env = ENV(`igot ${NAME_OF_X}\n`);
      env.set([0xff, 0xff, 0xff, 0xff], 0);
      return { contentType: XFER_CONTENT_TYPE, body: env };
    }, /envelope claims 4294967295 bytes/],
    ['an HTML error page', () => ({ contentType: 'application/x-fossil', body: utf8('<html><body>oops</body></html>\n') }), /HTML instead of fossil sync protocol/],
  ];

  it('a clone whose artifact does not match its hash fails when it is checked', async () => {
    const { libraryClone } = await import('../helpers/sync-fixtures.ts');
    const payload = compressBlob(utf8('y\n'));
    let calls = 0;
    const reply = () => {
      const w = new CardWriter({ newlineAfterCfile: true });
      if (calls++ === 0) w.cfile(NAME_OF_X, 2, payload).cloneSeqno(0).push('x', 'a'.repeat(40));
      else w.comment('nothing more');
      return plain(w.finish());
    };
    await expect(libraryClone(new MemoryTransport(new CraftedServer(reply)), join(tmp.dir, 'bad-clone.fossil'), { login: BOB }))
      .rejects.toThrow(/wrong hash on received artifact: [0-9a-f]{64}/);
  });

  for (const [name, reply, expected] of cases) {
    it(`${name}: a clear error, nothing stored`, async () => {
      const repo = openWithCrosslinker(path);
      try {
        await expect(syncWith(repo, new MemoryTransport(new CraftedServer(reply)), { pull: true, login: BOB })).rejects.toThrow(expected);
      } finally {
        repo.db.close();
      }
      expect(dump(path)).toBe(before);
    });
  }
});
