/**
 * The crosslinker on hand-made histories, on both Db adapters (no fossil binary needed): what
 * lands in the derived tables, in whatever order the artifacts arrive, and what happens to the
 * deferred work when a transaction rolls back.
 */
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { utf8 } from '../../src/fossil/bytes.ts';
import { md5Hex } from '../../src/fossil/hash.ts';
import { crosslinkArtifact, withCrosslink } from '../../src/repo/crosslink/crosslink.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { Repository } from '../../src/repo/repository.ts';
import { forEachAdapter } from '../helpers/dbs.ts';

const artifact = (body: string) => utf8(`${body}Z ${md5Hex(utf8(body))}\n`);

/** A small history: a root, a child on trunk, a branch off the root, a tag and a wiki page. */
function history(store: (bytes: Uint8Array) => string) {
  const fileA = store(utf8('a\n'));
  const fileB = store(utf8('b\n'));
  const root = store(artifact(`C root\nD 2024-01-01T00:00:00.000\nF a.txt ${fileA}\nT *branch * trunk\nT *sym-trunk *\nU alice\n`));
  const child = store(artifact(`C child\nD 2024-01-02T00:00:00.000\nF a.txt ${fileA}\nF b.txt ${fileB}\nP ${root}\nU alice\n`));
  const branch = store(artifact(
    `C branch\nD 2024-01-03T00:00:00.000\nF a.txt ${fileB}\nP ${root}\nT *branch * dev\nT *sym-dev *\nT -sym-trunk *\nU bob\n`,
  ));
  const tag = store(artifact(`D 2024-01-04T00:00:00.000\nT +sym-v1 ${child}\nU alice\n`));
  const text = `See [${child.slice(0, 10)}]`;
  const wiki = store(artifact(`D 2024-01-05T00:00:00.000\nL Home\nU alice\nW ${text.length}\n${text}\n`));
  return { fileA, fileB, root, child, branch, tag, wiki };
}

interface Summary {
  leaves: string[];
  branches: Record<string, string>;
  events: string[];
  mlinks: number;
  backlinks: string[];
}

function summarize(db: Db): Summary {
  const leaves = db.prepare("SELECT coalesce(uuid, 'missing rid ' || rid) AS u FROM leaf LEFT JOIN blob USING(rid) ORDER BY u").column<string>();
  const branches = Object.fromEntries(
    db.all<{ uuid: string; value: string }>(
      "SELECT uuid, value FROM tagxref JOIN blob USING(rid) WHERE tagid=8 ORDER BY uuid",
    ).map((r) => [r.uuid, r.value]),
  );
  const events = db.prepare("SELECT type || ' ' || comment FROM event ORDER BY mtime").column<string>();
  const mlinks = db.value<number>('SELECT count(*) FROM mlink')!;
  const backlinks = db.prepare('SELECT target FROM backlink ORDER BY target').column<string>();
  return { leaves, branches, events, mlinks, backlinks };
}

forEachAdapter((adapter) => {
  describe('crosslinking a small history', () => {
    async function freshRepo() {
      const db = await adapter.open();
      return { db, repo: Repository.create(db, { crosslinker: crosslinkerFactory, date: null }) };
    }

    it('fills the timeline, branches, leaves and backlinks', async () => {
      const { db, repo } = await freshRepo();
      const h = history((bytes) => {
        const { rid } = repo.content.put(bytes);
        repo.crosslink(rid, bytes);
        return repo.content.uuidOf(rid)!;
      });
      const got = summarize(db);
      expect(got.leaves).toEqual([h.child, h.branch].sort());
      expect(got.branches).toEqual({ [h.root]: 'trunk', [h.child]: 'trunk', [h.branch]: 'dev' });
      expect(got.events).toEqual([
        'ci root',
        'ci child',
        'ci branch',
        `g Edit [${h.child.slice(0, 16)}|${h.child.slice(0, 10)}]: Add tag "v1".`,
        'w +Home',
      ]);
      // a.txt added by the root, b.txt added by the child, a.txt changed on the branch
      expect(got.mlinks).toBe(3);
      expect(got.backlinks).toEqual([h.child.slice(0, 10)]);
      db.close();
    });

    it('arrives at the same tables when every artifact comes before what it refers to is there', async () => {
      const inOrder = await freshRepo();
      const artifacts: Uint8Array[] = [];
      history((bytes) => {
        artifacts.push(bytes);
        const { rid } = inOrder.repo.content.put(bytes);
        inOrder.repo.crosslink(rid, bytes);
        return inOrder.repo.content.uuidOf(rid)!;
      });
      const reversed = await freshRepo();
      for (const bytes of [...artifacts].reverse()) {
        withCrosslink(reversed.repo, (s) => {
          const put = reversed.repo.content.put(bytes);
          if (put.created) crosslinkArtifact(s, put.rid, bytes);
        });
      }
      expect(summarize(reversed.db)).toEqual(summarize(inOrder.db));
      inOrder.db.close();
      reversed.db.close();
    });

    it('nudges a parent 25 ms before a child of the same second, also when the child was linked first', async () => {
      const file = utf8('a\n');
      const mtimes = async (order: 'parent first' | 'child first') => {
        const { db, repo } = await freshRepo();
        const fileRid = repo.content.put(file).rid;
        const fileHash = repo.content.uuidOf(fileRid)!;
        const parentBytes = artifact(`C parent\nD 2024-01-01T00:00:00.000\nF a.txt ${fileHash}\nU alice\n`);
        const parent = repo.content.put(parentBytes).rid;
        const childBytes = artifact(`C child\nD 2024-01-01T00:00:00.000\nF b.txt ${fileHash}\nP ${repo.content.uuidOf(parent)!}\nU alice\n`);
        const child = repo.content.put(childBytes).rid;
        // Both contents are there; each is linked in a session of its own (as a clone links in rounds).
        const steps: Array<[number, Uint8Array]> = order === 'parent first' ? [[parent, parentBytes], [child, childBytes]] : [[child, childBytes], [parent, parentBytes]];
        for (const [rid, bytes] of steps) withCrosslink(repo, (s) => crosslinkArtifact(s, rid, bytes));
        const rows = db.all<{ comment: string; ms: number }>("SELECT comment, CAST(round((mtime-2440587.5)*86400000.0) AS INTEGER) AS ms FROM event ORDER BY comment");
        db.close();
        return rows;
      };
      const want = [{ comment: 'child', ms: Date.UTC(2024, 0, 1) }, { comment: 'parent', ms: Date.UTC(2024, 0, 1) - 25 }];
      expect(await mtimes('parent first')).toEqual(want);
      expect(await mtimes('child first')).toEqual(want);
    });

    it('leaves no trace of work whose transaction rolled back', async () => {
      const { db, repo } = await freshRepo();
      const h = history((bytes) => {
        const { rid } = repo.content.put(bytes);
        repo.crosslink(rid, bytes);
        return repo.content.uuidOf(rid)!;
      });
      const before = summarize(db);
      const late = artifact(`C late\nD 2024-02-01T00:00:00.000\nF a.txt ${h.fileA}\nP ${h.child}\nU alice\n`);
      withCrosslink(repo, (s) => {
        try {
          db.transaction(() => {
            const { rid } = repo.content.put(late);
            crosslinkArtifact(s, rid, late);
            throw new Error('changed my mind');
          });
        } catch {
          // the inner savepoint is gone; the session carries on
        }
      });
      expect(summarize(db)).toEqual(before);
      db.close();
    });
  });
});
