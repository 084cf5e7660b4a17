/**
 * Tickets. A ticket is the sum of its change artifacts applied in time order, so linking one
 * change only tags it (`tkt-<id>`) and schedules the ticket; when the session ends the ticket's
 * rows in `ticket` and `ticketchng` and the timeline entries of all its changes are rebuilt from
 * scratch (upstream ticket_rebuild_entry, manifest_ticket_event).
 */
import type { Artifact } from '../../fossil/artifact-types.ts';
import type { SqlValue } from '../../db/db.ts';
import { relabelAttachments } from './attachment.ts';
import { BacklinkSource, extractBacklinks, MimeType, mimeTypeOf } from './backlinks.ts';
import { insertTag } from './tags.ts';
import type { CrosslinkSession } from './session.ts';
import { standaloneString } from '../../fossil/bytes.ts';
import { timeOf, userOf } from './fields.ts';
import { escapeHtml as h, hashLink } from './text-format.ts';
import { quoteIdent, readTicketSchema, type TicketSchema } from './ticket-schema.ts';

export function crosslinkTicketChange(s: CrosslinkSession, rid: number, a: Artifact): void {
  const id = a.ticketId!;
  insertTag(s, `tkt-${id}`, 1, null, rid, timeOf(a), rid);
  s.pendingTickets.add(standaloneString(id));
  relabelAttachments(s, id, 't');
}

const schemas = new WeakMap<CrosslinkSession, TicketSchema>();

function schemaOf(s: CrosslinkSession): TicketSchema {
  let t = schemas.get(s);
  if (!t) {
    t = readTicketSchema(s);
    schemas.set(s, t);
  }
  return t;
}

/** A field value remembered for backlink extraction once the whole ticket is known. */
interface FieldValue {
  value: string;
  mimetype: MimeType;
  rid: number;
  mtime: number;
}

export function rebuildTicket(s: CrosslinkSession, ticketId: string): void {
  const db = s.db;
  const tagid = s.ensureTagId(`tkt-${ticketId}`);
  const schema = schemaOf(s);
  if (!schema.hasTicket) return;
  const oldId = db.value<number>('SELECT tkt_id FROM ticket WHERE tkt_uuid=?', ticketId) ?? 0;
  if (schema.hasChanges) db.prepare('DELETE FROM ticketchng WHERE tkt_id=?').run(oldId);
  db.prepare('DELETE FROM ticket WHERE tkt_id=?').run(oldId);
  db.prepare(`DELETE FROM backlink WHERE srctype=${BacklinkSource.ticket} AND srcid IN (SELECT rid FROM tagxref WHERE tagid=?)`)
    .run(tagid);
  const latest = new Map<string, FieldValue[]>();
  let tktid = 0;
  let isNew = true;
  for (const rid of db.prepare('SELECT rid FROM tagxref WHERE tagid=? ORDER BY mtime').column<number>(tagid)) {
    const change = s.artifact(rid);
    if (change && change.type === 'ticket') {
      tktid = applyChange(s, schema, change, rid, tktid, latest);
      writeTicketEvent(s, rid, change, isNew, tagid);
    }
    isNew = false;
  }
  for (const f of schema.fields) {
    for (const v of latest.get(f.name) ?? []) {
      extractBacklinks(s, v.value, v.mimetype, v.rid, BacklinkSource.ticket, v.mtime, false);
    }
  }
}

