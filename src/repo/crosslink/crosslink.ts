/**
 * Crosslinking: deriving the repository's index tables (timeline, check-in graph, file changes,
 * tags, leaves, wiki, tickets, attachments, forum, backlinks) from artifacts, exactly as fossil
 * 2.21's manifest_crosslink does, so a repository we write reads the same in fossil and vice versa.
 *
 * Usage: open a session with beginCrosslink, call crosslinkArtifact for each new artifact (in any
 * order: each step copes with related artifacts being present or not yet), then endCrosslink to
 * do the work that needs the whole batch. withCrosslink wraps the three in one transaction.
 */
import type { Artifact } from '../../fossil/artifact-types.ts';
import { crosslinkAttachment } from './attachment.ts';
import { refreshWikiBacklinks } from './backlinks.ts';
import { crosslinkCheckin } from './checkin.ts';
import { crosslinkCluster } from './cluster.ts';
import { crosslinkControl } from './control.ts';
import { timeOf } from './fields.ts';
import { crosslinkForumPost } from './forum.ts';
import type { CrosslinkRepo } from './host.ts';
import { runLeafChecks } from './leaf.ts';
import { loadBaseline } from './manifest-files.ts';
import { applyParentTags } from './reparent.ts';
import {
  abandonSession, closeSession, CrosslinkSession, openSession,
} from './session.ts';
import { insertTag, propagateAllTags, tagTypeOf } from './tags.ts';
import { crosslinkTechnote } from './technote.ts';
import { crosslinkTicketChange, rebuildTicket } from './ticket.ts';
import { applyTimeFudges } from './time-fudge.ts';
import { addVersionLinks } from './version-links.ts';
import { crosslinkWiki } from './wiki.ts';

export type { CrosslinkSession };

/** Start (or join) a crosslink session on the repository. Call inside a transaction. */
export function beginCrosslink(repo: CrosslinkRepo): CrosslinkSession {
  return openSession(repo);
}

/**
 * Finish a session: apply `parent` tags, rebuild the tickets and wiki backlinks touched, nudge
 * check-in times, settle leaves. Only the outermost end of a joined session does the work.
 */
export function endCrosslink(s: CrosslinkSession): void {
  if (s.depth > 1) {
    closeSession(s);
    return;
  }
  try {
    applyParentTags(s);
    // Upstream keeps these in one table ordered by 't'/'w' + name: tickets first, each sorted.
    for (const id of [...s.pendingTickets].sort()) rebuildTicket(s, id);
    for (const title of [...s.pendingWikiPages].sort()) refreshWikiBacklinks(s, title);
    s.pendingTickets.clear();
    s.pendingWikiPages.clear();
    applyTimeFudges(s);
    runLeafChecks(s);
  } finally {
    closeSession(s);
  }
}

/**
 * Leave a session without finishing it, because its transaction (or savepoint) is being rolled
 * back. A joined session stays open for the code that joined it; the outermost one is dropped.
 */
export function abortCrosslink(s: CrosslinkSession): void {
  if (s.depth > 1) closeSession(s);
  else abandonSession(s);
}

/**
 * Link one artifact. content is its bytes (anything that is not a structural artifact is
 * ignored) or an already parsed artifact. Returns true if it was linked; false for plain content,
 * and for a delta-manifest whose baseline has not arrived (it is then recorded in `orphan` and
 * linked when the baseline comes: see crosslinkAvailable).
 */
export function crosslinkArtifact(s: CrosslinkSession, rid: number, content: Uint8Array | Artifact): boolean {
  const a = content instanceof Uint8Array ? s.artifacts.get(rid) ?? s.parse(content) : content;
  if (!a) return false;
  const outer = s.linkingRid;
  s.linkingRid = rid;
  try {
    return linkParsed(s, rid, a);
  } finally {
    s.linkingRid = outer;
  }
}

function linkParsed(s: CrosslinkSession, rid: number, a: Artifact): boolean {
  if (a.type === 'manifest' && !loadBaseline(s, rid, a)) return false;

  let primaryParent = 0;
  if (a.type === 'manifest') primaryParent = crosslinkCheckin(s, rid, a);
  if (a.type === 'cluster') crosslinkCluster(s, rid, a);
  if (a.type === 'control' || a.type === 'manifest' || a.type === 'technote') {
    for (const t of a.tags) {
      const target = t.target === '*' ? rid : s.ensure(t.target);
      if (target) insertTag(s, t.name, tagTypeOf(t.op), t.value ?? null, rid, timeOf(a), target);
    }
    if (primaryParent) propagateAllTags(s, primaryParent);
  }
  if (a.type === 'wiki' || a.type === 'forum' || a.type === 'technote') addVersionLinks(s, rid, a);
  switch (a.type) {
    case 'wiki': crosslinkWiki(s, rid, a); break;
    case 'technote': crosslinkTechnote(s, rid, a); break;
    case 'ticket': crosslinkTicketChange(s, rid, a); break;
    case 'attachment': crosslinkAttachment(s, rid, a); break;
    case 'control': crosslinkControl(s, rid, a); break;
    case 'forum': crosslinkForumPost(s, rid, a); break;
    default: break;
  }
  if (a.type === 'manifest') s.artifacts.set(rid, a);
  return true;
}

/**
 * Link artifacts whose content has just become available (the content store's dephantomize
 * report), together with any delta-manifests that were waiting for one of them as a baseline.
 */
export function crosslinkAvailable(s: CrosslinkSession, rids: Iterable<number>): void {
  for (const rid of rids) {
    const bytes = s.content.tryGet(rid);
    if (bytes) crosslinkArtifact(s, rid, bytes);
    linkOrphansOf(s, rid);
  }
}

/** Link the delta-manifests recorded as waiting for baseline (upstream after_dephantomize). */
export function linkOrphansOf(s: CrosslinkSession, baseline: number): void {
  const waiting = s.db.prepare('SELECT rid FROM orphan WHERE baseline=?').column<number>(baseline);
  if (waiting.length === 0) return;
  for (const rid of waiting) {
    const bytes = s.content.tryGet(rid);
    if (bytes) crosslinkArtifact(s, rid, bytes);
  }
  s.db.prepare('DELETE FROM orphan WHERE baseline=?').run(baseline);
}

/** Run fn in a transaction with a crosslink session, finishing the session before commit. */
export function withCrosslink<T>(repo: CrosslinkRepo, fn: (s: CrosslinkSession) => T): T {
  return repo.db.transaction(() => {
    const s = beginCrosslink(repo);
    let result: T;
    try {
      result = fn(s);
    } catch (e) {
      abortCrosslink(s);
      throw e;
    }
    endCrosslink(s);
    return result;
  });
}
