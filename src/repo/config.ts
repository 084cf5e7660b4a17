/**
 * The repository's `config` table: named settings, each with the unix time it was last set.
 * Values are text (the column has TEXT affinity, so fossil's integers are stored as text too).
 */
import type { Db, SqlValue } from '../db/db.ts';
import { text } from '../fossil/bytes.ts';
import { HashPolicy } from '../fossil/hash.ts';

export interface ConfigEntry {
  name: string;
  value: string | null;
  /** Unix seconds. */
  mtime: number | null;
}

/** Unix time in whole seconds, the unit of config, user and unversioned mtimes. */
export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

function asText(v: SqlValue | undefined): string | null {
  if (v === undefined || v === null) return null;
  if (v instanceof Uint8Array) return text(v);
  return String(v);
}

export class Config {
  constructor(private readonly db: Db) {}

  get(name: string): string | undefined {
    const row = this.db.get<{ value: SqlValue }>('SELECT value FROM config WHERE name=?', name);
    if (row === undefined) return undefined;
    return asText(row.value) ?? undefined;
  }

  /** An integer setting; dflt when unset or not a number (as fossil's db_get_int does). */
  getInt(name: string, dflt: number): number {
    const v = this.get(name);
    if (v === undefined) return dflt;
    const n = Number.parseInt(v, 10);
    return Number.isNaN(n) ? dflt : n;
  }

  set(name: string, value: string | number, mtime: number = unixNow()): void {
    this.db.run('REPLACE INTO config(name, value, mtime) VALUES(?, ?, ?)', name, String(value), mtime);
  }

  delete(name: string): void {
    this.db.run('DELETE FROM config WHERE name=?', name);
  }

  entries(): ConfigEntry[] {
    return this.db
      .all<{ name: string; value: SqlValue; mtime: SqlValue }>('SELECT name, value, mtime FROM config ORDER BY name')
      .map((r) => ({ name: r.name, value: asText(r.value), mtime: typeof r.mtime === 'number' ? r.mtime : null }));
  }

  get projectCode(): string | undefined {
    return this.get('project-code');
  }

  get serverCode(): string | undefined {
    return this.get('server-code');
  }

  get projectName(): string | undefined {
    return this.get('project-name');
  }

  /**
   * The hash policy for new artifacts. A repository without the setting gets the default fossil
   * would write on first open: sha3 unless it already holds SHA1 artifacts and no SHA3 ones.
   */
  get hashPolicy(): HashPolicy {
    const stored = this.getInt('hash-policy', -1);
    if (stored >= HashPolicy.SHA1 && stored <= HashPolicy.SHUN_SHA1) return stored as HashPolicy;
    // Each probe stops at the first match, but scans the whole table when there is none: ask the
    // usual case (some SHA3 artifact exists) first, so the answer is quick in a SHA3 repository.
    if (this.db.value('SELECT 1 FROM blob WHERE length(uuid)>40 LIMIT 1') !== undefined) return HashPolicy.SHA3;
    const hasSha1 = this.db.value('SELECT 1 FROM blob WHERE length(uuid)=40 LIMIT 1') !== undefined;
    return hasSha1 ? HashPolicy.AUTO : HashPolicy.SHA3;
  }

  set hashPolicy(policy: HashPolicy) {
    this.set('hash-policy', policy);
  }
}
