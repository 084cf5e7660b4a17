// Carrying a new check-in to every peer at once (src/mesh/carry.ts), on both database adapters:
// a peer one check-in behind applies the carried body and asks nothing of anyone; a peer further
// behind applies it and pulls the rest from the publisher; a body that was tampered with is
// refused by the ordinary hash checks and changes nothing; private, big or incomplete check-ins
// are not carried.
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { utf8 } from '../../src/fossil/bytes.ts';
import { createCheckin } from '../../src/repo/authoring/checkin.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { Repository } from '../../src/repo/repository.ts';
import { cloneInto, prepareCloneTarget } from '../../src/sync/clone-client.ts';
import { syncWith } from '../../src/sync/client-session.ts';
import { decodeBody, encodeBody, XFER_CONTENT_TYPE } from '../../src/sync/envelope.ts';
import { XferServer } from '../../src/sync/server-handler.ts';
import type { SyncTransport } from '../../src/sync/transport.ts';
import { MemoryTransport } from '../../src/sync/transports/memory.ts';
import { carryBody, CarriedTransport } from '../../src/mesh/carry.ts';
import { forEachAdapter } from '../helpers/dbs.ts';

let clock = Date.parse('2026-03-01T10:00:00Z');
const nextDate = () => new Date((clock += 60_000));

function tip(repo: Repository): number {
  return repo.db.value<number>("SELECT objid FROM event WHERE type='ci' ORDER BY mtime DESC LIMIT 1")!;
}

/** A check-in on the tip changing `files` and keeping the rest. */
function commit(repo: Repository, files: Record<string, string>, comment: string, isPrivate = false) {
  const parent = tip(repo);
  const keep = repo.db.all<{ name: string; uuid: string }>(
    'SELECT f.name AS name, b.uuid AS uuid FROM mlink m JOIN filename f ON f.fnid=m.fnid JOIN blob b ON b.rid=m.fid WHERE m.mid=? AND m.fid>0',
    parent,
  );
  const list = new Map<string, unknown>(keep.map((k) => [k.name, { name: k.name, uuid: k.uuid }]));
  for (const [name, text] of Object.entries(files)) list.set(name, { name, content: utf8(text) });
  return createCheckin(repo, { parent, files: [...list.values()] as never, comment, user: 'alice', date: nextDate(), isPrivate });
}

const artifacts = (r: Repository) => r.db.prepare('SELECT uuid FROM blob WHERE size>=0 ORDER BY uuid').column<string>();
const comments = (r: Repository) => r.db.prepare("SELECT comment FROM event WHERE type='ci' ORDER BY mtime").column<string>();

/** A transport that must never be used: the carried body was enough. */
const nowhere = (): SyncTransport => {
  throw new Error('the carried body should have been enough');
};

forEachAdapter((adapter) => {
  async function publisher(): Promise<Repository> {
    const db: Db = await adapter.open();
    const repo = Repository.create(db, { crosslinker: crosslinkerFactory, adminUser: 'alice', projectName: 'carry', date: nextDate() });
    commit(repo, { 'README.md': '# carry\n', 'src/a.c': 'int a;\n'.repeat(50) }, 'first');
    return repo;
  }

  async function cloneOf(source: Repository): Promise<Repository> {
    const target = Repository.create(await adapter.open(), { adminUser: 'peer', date: null });
    prepareCloneTarget(target);
    await cloneInto(target, new MemoryTransport(new XferServer(source)));
    target.setCrosslinker(crosslinkerFactory);
    return target;
  }

  describe('carry', () => {
    it('a peer one check-in behind takes the carried body and asks nobody', async () => {
      const a = await publisher();
      const b = await cloneOf(a);
      const c = commit(a, { 'src/a.c': 'int a = 1;\n'.repeat(50), 'NEW.txt': 'new file\n' }, 'second');
      const body = carryBody(a, c.rid)!;
      expect(body).toBeDefined();
      // Manifest and the two files it changes; nothing it keeps unchanged.
      const cards = new TextDecoder().decode(decodeBody(body, XFER_CONTENT_TYPE).text).split('\n').filter((l) => l.startsWith('file '));
      expect(cards).toHaveLength(3);
      const t = new CarriedTransport(body, nowhere, 'carry from a');
      await syncWith(b, t, { pull: true, atomic: true });
      expect(t.wentOn).toBe(false);
      expect(artifacts(b)).toEqual(artifacts(a));
      expect(comments(b)).toEqual(comments(a));
    });

    it('a peer further behind takes the carried body and pulls the rest from the publisher', async () => {
      const a = await publisher();
      const b = await cloneOf(a);
      commit(a, { 'src/a.c': 'int a = 2;\n'.repeat(50) }, 'missed');
      const c = commit(a, { 'README.md': '# carried\n' }, 'carried');
      const t = new CarriedTransport(carryBody(a, c.rid)!, () => new MemoryTransport(new XferServer(a)), 'carry from a');
      await syncWith(b, t, { pull: true, atomic: true });
      expect(t.wentOn).toBe(true);
      expect(artifacts(b)).toEqual(artifacts(a));
      expect(comments(b)).toEqual(comments(a));
      expect(comments(b).slice(-3)).toEqual(['first', 'missed', 'carried']);
    });

    it('a tampered body is refused by the hash checks and leaves the peer as it was', async () => {
      const a = await publisher();
      const b = await cloneOf(a);
      const before = artifacts(b);
      const c = commit(a, { 'NEW.txt': 'the real text\n' }, 'second');
      const text = new TextDecoder().decode(decodeBody(carryBody(a, c.rid)!, XFER_CONTENT_TYPE).text);
      const forged = encodeBody(new TextEncoder().encode(text.replace('the real text', 'the fake text')), XFER_CONTENT_TYPE);
      await expect(syncWith(b, new CarriedTransport(forged, nowhere, 'carry from a'), { pull: true, atomic: true })).rejects.toThrow();
      expect(artifacts(b)).toEqual(before);
    });

    it('carries nothing too big, with parts missing, or private', async () => {
      const a = await publisher();
      const big = commit(a, { 'big.txt': 'x'.repeat(300 * 1024) }, 'big one');
      expect(carryBody(a, big.rid)).toBeUndefined();
      expect(carryBody(a, big.rid, 1024 * 1024)).toBeDefined();
      const small = commit(a, { 'small.txt': 'y\n' }, 'small');
      expect(carryBody(a, small.rid)).toBeDefined();
      const fid = a.db.value<number>("SELECT fid FROM mlink JOIN filename USING(fnid) WHERE mid=? AND name='small.txt'", small.rid)!;
      a.db.run('UPDATE blob SET size=-1, content=NULL WHERE rid=?', fid);
      a.db.run('INSERT OR IGNORE INTO phantom VALUES(?)', fid);
      expect(carryBody(a, small.rid)).toBeUndefined();
      // Last: what follows a private check-in is private too.
      const priv = commit(a, { 'secret.txt': 'hush\n' }, 'private one', true);
      expect(carryBody(a, priv.rid)).toBeUndefined();
    });
  });
});
