/**
 * Wiki page versions: the `wiki-<title>` tag (valued with the text length, so 0 marks a deleted
 * page), the timeline entry ("+Title" new, ":Title" edited, "-Title" deleted), and a deferred
 * refresh of the page's backlinks from whichever version ends up newest.
 */
import type { Artifact } from '../../fossil/artifact-types.ts';
import { insertTag } from './tags.ts';
import type { CrosslinkSession } from './session.ts';
import { standaloneString } from '../../fossil/bytes.ts';
import { timeOf, userOf } from './fields.ts';

const isCSpace = (b: number) => b === 0x20 || (b >= 0x09 && b <= 0x0d);

/** Bytes of W-card text after leading whitespace, up to any NUL (upstream uses strlen). */
export function bodyLength(w: Uint8Array | undefined): number {
  if (!w) return 0;
  let start = 0;
  while (start < w.length && isCSpace(w[start]!)) start++;
  const nul = w.indexOf(0, start);
  return (nul >= 0 ? nul : w.length) - start;
}

export function crosslinkWiki(s: CrosslinkSession, rid: number, a: Artifact): void {
  const title = a.wikiTitle ?? '';
  const length = bodyLength(a.wiki);
  insertTag(s, `wiki-${title}`, 1, String(length), rid, timeOf(a), rid);
  // The previous version was made a phantom by the version links if it had not arrived yet.
  const prior = a.parents.length > 0 ? s.ridOf(a.parents[0]!) : 0;
  const prefix = length <= 0 ? '-' : prior ? ':' : '+';
  s.pendingWikiPages.add(standaloneString(title));
  s.db.prepare("REPLACE INTO event(type,mtime,objid,user,comment) VALUES('w',?,?,?,?)")
    .run(timeOf(a), rid, userOf(a), prefix + title);
}
