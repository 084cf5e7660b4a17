/**
 * A hostile server against our client, on both Db adapters: the client holds a clone of a real
 * repository, then pulls from a server whose replies are scripted (wrong hashes, decompression
 * and delta bombs, huge claimed sizes, a delta cycle, a million igot cards, private artifacts the
 * client did not ask for). Each must end in a clear SyncError, or for what may simply be ignored,
 * in nothing stored; either way a full dump of the client's repository is the same before and after.
 */
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../src/fossil/bytes.ts';
import { compressBlob } from '../../src/fossil/blob-codec.ts';
import { createDelta, encodeDeltaInt } from '../../src/fossil/delta.ts';
import { hashBytes } from '../../src/fossil/hash.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { Repository } from '../../src/repo/repository.ts';
import { verifyRepo } from '../../src/repo/verify.ts';
import { CardWriter } from '../../src/sync/card-writer.ts';
import { cloneInto, isUnfinishedClone, prepareCloneTarget } from '../../src/sync/clone-client.ts';
import { SyncError, syncWith } from '../../src/sync/client-session.ts';
import { encodeBody, XFER_CONTENT_TYPE, XFER_UNCOMPRESSED_CONTENT_TYPE } from '../../src/sync/envelope.ts';
import { XferServer } from '../../src/sync/server-handler.ts';
import type { WireMessage, XferService } from '../../src/sync/transport.ts';
import { MemoryTransport } from '../../src/sync/transports/memory.ts';
import { forEachAdapter, type Adapter } from '../helpers/dbs.ts';
import { BOB, fullDump, igotCards, targetRepo } from './fixture.ts';

/** A server that answers the first request with the given card text, and later ones with nothing. */
class ScriptedServer implements XferService {
  requests = 0;
  constructor(private readonly first: Uint8Array) {}
  handle(): WireMessage {
    const text = this.requests++ === 0 ? this.first : new Uint8Array(0);
    // Large replies go uncompressed (upstream's --no-http-compression form): compressing tens of
    // megabytes would only slow the test down.
    const type = text.length > 1 << 20 ? XFER_UNCOMPRESSED_CONTENT_TYPE : XFER_CONTENT_TYPE;
    return { contentType: type, body: encodeBody(text, type) };
  }
}

const cards = (f: (w: CardWriter) => void) => {
  const w = new CardWriter();
  f(w);
  return w.finish();
};

/** New content no one has: a file the hostile server pretends to hold. */
const fresh = (tag: string) => utf8(`${tag}\n${'hostile line\n'.repeat(30)}`);
const nameOf = (b: Uint8Array) => hashBytes(b, 'sha3');

/** A delta that declares `size` output bytes and copies nothing (only its header matters). */
const deltaDeclaring = (size: number) => utf8(`${encodeDeltaInt(size)}\n0;`);

// One million igot cards (~46 MB), built once: the card limit must refuse them before the
// client acts on any.
let millionIgots: Uint8Array | undefined;
const igotFlood = () => (millionIgots ??= igotCards(1_000_001));

/** Rows only in one of two dumps, marked - (gone) or + (new), with their table. */
function dumpChanges(before: string, after: string): string[] {
  const rows = (d: string) => {
    let table = '';
    return d.split('\n').map((l) => (l.startsWith('== ') ? (table = l) : `${table}: ${l.slice(0, 160)}`));
  };
  const a = new Set(rows(before));
  const b = new Set(rows(after));
  return [...[...a].filter((r) => !b.has(r)).map((r) => `- ${r}`), ...[...b].filter((r) => !a.has(r)).map((r) => `+ ${r}`)];
}

