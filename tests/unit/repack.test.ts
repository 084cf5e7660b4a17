// The extra delta pass a clone ends with (src/repo/repack.ts, fossil's extra_deltification), on
// both Db adapters: a repository whose artifacts are all stored whole, as a server may hold
// them, comes out smaller, every artifact still expands to what its name says, older versions
// become deltas of newer ones (never the reverse for manifests, never across file names), and
// fossil's own integrity check accepts the file.
import { expect, it } from 'vitest';
import { join } from 'node:path';
import { forEachAdapter } from '../helpers/dbs.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';
import { Repository } from '../../src/repo/repository.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { createCheckin, type CheckinFile } from '../../src/repo/authoring/checkin.ts';
import { tipCheckin } from '../../src/repo/queries/resolve.ts';
import { filesOfCheckin } from '../../src/repo/checkin-files.ts';
import { compactClone, extraDeltification } from '../../src/repo/repack.ts';
import { verifyHash } from '../../src/fossil/hash.ts';
import { editText, randomText, rng } from '../helpers/edits.ts';
import { expectIntegrity } from '../helpers/sync-fixtures.ts';

const hasFossil = haveTool('fossil');
const enc = (s: string) => new TextEncoder().encode(s);

forEachAdapter((adapter) => {
  /**
   * Twelve check-ins over twenty files, each editing a few, then every delta expanded: all whole,
   * as on a server that was given them so.
   */
  async function wholeHistory() {
    const repo = Repository.create(await adapter.open(), { adminUser: 'alice', crosslinker: crosslinkerFactory });
    const r = rng(7);
    const texts = new Map(Array.from({ length: 20 }, (_, i) => [`dir${i % 3}/file-${i}.txt`, randomText(r, 100)]));
    let parent = tipCheckin(repo.db)!;
    for (let c = 0; c < 12; c++) {
      for (const name of [...texts.keys()].filter((_, i) => (i + c) % 7 === 0)) texts.set(name, editText(r, texts.get(name)!, 3));
      const files: CheckinFile[] = [...texts].map(([name, text]) => ({ name, content: enc(text) }));
      parent = createCheckin(repo, { parent, comment: `commit ${c}`, user: 'alice', files, date: new Date(Date.UTC(2026, 0, 1 + c)) }).rid;
    }
    for (const rid of repo.db.prepare('SELECT rid FROM delta').column<number>()) repo.content.undeltify(rid);
    expect(repo.db.value<number>('SELECT count(*) FROM delta')).toBe(0);
    return { repo, tip: parent };
  }

  function expectAllIntact(repo: Repository) {
    for (const { rid, uuid } of repo.db.all<{ rid: number; uuid: string }>('SELECT rid, uuid FROM blob WHERE size>=0')) {
      expect(verifyHash(repo.content.get(rid), uuid), `artifact ${uuid}`).toBe(true);
    }
  }

  it('makes whole manifests deltas of later check-ins and whole files deltas of newer same-name versions', async () => {
    const { repo, tip } = await wholeHistory();
    const storedBefore = repo.db.value<number>('SELECT sum(length(content)) FROM blob')!;
    const before = filesOfCheckin(repo, tip);
    const result = extraDeltification(repo);
    expect(result.deltas).toBeGreaterThan(30);
    const storedAfter = repo.db.value<number>('SELECT sum(length(content)) FROM blob')!;
    expect(storedBefore - storedAfter).toBe(result.bytesSaved);
    expect(result.bytesSaved).toBeGreaterThan(storedBefore / 3);
    expectAllIntact(repo);
    expect(filesOfCheckin(repo, tip)).toEqual(before);
    // Manifests: the source is always a later check-in.
    const manifestPairs = repo.db.all<{ older: number; newer: number }>(
      `SELECT e1.mtime AS older, e2.mtime AS newer FROM delta
         JOIN event e1 ON e1.objid=delta.rid AND e1.type='ci' JOIN event e2 ON e2.objid=delta.srcid`,
    );
    expect(manifestPairs.length).toBeGreaterThan(8);
    for (const p of manifestPairs) expect(p.newer).toBeGreaterThan(p.older);
    // Files: source and target carry the same name.
    const crossName = repo.db.value<number>(
      `SELECT count(*) FROM delta WHERE NOT EXISTS(
         SELECT 1 FROM mlink m1, mlink m2 WHERE m1.fid=delta.rid AND m2.fid=delta.srcid AND m1.fnid=m2.fnid)
         AND delta.rid IN (SELECT fid FROM mlink)`,
    );
    expect(crossName).toBe(0);
    // A second pass finds nothing left to gain.
    expect(extraDeltification(repo).deltas).toBe(0);
  });

  it.runIf(hasFossil)('leaves a compacted file that fossil test-integrity accepts', async () => {
    const { repo } = await wholeHistory();
    const result = compactClone(repo);
    expect(result.deltas).toBeGreaterThan(30);
    const tmp = tempDir('edgesync-repack-');
    try {
      const file = join(tmp.dir, 'packed.fossil');
      adapter.save(repo.db, file);
      expectIntegrity(file);
      expect(fossil(['rebuild', '--compress-only', file]).stdout).toMatch(/Extra delta compression\.\.\. none found/);
    } finally {
      tmp.cleanup();
    }
  });
});
