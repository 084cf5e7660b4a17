/**
 * Crosslinking artifact by artifact, as they arrive over sync: the fixture's artifacts are stored
 * one at a time, in shuffled orders, into a fresh repository. Artifacts referring to ones not yet
 * seen create phantoms; when those arrive the content store reports them and they are linked
 * then. However the artifacts arrive, the derived tables must end up as `fossil rebuild` makes them.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/better-sqlite3.ts';
import { crosslinkArtifact, withCrosslink } from '../../src/repo/crosslink/crosslink.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { Repository } from '../../src/repo/repository.ts';
import { differingTables, dumpDerivedTables } from '../helpers/derived-tables.ts';
import { copyFixture } from '../helpers/fossil-fixture.ts';
import { fossil, haveTool, tempDir } from '../helpers/tools.ts';

const hasFossil = haveTool('fossil');

interface SourceArtifact {
  uuid: string;
  content: Uint8Array;
  isPrivate: boolean;
}

/** Every artifact of the repository file at path (phantoms have no content and are left out). */
function readArtifacts(path: string): SourceArtifact[] {
  const db = openNodeDb(path, { readonly: true });
  try {
    const repo = Repository.open(db);
    const rows = db.all<{ rid: number; uuid: string; priv: number }>(
      'SELECT rid, uuid, rid IN private AS priv FROM blob WHERE size>=0 ORDER BY rid',
    );
    return rows.map((r) => ({ uuid: r.uuid, content: repo.content.get(r.rid), isPrivate: !!r.priv }));
  } finally {
    db.close();
  }
}

/** A small deterministic generator, so a failing order can be reproduced from its seed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 0) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe.runIf(hasFossil)('incremental crosslinking', () => {
  const tmp = tempDir('edgesync-incremental-');
  afterAll(() => tmp.cleanup());
  const reference = join(tmp.dir, 'reference.fossil');
  let expected: ReturnType<typeof dumpDerivedTables>;
  let artifacts: SourceArtifact[];

  const setup = () => {
    if (expected) return;
    copyFixture(reference);
    fossil(['rebuild', reference]);
    expected = dumpDerivedTables(reference);
    artifacts = readArtifacts(reference);
  };

  /** Store the artifacts in the given order, each in its own transaction, as a sync would. */
  function storeOneByOne(order: SourceArtifact[], name: string): string {
    const path = join(tmp.dir, name);
    const db = openNodeDb(path, { create: true });
    db.exec('PRAGMA journal_mode=DELETE');
    const repo = Repository.create(db, { crosslinker: crosslinkerFactory, date: null });
    for (const a of order) {
      withCrosslink(repo, (s) => {
        const put = repo.content.put(a.content, { uuid: a.uuid, isPrivate: a.isPrivate });
        if (put.created) crosslinkArtifact(s, put.rid, a.content);
      });
    }
    db.close();
    return path;
  }

  it('in the order of the source repository', () => {
    setup();
    const got = dumpDerivedTables(storeOneByOne(artifacts, 'in-order.fossil'));
    expect(differingTables(got, expected)).toEqual([]);
    expect(got).toEqual(expected);
  });

  it('in reverse order (everything refers to what has not arrived yet)', () => {
    setup();
    const got = dumpDerivedTables(storeOneByOne([...artifacts].reverse(), 'reverse.fossil'));
    expect(differingTables(got, expected)).toEqual([]);
    expect(got).toEqual(expected);
  });

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`in shuffled order (seed ${seed})`, () => {
      setup();
      const got = dumpDerivedTables(storeOneByOne(shuffled(artifacts, seed), `shuffled-${seed}.fossil`));
      expect(differingTables(got, expected)).toEqual([]);
      expect(got).toEqual(expected);
    });
  }
});

describe.runIf(hasFossil)('repositories created with the crosslinker', () => {
  const tmp = tempDir('edgesync-create-');
  afterAll(() => tmp.cleanup());

  it('have the derived tables fossil rebuild computes for the initial check-in', () => {
    const path = join(tmp.dir, 'new.fossil');
    const db = openNodeDb(path, { create: true });
    db.exec('PRAGMA journal_mode=DELETE');
    Repository.create(db, { crosslinker: crosslinkerFactory, date: '2024-05-01T12:00:00', adminUser: 'alice' });
    db.close();
    const ours = dumpDerivedTables(path);
    expect(ours.event).toHaveLength(1);
    expect(ours.leaf).toHaveLength(1);
    const theirs = join(tmp.dir, 'theirs.fossil');
    copyFileSync(path, theirs);
    fossil(['rebuild', theirs]);
    expect(ours).toEqual(dumpDerivedTables(theirs));
  });
});