forEachAdapter((adapter: Adapter) => {
  async function client(): Promise<Repository> {
    const server = await targetRepo(adapter);
    const repo = Repository.create(await adapter.open(), { date: null, adminUser: 'bob' });
    prepareCloneTarget(repo);
    await cloneInto(repo, new MemoryTransport(new XferServer(server)), { login: BOB });
    repo.setCrosslinker(crosslinkerFactory);
    server.db.close();
    return repo;
  }

  /** Pull from a server that replies `reply`; the repository must not change. Returns the error, if any. */
  async function pullUnchanged(reply: Uint8Array | ((repo: Repository) => Uint8Array)): Promise<{ error?: SyncError; repo: Repository }> {
    const repo = await client();
    if (typeof reply === 'function') reply = reply(repo);
    const before = fullDump(repo.db);
    let error: SyncError | undefined;
    try {
      await syncWith(repo, new MemoryTransport(new ScriptedServer(reply), { label: 'hostile' }), {
        pull: true, push: false, login: BOB, maxRounds: 5,
      });
    } catch (e) {
      if (!(e instanceof SyncError)) throw e;
      error = e;
    }
    expect(dumpChanges(before, fullDump(repo.db))).toEqual([]);
    return { error, repo };
  }

  /** The hostile reply must be refused with a SyncError whose message matches. */
  async function refused(reply: Uint8Array | ((repo: Repository) => Uint8Array), message: RegExp): Promise<void> {
    const { error, repo } = await pullUnchanged(reply);
    try {
      expect(error, 'the sync was expected to fail').toBeInstanceOf(SyncError);
      expect(error!.message).toMatch(message);
    } finally {
      repo.db.close();
    }
  }

  describe('a hostile server against our client', () => {
    it('a file whose content does not hash to its name', async () => {
      const good = fresh('one');
      const forged = fresh('two');
      await refused(cards((w) => w.file(nameOf(good), forged)), /bad artifact from hostile: .*wrong hash/);
    });

    it('a cfile whose content does not hash to its name', async () => {
      const good = fresh('three');
      const forged = fresh('four');
      await refused(cards((w) => w.cfile(nameOf(good), forged.length, compressBlob(forged))), /wrong hash/);
    });

    it('a cfile decompression bomb: a few KiB that inflate to 16 MiB, claiming a small artifact', async () => {
      const bomb = compressBlob(new Uint8Array(16 * 1024 * 1024));
      expect(bomb.length).toBeLessThan(32 * 1024);
      await refused(cards((w) => w.cfile(nameOf(fresh('bomb')), 100, bomb)), /bad artifact from hostile: .*(size|claims)/);
    });

    it('a cfile whose size prefix claims more than any artifact may have', async () => {
      const liar = compressBlob(fresh('liar'));
      new DataView(liar.buffer, liar.byteOffset).setUint32(0, 0xfffffff0);
      await refused(cards((w) => w.cfile(nameOf(fresh('liar')), 0xfffffff0, liar)), /bad artifact from hostile: .*over the limit/);
    });

    it('a delta bomb: a delta against an artifact we hold that declares gigabytes of output', async () => {
      await refused((repo) => {
        const src = repo.db.value<string>('SELECT uuid FROM blob WHERE size>100 AND rid NOT IN private LIMIT 1')!;
        return cards((w) => w.file(nameOf(fresh('dbomb')), deltaDeclaring(0xffff0000), src));
      }, /bad artifact from hostile: .*over the limit/);
    });

    it('a delta bomb against a source we lack: the declared size is checked before it is kept', async () => {
      const ghost = nameOf(fresh('ghost'));
      await refused(cards((w) => w.file(nameOf(fresh('dbomb2')), deltaDeclaring(0xffff0000), ghost)), /bad artifact from hostile: .*over the limit/);
    });

    it('a file card claiming a huge size that the message does not hold', async () => {
      await refused(utf8(`file ${nameOf(fresh('huge'))} 999999999999\nshort\n`), /bad reply from hostile/);
    });

    it('a delta cycle: A as a delta of B, then B as a delta of A', async () => {
      const a = fresh('cycle a');
      const b = fresh('cycle b');
      const reply = cards((w) => {
        w.file(nameOf(a), createDelta(b, a), nameOf(b));
        w.file(nameOf(b), createDelta(a, b), nameOf(a));
      });
      await refused(reply, /bad artifact from hostile: .*loop/);
    });

    it('a delta of itself', async () => {
      const a = fresh('self');
      await refused(cards((w) => w.file(nameOf(a), createDelta(a, a), nameOf(a))), /bad artifact from hostile/);
    });

    it('an empty reply (a reply lost on the way) is an error, not "nothing to do"', async () => {
      const repo = await client();
      try {
        const before = fullDump(repo.db);
        const silent: XferService = { handle: () => ({ contentType: XFER_CONTENT_TYPE, body: new Uint8Array(0) }) };
        await expect(syncWith(repo, new MemoryTransport(silent, { label: 'hostile' }), { pull: true, push: false, login: BOB, private: true }))
          .rejects.toThrow(/hostile: empty reply/);
        expect(dumpChanges(before, fullDump(repo.db))).toEqual([]);
      } finally {
        repo.db.close();
      }
    });

    it('a million igot cards are refused before any is acted on', { timeout: 300_000 }, async () => {
      await refused(igotFlood(), /bad reply from hostile: .*(cards|limit)/);
    });

    it('a delta kept for a source we lack, that does not produce its name, is dropped when the source comes', async () => {
      const repo = await client();
      try {
        const source = fresh('honest source');
        const claimed = fresh('claimed target');
        // Right size, wrong bytes: it cannot be checked until the source is here, so it is kept.
        const forged = createDelta(source, fresh('other target'));
        const hostile = new ScriptedServer(cards((w) => w.file(nameOf(claimed), forged, nameOf(source))));
        await syncWith(repo, new MemoryTransport(hostile, { label: 'hostile' }), { pull: true, push: false, login: BOB, maxRounds: 5 });
        expect(repo.content.isAvailable(repo.content.ridOf(nameOf(claimed))!)).toBe(false);
        // An honest server then sends the source: it is stored, and the forged delta goes back to
        // being a phantom instead of making the source impossible to receive.
        const honest = new ScriptedServer(cards((w) => w.file(nameOf(source), source)));
        await syncWith(repo, new MemoryTransport(honest, { label: 'honest' }), { pull: true, push: false, login: BOB, maxRounds: 5 });
        const src = repo.content.ridOf(nameOf(source))!;
        expect(repo.content.get(src)).toEqual(source);
        const bad = repo.content.ridOf(nameOf(claimed))!;
        expect(repo.content.isPhantom(bad)).toBe(true);
        expect(repo.db.value('SELECT count(*) FROM delta WHERE rid=?', bad)).toBe(0);
        expect(verifyRepo(repo).problems).toEqual([]);
      } finally {
        repo.db.close();
      }
    });

    it('a clone from a server that sends a cfile under a false name fails and is left unfinished', async () => {
      const repo = Repository.create(await adapter.open(), { date: null, adminUser: 'bob' });
      try {
        prepareCloneTarget(repo);
        const forged = fresh('forged clone artifact');
        const reply = cards((w) => {
          w.push('5'.repeat(40), '6'.repeat(40));
          w.cfile(nameOf(fresh('what it claims')), forged.length, compressBlob(forged));
          w.cloneSeqno(0);
        });
        const err = await cloneInto(repo, new MemoryTransport(new ScriptedServer(reply), { label: 'hostile' }), { login: BOB })
          .then(() => undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(SyncError);
        expect((err as Error).message).toMatch(/wrong hash on received artifact/);
        // Not taken for a finished clone: no event, no check-in, still marked unfinished.
        expect(isUnfinishedClone(repo)).toBe(true);
        expect(repo.db.value('SELECT count(*) FROM event')).toBe(0);
      } finally {
        repo.db.close();
      }
    });

    it('private artifacts and private igots sent to a client that did not ask for private content', async () => {
      const secret = fresh('secret');
      const reply = cards((w) => {
        w.markNextPrivate();
        w.file(nameOf(secret), secret);
        w.markNextPrivate();
        w.cfile(nameOf(fresh('secret2')), fresh('secret2').length, compressBlob(fresh('secret2')));
        w.igot(nameOf(fresh('secret3')), true);
      });
      const { error, repo } = await pullUnchanged(reply);
      try {
        // Ignoring them is the answer (fossil's client does the same); nothing of them is kept.
        expect(error).toBeUndefined();
        for (const t of ['secret', 'secret2', 'secret3']) expect(repo.content.ridOf(nameOf(fresh(t)))).toBeUndefined();
      } finally {
        repo.db.close();
      }
    });
  });
});
