/**
 * Attachments: the `attachment` table (with isLatest marking the newest attachment of each name
 * on each target) and the timeline entry. The entry's type and wording depend on what the target
 * is (wiki page, ticket or technote); when the target arrives after the attachment, the ticket or
 * technote linker relabels the entry (relabelAttachments).
 */
import type { Artifact } from '../../fossil/artifact-types.ts';
import type { CrosslinkSession } from './session.ts';
import { timeOf, userOf } from './fields.ts';
import { escapeHtml as h } from './text-format.ts';

type TargetKind = 'w' | 't' | 'e';

const ARTIFACT_HASH = /^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;

function targetKind(s: CrosslinkSession, target: string): TargetKind {
  if (!ARTIFACT_HASH.test(target)) return 'w';
  if (s.db.prepare('SELECT 1 FROM tag WHERE tagname=?').get(`tkt-${target}`) !== undefined) return 't';
  if (s.db.prepare('SELECT 1 FROM tag WHERE tagname=?').get(`event-${target}`) !== undefined) return 'e';
  return 'w';
}

export function crosslinkAttachment(s: CrosslinkSession, rid: number, a: Artifact): void {
  const { filename, target, source } = a.attachment!;
  const src = source || null;
  const db = s.db;
  const kind = targetKind(s, target);
  db.prepare(
    'REPLACE INTO attachment(attachid, mtime, src, target, filename, comment, user) VALUES(?,?,?,?,?,?,?)',
  ).run(rid, timeOf(a), src, target, filename, a.comment ?? '', userOf(a));
  db.prepare(
    `UPDATE attachment SET isLatest = (mtime==(SELECT max(mtime) FROM attachment WHERE target=? AND filename=?))
      WHERE target=? AND filename=?`,
  ).run(target, filename, target, filename);
  const d = s.digits;
  const t16 = target.slice(0, d.url);
  const t10 = target.slice(0, d.human);
  const srcLink = src ? `[/artifact/${src.slice(0, d.url)}|${h(filename)}]` : '';
  let comment: string;
  if (kind === 'w') {
    comment = src
      ? `Add attachment ${srcLink} to wiki page [${h(target)}]`
      : `Delete attachment "${h(filename)}" from wiki page [${h(target)}]`;
  } else if (kind === 'e') {
    // Upstream's wording for a deletion here shortens the file name as if it were a hash.
    comment = src
      ? `Add attachment ${srcLink} to tech note [/technote/${t16}|${t10}]`
      : `Delete attachment "/artifact/${filename.slice(0, d.url)}|${h(filename)}" from tech note [/technote/${t16}|${t10}]`;
  } else {
    comment = src
      ? `Add attachment ${srcLink} to ticket [${t16}|${t10}]`
      : `Delete attachment "${h(filename)}" from ticket [${t16}|${t10}]`;
  }
  db.prepare('REPLACE INTO event(type,mtime,objid,user,comment) VALUES(?,?,?,?,?)')
    .run(kind, timeOf(a), rid, userOf(a), comment);
}

/** Re-word the timeline entries of attachments to target now that it is known to be a ticket or technote. */
export function relabelAttachments(s: CrosslinkSession, target: string, kind: 't' | 'e'): void {
  const rows = s.db
    .prepare('SELECT attachid, src, target, filename FROM attachment WHERE target=?')
    .all<{ attachid: number; src: string | null; target: string; filename: string | null }>(target);
  const d = s.digits;
  const update = s.db.prepare('UPDATE event SET comment=?, type=? WHERE objid=?');
  for (const r of rows) {
    const name = r.filename ?? '';
    const t16 = r.target.slice(0, d.url);
    const t10 = r.target.slice(0, d.human);
    const srcLink = r.src ? `[/artifact/${r.src.slice(0, d.url)}|${h(name)}]` : '';
    const comment = kind === 'e'
      ? (r.src
        ? `Add attachment ${srcLink} to tech note [/technote/${t16}|${t10}]`
        : `Delete attachment "${h(name)}" from tech note [/technote/${t16}|${t10}]`)
      : (r.src
        ? `Add attachment ${srcLink} to ticket [${t16}|${t10}]`
        : `Delete attachment "${h(name)}" from ticket [${t16}|${t10}]`);
    update.run(comment, kind, r.attachid);
  }
}
