/**
 * The user-visible fields of the ticket tables, read from the tables themselves (their layout is
 * configurable with the `ticket-table` setting). Columns starting with `tkt_` are bookkeeping;
 * an INTEGER column named "baseline for X" records which artifact last set field X.
 */
import type { CrosslinkSession } from './session.ts';

export interface TicketField {
  name: string;
  inTicket: boolean;
  inChanges: boolean;
  /** Name of the "baseline for <name>" column, when the ticket table has one. */
  baselineColumn?: string;
}

export interface TicketSchema {
  hasTicket: boolean;
  hasCreationTime: boolean;
  hasChanges: boolean;
  changesHaveRid: boolean;
  changesHaveUser: boolean;
  /** Sorted by name. */
  fields: TicketField[];
  byName: Map<string, TicketField>;
}

interface ColumnInfo {
  name: string;
  type: string;
}

export function readTicketSchema(s: CrosslinkSession): TicketSchema {
  const columns = (table: string) => s.db.all<ColumnInfo>(`SELECT name, type FROM pragma_table_info('${table}')`);
  const ticketCols = columns('ticket');
  const changeCols = columns('ticketchng');
  const byName = new Map<string, TicketField>();
  const baselineCols = new Set<string>();
  for (const c of ticketCols) {
    if (c.name.startsWith('tkt_')) continue;
    if (c.name.startsWith('baseline for ')) {
      if (c.type === 'INTEGER') baselineCols.add(c.name);
      continue;
    }
    if (c.name.includes(' ')) continue;
    byName.set(c.name, { name: c.name, inTicket: true, inChanges: false });
  }
  for (const f of byName.values()) {
    const col = `baseline for ${f.name}`;
    if (baselineCols.has(col)) f.baselineColumn = col;
  }
  for (const c of changeCols) {
    if (c.name.startsWith('tkt_') || c.name.includes(' ')) continue;
    const f = byName.get(c.name);
    if (f) f.inChanges = true;
    else byName.set(c.name, { name: c.name, inTicket: false, inChanges: true });
  }
  const fields = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    hasTicket: ticketCols.length > 0,
    hasCreationTime: ticketCols.some((c) => c.name === 'tkt_ctime'),
    hasChanges: changeCols.length > 0,
    changesHaveRid: changeCols.some((c) => c.name === 'tkt_rid'),
    changesHaveUser: changeCols.some((c) => c.name === 'tkt_user'),
    fields,
    byName,
  };
}

/** Quote an identifier for SQL (fossil's %w inside double quotes). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The ticket tables fossil creates when the `ticket-table` setting is unset (upstream
 * tktsetup.c). Rebuild recreates them from this text, comments included, as fossil does.
 */
export const DEFAULT_TICKET_TABLE_SQL = `CREATE TABLE ticket(
  -- Do not change any column that begins with tkt_
  tkt_id INTEGER PRIMARY KEY,
  tkt_uuid TEXT UNIQUE,
  tkt_mtime DATE,
  tkt_ctime DATE,
  -- Add as many fields as required below this line
  type TEXT,
  status TEXT,
  subsystem TEXT,
  priority TEXT,
  severity TEXT,
  foundin TEXT,
  private_contact TEXT,
  resolution TEXT,
  title TEXT,
  comment TEXT
);
CREATE TABLE ticketchng(
  -- Do not change any column that begins with tkt_
  tkt_id INTEGER REFERENCES ticket,
  tkt_rid INTEGER REFERENCES blob,
  tkt_mtime DATE,
  tkt_user TEXT,
  -- Add as many fields as required below this line
  login TEXT,
  username TEXT,
  mimetype TEXT,
  icomment TEXT
);
CREATE INDEX ticketchng_idx1 ON ticketchng(tkt_id, tkt_mtime);
`;
