// The outbox of artifacts written here: kept across reopening, newest last, no duplicates, bounded.
import { expect, it } from 'vitest';
import { forEachAdapter } from '../helpers/dbs.ts';
import { Repository } from '../../src/repo/repository.ts';
import { addToOutbox, readOutbox } from '../../src/mesh/outbox.ts';

forEachAdapter((adapter) => {
  it('keeps what was written, once each, newest last; forgets old and excess entries', async () => {
    const repo = Repository.create(await adapter.open(), { adminUser: 'alice' });
    expect(readOutbox(repo)).toEqual([]);
    addToOutbox(repo, ['a'], 1000);
    addToOutbox(repo, ['b', 'c'], 2000);
    addToOutbox(repo, ['a'], 3000);
    expect(readOutbox(repo, 4000).map((e) => e.uuid)).toEqual(['b', 'c', 'a']);
    expect(readOutbox(repo, 3000 + 30 * 86_400_000 - 1).map((e) => e.uuid)).toEqual(['a']);
    addToOutbox(repo, Array.from({ length: 250 }, (_, i) => `x${i}`), 5000);
    const list = readOutbox(repo, 6000);
    expect(list).toHaveLength(200);
    expect(list.at(-1)!.uuid).toBe('x249');
    repo.config.set('edgesync-outbox', 'not json');
    expect(readOutbox(repo)).toEqual([]);
  });
});
