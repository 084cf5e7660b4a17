import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { compressBlob, uncompressBlob } from '../../src/fossil/blob-codec.ts';
import { utf8 } from '../../src/fossil/bytes.ts';
import { createDelta } from '../../src/fossil/delta.ts';
import { hashBytes, HashPolicy } from '../../src/fossil/hash.ts';
import {
  ContentError,
  DeltaLoopError,
  MissingContentError,
  WrongHashError,
  type AvailableEvent,
} from '../../src/repo/content.ts';
import { Repository } from '../../src/repo/repository.ts';
import { forEachAdapter } from '../helpers/dbs.ts';

const sha3 = (b: Uint8Array) => hashBytes(b, 'sha3');
const sha1 = (b: Uint8Array) => hashBytes(b, 'sha1');

/** Version i of a text that changes a little each time, so deltas between versions are small. */
function version(i: number, lines = 40): Uint8Array {
  const out: string[] = [];
  for (let l = 0; l < lines; l++) out.push(`line ${l} of a file that evolves slowly, touched at ${l === i % lines ? i : 0}`);
  out.push(`version ${i}`);
  return utf8(`${out.join('\n')}\n`);
}

/** Counts of the bookkeeping tables, to show that a failed write left nothing behind. */
function counts(db: Db): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of ['blob', 'delta', 'phantom', 'unclustered', 'unsent', 'private', 'rcvfrom']) {
    out[t] = db.value<number>(`SELECT count(*) FROM ${t}`)!;
  }
  return out;
}