/** Apply one change artifact to the ticket row and log it in ticketchng (upstream ticket_insert). */
function applyChange(
  s: CrosslinkSession,
  schema: TicketSchema,
  a: Artifact,
  rid: number,
  tktid: number,
  latest: Map<string, FieldValue[]>,
): number {
  const db = s.db;
  const mtime = timeOf(a);
  if (!tktid) {
    tktid = db.prepare('INSERT INTO ticket(tkt_uuid, tkt_mtime) VALUES(?, 0)').run(a.ticketId!).lastInsertRowid;
  }
  const sets = ['tkt_mtime=?'];
  const setParams: SqlValue[] = [mtime];
  if (schema.hasCreationTime) {
    sets.push('tkt_ctime=coalesce(tkt_ctime,?)');
    setParams.push(mtime);
  }
  const used = new Set<string>();
  const changeCols: string[] = [];
  const changeVals: string[] = [];
  const changeParams: SqlValue[] = [];
  let mimetype: MimeType = MimeType.none;
  for (const j of a.fields) {
    const f = schema.byName.get(j.name);
    if (!f) continue;
    used.add(f.name);
    const col = quoteIdent(f.name);
    if (f.inTicket) {
      if (j.append) {
        sets.push(`${col}=coalesce(${col},'') || ?`);
        setParams.push(j.value);
      } else {
        sets.push(`${col}=?`);
        setParams.push(j.value);
        if (f.baselineColumn) {
          sets.push(`${quoteIdent(f.baselineColumn)}=?`);
          setParams.push(rid);
        }
      }
    }
    if (f.inChanges) {
      changeCols.push(col);
      changeVals.push('?');
      changeParams.push(j.value);
    }
    if (f.name === 'mimetype') mimetype = mimeTypeOf(j.value);
  }
  db.prepare(`UPDATE OR REPLACE ticket SET ${sets.join(', ')} WHERE tkt_id=?`).run(...setParams, tktid);

  if (changeCols.length > 0 || schema.changesHaveRid || schema.changesHaveUser) {
    if (schema.changesHaveRid) {
      changeCols.push('tkt_rid');
      changeVals.push('?');
      changeParams.push(rid);
    }
    const user = userOf(a);
    if (schema.changesHaveUser && user !== null) {
      changeCols.push('tkt_user');
      changeVals.push('?');
      changeParams.push(user);
    }
    // Fields this change leaves alone are copied from the ticket, so each row is a full snapshot.
    let copies = false;
    for (const f of schema.fields) {
      if (!used.has(f.name) && f.inTicket && f.inChanges) {
        copies = true;
        changeCols.push(quoteIdent(f.name));
        changeVals.push(quoteIdent(f.name));
      }
    }
    const cols = ['tkt_id', 'tkt_mtime', ...changeCols].join(',');
    if (copies) {
      db.prepare(`INSERT INTO ticketchng(${cols}) SELECT ?,?,${changeVals.join(',')} FROM ticket WHERE tkt_id=?`)
        .run(tktid, mtime, ...changeParams, tktid);
    } else {
      db.prepare(`INSERT INTO ticketchng(${cols}) VALUES(?,?${changeVals.map((v) => `,${v}`).join('')})`)
        .run(tktid, mtime, ...changeParams);
    }
  }

  for (const j of a.fields) {
    const f = schema.byName.get(j.name);
    if (!f) continue;
    if (f.inChanges) {
      extractBacklinks(s, j.value, mimetype, rid, BacklinkSource.ticket, mtime, false);
    } else {
      const list = j.append ? latest.get(f.name) ?? [] : [];
      list.push({ value: j.value, mimetype, rid, mtime });
      latest.set(f.name, list);
    }
  }
  return tktid;
}

const plural = (n: number, one: string) => (n === 1 ? one : `${one}s`);

/** The timeline entry of one ticket change (upstream manifest_ticket_event). */
function writeTicketEvent(s: CrosslinkSession, rid: number, a: Artifact, isNew: boolean, tagid: number): void {
  const db = s.db;
  const id = a.ticketId!;
  const link = hashLink(id, s.digits);
  const titleExpr = db.value<string>("SELECT value FROM config WHERE name='ticket-title-expr'") ?? 'title';
  const statusCol = db.value<string>("SELECT value FROM config WHERE name='ticket-status-column'") ?? 'status';
  const column = (col: string) => {
    const row = db.get<{ v: SqlValue }>(`SELECT ${quoteIdent(col)} AS v FROM ticket WHERE tkt_uuid=?`, id);
    return row === undefined ? 'unknown' : row.v === null ? '' : String(row.v);
  };
  const title = column(titleExpr);
  let comment: string;
  let brief: string;
  if (isNew) {
    comment = `New ticket ${link} <i>${h(title)}</i>.`;
    brief = `New ticket ${link}.`;
  } else {
    const n = a.fields.length;
    let newStatus: string | undefined;
    for (const f of a.fields) if (!f.append && f.name === statusCol) newStatus = f.value;
    if (newStatus !== undefined) {
      comment = `${h(newStatus)} ticket ${link}: <i>${h(title)}</i>`;
      if (n > 1) comment += ` plus ${n - 1} other ${plural(n - 1, 'change')}`;
      brief = `${h(newStatus)} ticket ${link}.`;
    } else {
      const status = column(statusCol);
      comment = `Ticket ${link} <i>${h(title)}</i> status still ${h(status)} with ${n} other ${plural(n, 'change')}`;
      brief = `Ticket ${link}: ${n} ${plural(n, 'change')}`;
    }
  }
  const mtime = timeOf(a);
  if (db.prepare("SELECT 1 FROM event WHERE type='t' AND objid=?").get(rid) !== undefined) {
    db.prepare('UPDATE event SET tagid=?, mtime=?, user=?, comment=?, brief=? WHERE objid=?')
      .run(tagid, mtime, userOf(a), comment, brief, rid);
  } else {
    db.prepare("REPLACE INTO event(type,tagid,mtime,objid,user,comment,brief) VALUES('t',?,?,?,?,?,?)")
      .run(tagid, mtime, rid, userOf(a), comment, brief);
  }
}
