/**
 * Check-ins made within a couple of seconds of each other (or with a child stamped earlier than
 * its parent) would sort out of order on the timeline. Upstream nudges each such parent to 25 ms
 * before its child, repeating up to 30 times so that chains settle; the nudge only touches events
 * whose time was not set explicitly by a `date` tag. Reproduced step by step, including the quirk
 * that a child without its own entry stops the chain.
 */
import type { CrosslinkSession } from './session.ts';
import { TIME_FUDGE_WINDOW } from './mlink.ts';

const ADJUST_INCREMENT = 25.0 / 86400000.0;
const MAX_ROUNDS = 30;

export function applyTimeFudges(s: CrosslinkSession): void {
  const rows = [...s.timeFudges.entries()].map(([parent, f]) => ({
    parent,
    m1: f.parentTime,
    child: f.child,
    m2: f.childTime as number | null,
  }));
  s.timeFudges.clear();
  if (rows.length === 0) return;
  const byParent = new Map(rows.map((r) => [r.parent, r]));
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let changed = false;
    for (const r of rows) {
      if (r.m2 !== null && r.m1 >= r.m2 && r.m1 < r.m2 + TIME_FUDGE_WINDOW) {
        r.m1 = r.m2 - ADJUST_INCREMENT;
        changed = true;
      }
    }
    if (!changed) break;
    for (const r of rows) r.m2 = byParent.get(r.child)?.m1 ?? null;
  }
  const update = s.db.prepare('UPDATE event SET mtime=? WHERE objid=? AND (mtime=omtime OR omtime IS NULL)');
  for (const r of rows) update.run(r.m1, r.parent);
}
