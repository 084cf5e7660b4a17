/**
 * What must hold in every peer after every step of a simulation, and across peers once the
 * faults stop. Each check returns sentences describing what is wrong (empty when all is well),
 * so a failure lists everything at once together with the seed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../src/db/db.ts';
import { openNodeDb } from '../../src/db/better-sqlite3.ts';
import { exportWasmDb, openWasmDb } from '../../src/db/sqlite-wasm.ts';
import { crosslinkerFactory } from '../../src/repo/crosslink/factory.ts';
import { rebuild } from '../../src/repo/rebuild.ts';
import { Repository } from '../../src/repo/repository.ts';
import { verifyRepo } from '../../src/repo/verify.ts';
import type { Adapter } from '../helpers/dbs.ts';
import { differingTables, dumpDerivedTablesOf } from '../helpers/derived-tables.ts';
import type { Peer } from './peers.ts';

/** Every stored artifact expands to its hash; every delta source is a stored artifact or a phantom. */
export function storeProblems(peer: Peer): string[] {
  const db = peer.repo.db;
  // A delta whose source is still a phantom is how a sync keeps what arrived before its source
  // (checked once the source comes), and a delta of such a delta waits on the same phantom;
  // after convergence there are no phantoms, so none is skipped.
  const out = verifyRepo(peer.repo).problems
    .filter((p) => !/it is a delta from phantom|its delta chain reaches phantom/.test(p))
    .map((p) => `peer ${peer.id}: ${p}`);
  const loose = db.value<number>('SELECT count(*) FROM delta WHERE srcid NOT IN (SELECT rid FROM blob)') ?? 0;
  if (loose) out.push(`peer ${peer.id}: ${loose} deltas from artifacts that are not even phantoms`);
  const unmarked = db.value<number>('SELECT count(*) FROM blob WHERE size<0 AND rid NOT IN phantom') ?? 0;
  if (unmarked) out.push(`peer ${peer.id}: ${unmarked} phantoms missing from the phantom table`);
  const stale = db.value<number>('SELECT count(*) FROM phantom WHERE rid NOT IN (SELECT rid FROM blob WHERE size<0)') ?? 0;
  if (stale) out.push(`peer ${peer.id}: ${stale} phantom rows for artifacts that have content`);
  return out;
}

/** Hashes of private artifacts anywhere (with content). */
export function privateHashes(peers: Peer[]): Set<string> {
  const all = new Set<string>();
  for (const p of peers) {
    for (const u of p.repo.db.prepare('SELECT uuid FROM blob WHERE rid IN private AND size>=0').column<string>()) all.add(u);
  }
  return all;
}

/** Private content never reaches a peer whose login lacks x. */
export function leakProblems(peers: Peer[], secret: Set<string>): string[] {
  const out: string[] = [];
  for (const p of peers) {
    if (p.trusted) continue;
    const held = p.repo.db.prepare('SELECT uuid FROM blob WHERE size>=0').column<string>().filter((u) => secret.has(u));
    if (held.length) out.push(`peer ${p.id} (no x) holds private artifacts ${held.map((u) => u.slice(0, 12)).join(', ')}`);
  }
  return out;
}

/** A separate copy of a database, on the same adapter. */
async function snapshot(adapter: Adapter, db: Db, scratch: string): Promise<{ db: Db; dispose(): void }> {
  if (adapter.name === 'sqlite-wasm') {
    const copy = await openWasmDb({ bytes: exportWasmDb(db) });
    return { db: copy, dispose: () => copy.close() };
  }
  const dir = mkdtempSync(join(scratch, 'snap-'));
  const path = join(dir, 'copy.fossil');
  db.run('VACUUM INTO ?', path);
  const copy = openNodeDb(path);
  return {
    db: copy,
    dispose() {
      copy.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Tables a rebuild legitimately resets: what is waiting to be announced or pushed. */
const NOT_REBUILT = ['unclustered', 'unsent'];

/** The derived tables equal what a from-scratch rebuild of the same artifacts computes. */
export async function rebuildProblems(peer: Peer, adapter: Adapter): Promise<string[]> {
  if (peer.cloning) return [];
  const scratch = mkdtempSync(join(tmpdir(), 'edgesync-sim-'));
  const snap = await snapshot(adapter, peer.repo.db, scratch);
  try {
    const before = dumpDerivedTablesOf(snap.db, { omit: NOT_REBUILT });
    rebuild(Repository.open(snap.db, { crosslinker: crosslinkerFactory }), { now: new Date(0) });
    const after = dumpDerivedTablesOf(snap.db, { omit: NOT_REBUILT });
    const differ = differingTables(before, after);
    if (differ.length === 0) return [];
    const detail = differ.map((t) => {
      const a = new Set(before[t]);
      const b = new Set(after[t]);
      const extra = [...a].filter((r) => !b.has(r)).slice(0, 3);
      const missing = [...b].filter((r) => !a.has(r)).slice(0, 3);
      return `${t}: extra ${JSON.stringify(extra)} missing ${JSON.stringify(missing)}`;
    });
    return [`peer ${peer.id}: derived tables differ from a rebuild in ${differ.join(', ')}; ${detail.join('; ')}`];
  } finally {
    snap.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
}

const publicSet = (p: Peer) =>
  p.repo.db.prepare('SELECT uuid FROM blob WHERE size>=0 AND rid NOT IN private ORDER BY uuid').column<string>().join(',');
const fullSet = (p: Peer) => p.repo.db.prepare('SELECT uuid FROM blob WHERE size>=0 ORDER BY uuid').column<string>().join(',');

/** Once faults stop and everyone has synced: the same public artifacts everywhere, the same private ones among the trusted, no phantoms left. */
export function convergenceProblems(peers: Peer[]): string[] {
  const out: string[] = [];
  const ref = peers[0]!;
  for (const p of peers) {
    if (p.cloning) out.push(`peer ${p.id} never finished its clone`);
    if (publicSet(p) !== publicSet(ref)) out.push(`peer ${p.id} and peer ${ref.id} differ in public artifacts`);
    if (p.trusted && fullSet(p) !== fullSet(ref)) out.push(`trusted peers ${p.id} and ${ref.id} differ in private artifacts`);
    const phantoms = p.repo.db.value<number>('SELECT count(*) FROM phantom') ?? 0;
    if (phantoms) out.push(`peer ${p.id} keeps ${phantoms} phantoms after convergence`);
  }
  return out;
}

/** Compact state of the peers for the convergence loop. */
export const fingerprint = (peers: Peer[]) => peers.map((p) => `${fullSet(p)}|${p.repo.db.value('SELECT count(*) FROM phantom')}`).join('\n');
