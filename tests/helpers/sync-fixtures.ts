/**
 * Repositories and comparisons shared by the sync tests: a server copy of the fossil fixture
 * with a password user, our clone of a URL (through the library, in this process), and the
 * checks that two repositories hold the same thing.
 */
import { join } from 'node:path';
import { expect } from 'vitest';
import { createRepoFile, openRepoFile } from '../../src/repo/node-files.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import type { Repository } from '../../src/repo/repository.ts';
import { cloneInto, prepareCloneTarget, type CloneOptions, type CloneResult } from '../../src/sync/clone-client.ts';
import type { SyncTransport } from '../../src/sync/transport.ts';
import { NodeHttpTransport } from '../../src/sync/transports/http-client-node.ts';
import { copyFixture } from './fossil-fixture.ts';
import { differingTables, dumpDerivedTables } from './derived-tables.ts';
import { fossil, sqlite } from './tools.ts';

export const BOB = { user: 'bob', password: 'bobpw' };

/** A copy of the fixture with user bob (password bobpw) holding caps; optionally lock out nobody/anonymous. */
export function serverRepo(dir: string, name: string, opts: { caps?: string; lockAnonymous?: boolean } = {}): string {
  const path = copyFixture(join(dir, name));
  fossil(['user', 'new', 'bob', 'bob@example.org', 'bobpw', '-R', path]);
  fossil(['user', 'capabilities', 'bob', opts.caps ?? 'gio', '-R', path]);
  if (opts.lockAnonymous) {
    fossil(['user', 'capabilities', 'nobody', '', '-R', path]);
    fossil(['user', 'capabilities', 'anonymous', '', '-R', path]);
  }
  return path;
}

/** Clone through the library into a new file at path. */
export async function libraryClone(
  transport: SyncTransport | string,
  path: string,
  opts: CloneOptions = {},
): Promise<CloneResult> {
  const repo = createRepoFile(path, { date: null, adminUser: opts.login?.user ?? 'alice' });
  try {
    prepareCloneTarget(repo);
    return await cloneInto(repo, typeof transport === 'string' ? new NodeHttpTransport(transport) : transport, opts);
  } finally {
    repo.db.close();
  }
}

/** Open a repository file with the crosslinker, as the CLI does. */
export function openWithCrosslinker(path: string): Repository {
  return openRepoFile(path, { crosslinker: crosslinkerFactory });
}

const ARTIFACTS = 'SELECT uuid FROM blob WHERE size>=0 ORDER BY uuid';

export function artifactSet(path: string): string[] {
  return sqlite(path, ARTIFACTS).split('\n').filter(Boolean);
}

export function expectIntegrity(path: string): void {
  const r = fossil(['test-integrity', '-R', path]);
  expect(r.stdout).toMatch(/ 0 errors/);
  expect(r.stdout).toMatch(/integrity-check: ok/);
}

export function timeline(path: string): string {
  return fossil(['timeline', '-n', '0', '-W', '0', '-R', path]).stdout;
}

/** Same artifacts, same derived tables, same timeline. */
export function expectSameRepository(ours: string, theirs: string, opts: { omit?: string[] } = {}): void {
  expect(artifactSet(ours)).toEqual(artifactSet(theirs));
  const a = dumpDerivedTables(ours, opts);
  const b = dumpDerivedTables(theirs, opts);
  expect(differingTables(a, b)).toEqual([]);
  expect(timeline(ours)).toBe(timeline(theirs));
}