describe('ContentStore', () => {
  forEachAdapter((adapter) => {
    async function newRepo(): Promise<Repository> {
      return Repository.create(await adapter.open(), { adminUser: 'alice', date: null });
    }

    it('stores and reads content, named by the hash policy', async () => {
      const repo = await newRepo();
      const { content, db } = repo;
      const data = utf8('hello, world\n');
      const r = content.put(data);
      expect(r).toEqual({ rid: 1, created: true, available: true });
      expect(content.uuidOf(1)).toBe(sha3(data));
      expect(content.ridOf(sha3(data))).toBe(1);
      expect(content.get(1)).toEqual(data);
      expect(content.size(1)).toBe(data.length);
      expect(content.isPhantom(1)).toBe(false);
      expect(db.get('SELECT rcvid, size FROM blob WHERE rid=1')).toEqual({ rcvid: 1, size: 13 });
      expect(uncompressBlob(content.stored(1)!.content)).toEqual(data);
      expect(db.value('SELECT count(*) FROM unclustered WHERE rid=1')).toBe(1);
      expect(db.value('SELECT count(*) FROM unsent')).toBe(0);
      // Same content again: nothing new.
      expect(content.put(data)).toEqual({ rid: 1, created: false, available: true });
      expect(content.put(utf8('')).rid).toBe(2);
      expect(content.get(2)).toEqual(new Uint8Array(0));
      expect(db.value('SELECT hex(content) FROM blob WHERE rid=2')).toBe('00000000789C030000000001');
      db.close();
    });

    it('reuses a name under the other algorithm, and flips auto to sha3 on the first SHA3 artifact', async () => {
      const repo = await newRepo();
      const { content, config, db } = repo;
      config.hashPolicy = HashPolicy.AUTO;
      const a = utf8('artifact a\n');
      expect(content.uuidOf(content.put(a).rid)).toBe(sha1(a));
      expect(config.hashPolicy).toBe(HashPolicy.AUTO);
      config.hashPolicy = HashPolicy.SHA3;
      expect(content.put(a)).toMatchObject({ rid: 1, created: false });
      config.hashPolicy = HashPolicy.SHA3_ONLY;
      expect(content.uuidOf(content.put(a).rid)).toBe(sha3(a));
      config.hashPolicy = HashPolicy.AUTO;
      const b = utf8('artifact b\n');
      content.put(b, { uuid: sha3(b) });
      expect(config.hashPolicy).toBe(HashPolicy.SHA3);
      db.close();
    });

    it('rejects content that does not match its name and stores nothing', async () => {
      const repo = await newRepo();
      const { content, db } = repo;
      const good = utf8('good\n');
      const bad = utf8('bad\n');
      const phantom = content.ensure(sha3(good));
      const before = counts(db);
      expect(() => content.put(bad, { uuid: sha3(good) })).toThrow(WrongHashError);
      expect(() => content.put(bad, { uuid: sha3(good) })).toThrow(/wrong hash/);
      expect(() => content.putCompressed(sha3(good), compressBlob(bad), { size: bad.length })).toThrow(/wrong hash/);
      expect(() => content.putCompressed(sha3(good), compressBlob(bad), { size: 99 })).toThrow(/size mismatch/);
      const src = content.put(utf8('the source of a delta, long enough to matter\n')).rid;
      const before2 = counts(db);
      const delta = createDelta(content.get(src), bad);
      expect(() => content.putDelta(sha3(good), src, delta, bad.length)).toThrow(/wrong hash/);
      expect(counts(db)).toEqual(before2);
      const phantomSrc = content.ensure('ab'.repeat(32));
      const before3 = counts(db);
      expect(() => content.putDelta(sha3(good), phantomSrc, delta, good.length)).toThrow(/size mismatch/);
      expect(() =>
        content.putCompressed(sha3(good), compressBlob(delta), { srcRid: phantomSrc, size: good.length }),
      ).toThrow(/size mismatch/);
      expect(counts(db)).toEqual(before3);
      expect(content.isPhantom(phantom)).toBe(true);
      expect(before.blob).toBe(1);
      db.close();
    });

    it('makes phantoms with fossil bookkeeping, public or private', async () => {
      const repo = await newRepo();
      const { content, db } = repo;
      const data = utf8('arrives later\n');
      const rid = content.ensure(sha3(data));
      expect(db.get('SELECT rcvid, size, content FROM blob WHERE rid=?', rid)).toEqual({ rcvid: 0, size: -1, content: null });
      expect(db.value('SELECT count(*) FROM phantom WHERE rid=?', rid)).toBe(1);
      expect(db.value('SELECT count(*) FROM unclustered WHERE rid=?', rid)).toBe(1);
      expect(content.ensure(sha3(data))).toBe(rid);
      expect(content.isPhantom(rid)).toBe(true);
      expect(content.size(rid)).toBe(-1);
      expect(content.isAvailable(rid)).toBe(false);
      expect(content.tryGet(rid)).toBeNull();
      expect(() => content.get(rid)).toThrow(MissingContentError);
      expect(() => content.get(rid)).toThrow(/phantom/);
      expect(content.tryGet(999)).toBeNull();
      expect(() => content.get(999)).toThrow(/no artifact with rid 999/);

      const secret = content.ensure('ab'.repeat(32), { isPrivate: true });
      expect(content.isPrivate(secret)).toBe(true);
      expect(db.value('SELECT count(*) FROM unclustered WHERE rid=?', secret)).toBe(0);

      expect(() => content.ensure('AB'.repeat(32))).toThrow(/lower case/);
      expect(() => content.ensure('xyz')).toThrow(/not an artifact name/);
      db.run('INSERT INTO shun(uuid, mtime) VALUES(?, 0)', 'cd'.repeat(20));
      expect(content.ensure('cd'.repeat(20))).toBe(0);

      // Content fills the phantom in place.
      const rcvid = content.beginReceipt({ uid: 1, nonce: 'n1', ipaddr: '10.0.0.1' });
      expect(content.put(data)).toEqual({ rid, created: true, available: true });
      expect(db.get('SELECT rcvid, size FROM blob WHERE rid=?', rid)).toEqual({ rcvid, size: data.length });
      expect(db.value('SELECT count(*) FROM phantom')).toBe(1); // only the private one is left
      expect(db.value('SELECT count(*) FROM unclustered WHERE rid=?', rid)).toBe(1);
      expect(db.get('SELECT uid, nonce, ipaddr FROM rcvfrom WHERE rcvid=?', rcvid)).toEqual({
        uid: 1,
        nonce: 'n1',
        ipaddr: '10.0.0.1',
      });
      expect(content.get(rid)).toEqual(data);

      // A public phantom filled as private leaves unclustered: private artifacts are never there.
      const hidden = utf8('private after all\n');
      const hiddenRid = content.ensure(sha3(hidden));
      expect(db.value('SELECT count(*) FROM unclustered WHERE rid=?', hiddenRid)).toBe(1);
      expect(content.put(hidden, { isPrivate: true }).rid).toBe(hiddenRid);
      expect(content.isPrivate(hiddenRid)).toBe(true);
      expect(db.value('SELECT count(*) FROM unclustered WHERE rid=?', hiddenRid)).toBe(0);
      db.close();
    });

    it('groups stored content by receipt', async () => {
      const repo = await newRepo();
      const { content, db } = repo;
      const r1 = content.beginReceipt({ uid: 1 });
      content.put(utf8('one\n'));
      content.put(utf8('two\n'));
      content.endReceipt();
      content.put(utf8('three\n'));
      content.put(utf8('four\n'), { rcvid: r1 });
      expect(db.prepare('SELECT rcvid FROM blob ORDER BY rid').column()).toEqual([r1, r1, r1 + 1, r1]);
      // A receipt rolled back with its transaction is not reused.
      expect(() =>
        db.transaction(() => {
          content.beginReceipt();
          content.put(utf8('five\n'));
          throw new Error('abort');
        }),
      ).toThrow('abort');
      const { rid } = content.put(utf8('six\n'));
      const rcvid = db.value<number>('SELECT rcvid FROM blob WHERE rid=?', rid)!;
      expect(db.value('SELECT count(*) FROM rcvfrom WHERE rcvid=?', rcvid)).toBe(1);
      db.close();
    });

    it('expands a 500-deep delta chain', async () => {
      const repo = await newRepo();
      const { content, db } = repo;
      const versions = Array.from({ length: 501 }, (_, i) => version(i));
      db.transaction(() => {
        let prev = content.put(versions[0]!).rid;
        for (let i = 1; i < versions.length; i++) {
          const d = createDelta(versions[i - 1]!, versions[i]!);
          prev = content.putDelta(sha3(versions[i]!), prev, d, versions[i]!.length).rid;
        }
      });
      expect(db.value('SELECT count(*) FROM delta')).toBe(500);
      content.clearCache();
      const last = content.ridOf(sha3(versions[500]!))!;
      expect(content.get(last)).toEqual(versions[500]);
      // Straight from the database, with no cache to help.
      content.clearCache();
      for (const i of [499, 250, 1, 0]) {
        expect(content.get(content.ridOf(sha3(versions[i]!))!)).toEqual(versions[i]);
      }
      db.close();
    });

    it('reading a chain oldest first keeps the links 1, 4, 16, ... steps above what it read, not what a once-read returned', async () => {
      const repo = await newRepo();
      const { content, db } = repo;
      // As fossil stores a file's history: the newest version full, each older one a delta of the next newer.
      const versions = Array.from({ length: 20 }, (_, i) => version(i));
      const rids: number[] = [];
      db.transaction(() => {
        rids[19] = content.put(versions[19]!).rid;
        for (let i = 18; i >= 0; i--) {
          rids[i] = content.putDelta(sha3(versions[i]!), rids[i + 1]!, createDelta(versions[i + 1]!, versions[i]!), versions[i]!.length).rid;
        }
      });
      content.clearCache();
      expect(content.get(rids[0]!, { once: true })).toEqual(versions[0]);
      // What is cached reads without the database: spoil every stored row, then read.
      for (const rid of rids) db.run('UPDATE blob SET content=? WHERE rid=?', compressBlob(utf8('spoilt')), rid);
      const readable = (i: number): boolean => {
        try {
          return content.get(rids[i]!).length === versions[i]!.length;
        } catch {
          return false;
        }
      };
      expect([0, 1, 2, 3, 4, 5, 8, 15, 16, 17, 19].map(readable)).toEqual([false, true, false, false, true, false, false, false, true, false, false]);
      db.close();
    });

    it('what one read returned stays as it was through later reads of other chains', async () => {
      const repo = await newRepo();
      const { content, db } = repo;
      // Two histories stored as fossil stores them (each older version a delta of the next), so
      // reading old versions writes links it does not keep into the store's reused buffers.
      const histories = [0, 1].map((h) => Array.from({ length: 12 }, (_, i) => version(i + 100 * h, 30 + h * 10)));
      const rids = histories.map((versions) => {
        const r: number[] = [];
        db.transaction(() => {
          r[11] = content.put(versions[11]!).rid;
          for (let i = 10; i >= 0; i--) r[i] = content.putDelta(sha3(versions[i]!), r[i + 1]!, createDelta(versions[i + 1]!, versions[i]!), versions[i]!.length).rid;
        });
        return r;
      });
      const read: { got: Uint8Array; want: Uint8Array }[] = [];
      for (let i = 0; i < 11; i++) {
        for (const h of [0, 1]) {
          content.clearCache();
          read.push({ got: content.get(rids[h]![i]!, { once: true }), want: histories[h]![i]! });
        }
      }
      for (const { got, want } of read) expect(got).toEqual(want);
      db.close();
    });

    it('detects a delta loop instead of looping', async () => {
      const repo = await newRepo();
      const { content, db } = repo;
      const a = content.put(version(1)).rid;
      const b = content.put(version(2)).rid;
      db.run('INSERT INTO delta(rid, srcid) VALUES(?, ?), (?, ?)', a, b, b, a);
      content.clearCache();
      expect(() => content.get(a)).toThrow(DeltaLoopError);
      expect(() => content.tryGet(b)).toThrow(/delta loop/);
      expect(() => content.isAvailable(a)).toThrow(DeltaLoopError);
      db.close();
    });

    it('refuses to store a delta that would close a loop', async () => {
      const repo = await newRepo();
      const { content, db } = repo;
      const [va, vb] = [version(1), version(2)];
      const a = content.ensure(sha3(va));
      const b = content.putDelta(sha3(vb), a, createDelta(va, vb), vb.length);
      expect(b).toMatchObject({ created: true, available: false });
      const before = counts(db);
      expect(() => content.putDelta(sha3(va), b.rid, createDelta(vb, va), va.length)).toThrow(DeltaLoopError);
      expect(() => content.putDelta(sha3(va), a, createDelta(vb, va), va.length)).toThrow(DeltaLoopError);
      expect(counts(db)).toEqual(before);
      db.close();
    });

    it('announces artifacts that become available, each after its delta source', async () => {
      const repo = await newRepo();
      const { content, db } = repo;
      const v = Array.from({ length: 6 }, (_, i) => version(i));
      const events: AvailableEvent[] = [];
      content.onAvailable((e) => events.push(e));
      // Tree: p <- x1 <- x2 <- x3, p <- y1; z is a delta of a phantom that never arrives.
      const p = content.ensure(sha3(v[0]!));
      const put = (i: number, src: number, srcIndex: number) =>
        content.putDelta(sha3(v[i]!), src, createDelta(v[srcIndex]!, v[i]!), v[i]!.length);
      const y1 = put(4, p, 0);
      const x1 = put(1, p, 0);
      const x2 = put(2, x1.rid, 1);
      const x3 = put(3, x2.rid, 2);
      const z = content.putDelta(sha3(v[5]!), content.ensure('ee'.repeat(32)), createDelta(v[0]!, v[5]!), v[5]!.length);
      for (const r of [y1, x1, x2, x3, z]) expect(r).toMatchObject({ created: true, available: false });
      expect(content.tryGet(x3.rid)).toBeNull();
      expect(events).toEqual([]);

      expect(content.put(v[0]!)).toEqual({ rid: p, created: true, available: true });
      expect(events.map((e) => e.rid)).toEqual([p, y1.rid, x1.rid, x2.rid, x3.rid]);
      expect(events.every((e) => e.cause === p)).toBe(true);
      expect(events[2]!.uuid).toBe(sha3(v[1]!));
      for (let i = 1; i <= 4; i++) expect(content.get(content.ridOf(sha3(v[i]!))!)).toEqual(v[i]);
      expect(content.isAvailable(z.rid)).toBe(false);
      db.close();
    });

    it('passes newly available artifacts to the crosslinker, leaving the stored one to its caller', async () => {
      const db = await adapter.open();
      const linked: number[] = [];
      const repo = Repository.create(db, {
        date: null,
        crosslinker: () => ({ crosslink: (rid) => void linked.push(rid) }),
      });
      const [v0, v1] = [version(0), version(1)];
      const p = repo.content.ensure(sha3(v0));
      const x = repo.content.putDelta(sha3(v1), p, createDelta(v0, v1), v1.length).rid;
      repo.content.put(v0);
      expect(linked).toEqual([x]);
      db.close();
    });

    it('verifies a delta when its source arrives, and rejects the source if the delta lies in the same receipt', async () => {
      const repo = await newRepo();
      const { content, db } = repo;
      const [v0, v1, v2] = [version(0), version(1), version(2)];
      const p = content.ensure(sha3(v0));
      // Claims to be v1 but produces v2.
      content.putDelta(sha3(v1), p, createDelta(v0, v2), v2.length);
      const before = counts(db);
      expect(() => content.put(v0)).toThrow(WrongHashError);
      expect(counts(db)).toEqual(before);
      expect(content.isPhantom(p)).toBe(true);
      db.close();
    });

    it('a lying delta from an earlier receipt goes back to being a phantom when its source arrives (the source is kept)', async () => {
      const repo = await newRepo();
      const { content, db } = repo;
      const [v0, v1, v2] = [version(0), version(1), version(2)];
      const events: number[] = [];
      content.onAvailable((e) => events.push(e.rid));
      const p = content.ensure(sha3(v0));
      content.beginReceipt();
      const liar = content.putDelta(sha3(v1), p, createDelta(v0, v2), v2.length).rid;
      content.beginReceipt();
      expect(content.put(v0).rid).toBe(p);
      expect(content.get(p)).toEqual(v0);
      expect(content.isPhantom(liar)).toBe(true);
      expect(content.deltaSource(liar)).toBeUndefined();
      expect(db.value('SELECT count(*) FROM phantom WHERE rid=?', liar)).toBe(1);
      expect(events).toEqual([p]);
      // The true v1 can then be stored.
      content.put(v1);
      expect(content.get(liar)).toEqual(v1);
      db.close();
    });

    it('keeps the full text of a delta stranded on a missing source once it arrives in full', async () => {
      const repo = await newRepo();
      const { content, db } = repo;
      const [v0, v1, v2] = [version(0), version(1), version(2)];
      const events: number[] = [];
      content.onAvailable((e) => events.push(e.rid));
      const p = content.ensure(sha3(v0));
      const x = content.putDelta(sha3(v1), p, createDelta(v0, v1), v1.length).rid;
      const y = content.putDelta(sha3(v2), x, createDelta(v1, v2), v2.length).rid;
      expect(content.put(v1)).toEqual({ rid: x, created: true, available: true });
      expect(content.deltaSource(x)).toBeUndefined();
      expect(events).toEqual([x, y]);
      expect(content.get(y)).toEqual(v2);
      expect(content.isPhantom(p)).toBe(true);
      db.close();
    });

    it('stores cfile payloads verbatim, full or as deltas', async () => {
      const repo = await newRepo();
      const { content, db } = repo;
      const [v0, v1] = [version(0), version(1)];
      const full = compressBlob(v0, 9);
      const a = content.putCompressed(sha3(v0), full, { size: v0.length });
      expect(a).toMatchObject({ created: true, available: true });
      expect(content.stored(a.rid)!.content).toEqual(full);
      const cdelta = compressBlob(createDelta(v0, v1));
      const b = content.putCompressed(sha3(v1), cdelta, { srcRid: a.rid, size: v1.length });
      expect(content.stored(b.rid)).toEqual({ content: cdelta, srcid: a.rid, size: v1.length });
      expect(content.get(b.rid)).toEqual(v1);
      // Against a phantom: stored, verified later.
      const [v2, v3] = [version(2), version(3)];
      const ph = content.ensure(sha3(v2));
      const c = content.putCompressed(sha3(v3), compressBlob(createDelta(v2, v3)), { srcRid: ph, size: v3.length });
      expect(c.available).toBe(false);
      content.put(v2);
      expect(content.get(c.rid)).toEqual(v3);
      expect(() => content.putCompressed(sha3(version(9)), utf8('junk'), { size: 4 })).toThrow();
      db.close();
    });

    it('never stores a public artifact as a delta of a private one', async () => {
      const repo = await newRepo();
      const { content, db } = repo;
      const [v0, v1, v2] = [version(0), version(1), version(2)];
      const priv = content.put(v0, { isPrivate: true }).rid;
      expect(content.isPrivate(priv)).toBe(true);
      expect(db.value('SELECT count(*) FROM unclustered WHERE rid=?', priv)).toBe(0);
      // Source available: stored as full content instead.
      const pub = content.putDelta(sha3(v1), priv, createDelta(v0, v1), v1.length).rid;
      expect(content.deltaSource(pub)).toBeUndefined();
      expect(content.get(pub)).toEqual(v1);
      // Source missing: cannot be stored at all.
      const privPhantom = content.ensure(sha3(v2), { isPrivate: true });
      expect(() => content.putDelta(sha3(version(3)), privPhantom, createDelta(v2, version(3)), version(3).length)).toThrow(
        ContentError,
      );
      // A private artifact may be a delta of anything.
      const priv2 = content.putDelta(sha3(version(4)), pub, createDelta(v1, version(4)), version(4).length, {
        isPrivate: true,
      }).rid;
      expect(content.deltaSource(priv2)).toBe(pub);
      // deltify follows the same rule.
      expect(content.deltify(pub, priv)).toBe(0);
      expect(content.deltaSource(pub)).toBeUndefined();
      // unsent never lists private artifacts.
      content.markUnsent(priv);
      content.markUnsent(pub);
      expect(db.prepare('SELECT rid FROM unsent').column()).toEqual([pub]);
      db.close();
    });

    it('deltify takes the best of several sources, or the first good enough one', async () => {
      const repo = await newRepo();
      const { content } = repo;
      // far differs from the target in many lines, near in one.
      const target = version(3, 200);
      const near = content.put(version(4, 200)).rid;
      const farText = new TextDecoder().decode(version(5, 200)).replace(/line (\d)0 /g, 'LINE $10 ');
      const far = content.put(utf8(farText)).rid;
      const best = content.put(target).rid;
      expect(content.deltify(best, [far, near])).toBeGreaterThan(0);
      expect(content.deltaSource(best)).toBe(near);
      const first = content.put(version(3, 201)).rid;
      // far's delta is under 75% of the artifact: good enough at 0.75, so near is never tried.
      expect(content.deltify(first, [far, near], { goodEnough: 0.75 })).toBeGreaterThan(0);
      expect(content.deltaSource(first)).toBe(far);
      content.clearCache();
      expect(content.get(first)).toEqual(version(3, 201));
    });

    it('deltifies and undeltifies without changing content or making loops', async () => {
      const repo = await newRepo();
      const { content, db } = repo;
      const [v0, v1] = [version(0, 200), version(1, 200)];
      const a = content.put(v0).rid;
      const b = content.put(v1).rid;
      const stored = content.stored(b)!.content.length;
      const saved = content.deltify(b, a);
      expect(saved).toBeGreaterThan(0);
      expect(content.stored(b)!.content.length).toBe(stored - saved);
      expect(content.deltaSource(b)).toBe(a);
      content.clearCache();
      expect(content.get(b)).toEqual(v1);
      // Already a delta: left alone unless forced.
      expect(content.deltify(b, a)).toBe(0);
      // a as a delta of b would loop: b is expanded first.
      expect(content.deltify(a, b)).toBeGreaterThan(0);
      expect(content.deltaSource(a)).toBe(b);
      expect(content.deltaSource(b)).toBeUndefined();
      content.clearCache();
      expect(content.get(a)).toEqual(v0);
      expect(content.get(b)).toEqual(v1);
      // Too small to bother.
      const tiny = content.put(utf8('tiny\n')).rid;
      expect(content.deltify(tiny, a)).toBe(0);
      expect(content.undeltify(a)).toBe(true);
      expect(content.deltaSource(a)).toBeUndefined();
      expect(content.undeltify(a)).toBe(false);
      content.clearCache();
      expect(content.get(a)).toEqual(v0);
      db.close();
    });
  });
});
