/**
 * The `parent` tag: a property whose value lists replacement parents for a check-in (used to
 * repair history). Its plink and mlink rows are rebuilt from that list instead of the P cards.
 */
import { TagId } from '../schema.ts';
import { addCheckinLinkages } from './checkin.ts';
import type { CrosslinkSession } from './session.ts';

const SHORTEST_HASH = 40;
const HASH = /^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;

/**
 * The hashes in a `parent` tag value, or undefined when it is malformed. As upstream, the
 * hashes are separated by exactly one character and a value that cannot hold that many is refused.
 */
export function parseParentList(value: string): string[] | undefined {
  const maxParents = Math.floor((value.length + 1) / (SHORTEST_HASH + 1));
  if (maxParents < 1) return undefined;
  const list = value.split(/[\x00-\x20]/);
  if (list.length > maxParents || !list.every((h) => HASH.test(h))) return undefined;
  return list;
}

export function reparentCheckin(s: CrosslinkSession, rid: number, value: string): void {
  const parents = parseParentList(value);
  if (!parents) return;
  const a = s.artifact(rid);
  if (!a || a.type !== 'manifest') return;
  s.db.prepare('DELETE FROM plink WHERE cid=?').run(rid);
  s.db.prepare('DELETE FROM mlink WHERE mid=?').run(rid);
  addCheckinLinkages(s, rid, a, parents);
}

/** Apply every standing `parent` tag; done when a session ends, once all check-ins are known. */
export function applyParentTags(s: CrosslinkSession): void {
  const rows = s.db
    .prepare(`SELECT rid, value FROM tagxref WHERE tagid=${TagId.parent} AND tagtype=1`)
    .all<{ rid: number; value: string | null }>();
  for (const r of rows) reparentCheckin(s, r.rid, r.value ?? '');
}
