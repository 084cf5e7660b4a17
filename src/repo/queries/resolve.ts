/**
 * Turning what a user types into an artifact: a hash prefix, a branch or tag name, `tip`,
 * `trunk`, or `root:` style names are left to fossil; we support what the CLI documents.
 */
import type { Db } from '../../db/db.ts';
import { CodedError } from '../../errors.ts';

export class NameError extends CodedError {
  override name = 'NameError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('not-found', message, options);
  }
}

/** Artifacts whose hash starts with prefix (lowercased). At most `limit` results. */
export function ridsByPrefix(db: Db, prefix: string, limit = 10): { rid: number; uuid: string }[] {
  const p = prefix.toLowerCase();
  if (!/^[0-9a-f]+$/.test(p)) return [];
  // Range scan on the unique uuid index instead of GLOB so it stays fast on large repos.
  const hi = p + 'g';
  return db.all<{ rid: number; uuid: string }>('SELECT rid, uuid FROM blob WHERE uuid>=? AND uuid<? ORDER BY uuid LIMIT ?', p, hi, limit);
}

/** One artifact by hash prefix; errors on none or several. */
export function ridByPrefix(db: Db, prefix: string): number {
  if (prefix.length < 4) throw new NameError(`hash prefix "${prefix}" is too short (need at least 4 characters)`);
  const hits = ridsByPrefix(db, prefix, 2);
  if (hits.length === 0) throw new NameError(`no artifact matches "${prefix}"`);
  if (hits.length > 1) throw new NameError(`"${prefix}" is ambiguous: ${hits.map((h) => h.uuid.slice(0, 16)).join(', ')}…`);
  return hits[0]!.rid;
}

/** The newest check-in overall. */
export function tipCheckin(db: Db): number | undefined {
  return db.value<number>("SELECT objid FROM event WHERE type='ci' ORDER BY mtime DESC LIMIT 1");
}

/** The newest check-in carrying symbolic tag NAME (branch names are sym- tags too). */
function newestWithTag(db: Db, tagname: string): number | undefined {
  return db.value<number>(
    `SELECT event.objid FROM tag JOIN tagxref USING(tagid) JOIN event ON event.objid=tagxref.rid
      WHERE tag.tagname=? AND tagxref.tagtype>0 AND event.type='ci' ORDER BY event.mtime DESC LIMIT 1`,
    tagname,
  );
}

/** The newest check-in on branch NAME. */
export function branchTip(db: Db, branch: string): number | undefined {
  return db.value<number>(
    `SELECT event.objid FROM tagxref JOIN event ON event.objid=tagxref.rid
      WHERE tagxref.tagid=8 AND tagxref.tagtype>0 AND tagxref.value=? AND event.type='ci'
      ORDER BY event.mtime DESC LIMIT 1`,
    branch,
  );
}

/**
 * Resolve CHECKIN: `tip`, a branch name (its newest check-in), a tag name, or a hash prefix
 * (at least 4 hex digits) of a check-in.
 */
export function resolveCheckin(db: Db, name: string): number {
  if (name === 'tip') {
    const rid = tipCheckin(db);
    if (rid === undefined) throw new NameError('the repository has no check-ins');
    return rid;
  }
  const viaTag = branchTip(db, name) ?? newestWithTag(db, `sym-${name}`);
  if (viaTag !== undefined) return viaTag;
  if (/^[0-9a-fA-F]{4,64}$/.test(name)) {
    const hits = ridsByPrefix(db, name, 50).filter((h) => db.value("SELECT 1 FROM event WHERE objid=? AND type='ci'", h.rid));
    if (hits.length === 1) return hits[0]!.rid;
    if (hits.length > 1) throw new NameError(`"${name}" is ambiguous: ${hits.slice(0, 5).map((h) => h.uuid.slice(0, 16)).join(', ')}`);
  }
  throw new NameError(`no check-in, branch or tag named "${name}"`);
}
