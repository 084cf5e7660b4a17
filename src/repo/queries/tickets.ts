/** Tickets: the `ticket` table's rows (whatever columns its schema has) and each one's changes. */
import type { Db } from '../../db/db.ts';
import { julianToIso } from './time.ts';

export interface TicketRow {
  uuid: string;
  /** Every column of the ticket table but the internal ones, as text. */
  fields: Record<string, string>;
  created: string;
  modified: string;
}

const INTERNAL = new Set(['tkt_id', 'tkt_uuid', 'tkt_mtime', 'tkt_ctime']);

function toRow(r: Record<string, unknown>): TicketRow {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(r)) if (!INTERNAL.has(k) && v !== null && v !== undefined) fields[k] = String(v);
  return {
    uuid: String(r.tkt_uuid),
    fields,
    created: typeof r.tkt_ctime === 'number' ? julianToIso(r.tkt_ctime) : '',
    modified: typeof r.tkt_mtime === 'number' ? julianToIso(r.tkt_mtime) : '',
  };
}

function hasTicketTable(db: Db): boolean {
  return db.value("SELECT 1 FROM sqlite_schema WHERE type='table' AND name='ticket'") !== undefined;
}

/** Tickets, most recently changed first. */
export function ticketList(db: Db): TicketRow[] {
  if (!hasTicketTable(db)) return [];
  return db.all<Record<string, unknown>>('SELECT * FROM ticket ORDER BY tkt_mtime DESC').map(toRow);
}

/** One ticket by its full id or a unique prefix of it. */
export function ticketByPrefix(db: Db, prefix: string): TicketRow | undefined {
  if (!hasTicketTable(db) || !/^[0-9a-f]{4,40}$/i.test(prefix)) return undefined;
  const p = prefix.toLowerCase();
  const rows = db.all<Record<string, unknown>>('SELECT * FROM ticket WHERE tkt_uuid>=? AND tkt_uuid<? LIMIT 2', p, `${p}g`);
  return rows.length === 1 ? toRow(rows[0]!) : undefined;
}

/**
 * The change artifacts of a ticket (tag `tkt-ID`), in the order `fossil ticket history` lists
 * them: newest first by the second (fossil sorts on `datetime(mtime)`), and changes made within
 * the same second by artifact number, lowest first (the tie order of fossil's UNION query).
 */
export function ticketChangeRids(db: Db, id: string): number[] {
  return db.all<{ rid: number }>(
    `SELECT event.objid AS rid FROM event
      WHERE event.objid IN (SELECT tagxref.rid FROM tag JOIN tagxref USING(tagid) WHERE tag.tagname=?)
      ORDER BY datetime(event.mtime) DESC, event.objid ASC`,
    `tkt-${id}`,
  ).map((r) => r.rid);
}
