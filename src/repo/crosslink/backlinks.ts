/**
 * The `backlink` table (upstream backlink.c): which documents link to which artifacts, so an
 * artifact's page can list what refers to it. Only links that name an artifact by (a prefix of)
 * its hash count, written as `hash` or `/info/hash`.
 */
import { markdownLinkTargets } from './markdown-links.ts';
import type { CrosslinkSession } from './session.ts';
import { wikiLinkTargets } from './wiki-links.ts';

/** backlink.srctype: what kind of document holds the link (upstream BKLNK_*). */
export const BacklinkSource = {
  comment: 0,
  ticket: 1,
  /** srcid is then the wiki page's tagid, not an artifact. */
  wiki: 2,
  technote: 3,
  forum: 4,
} as const;
export type BacklinkSource = (typeof BacklinkSource)[keyof typeof BacklinkSource];

/** Markup families (upstream MT_*). Unknown markup yields no links. */
export const MimeType = { none: 0, wiki: 1, markdown: 2, unknown: 3 } as const;
export type MimeType = (typeof MimeType)[keyof typeof MimeType];

/** The markup family of an N-card mimetype (upstream parse_mimetype). */
export function mimeTypeOf(mimetype: string | null | undefined): MimeType {
  if (mimetype === null || mimetype === undefined) return MimeType.none;
  if (mimetype.includes('wiki')) return MimeType.wiki;
  if (mimetype.includes('markdown')) return MimeType.markdown;
  return MimeType.unknown;
}

const MAX_HASH_LENGTH = 64;
const HEX = /^[0-9a-fA-F]+$/;

/** The backlink target a hyperlink stands for, or undefined if it does not name an artifact. */
export function backlinkTarget(link: string): string | undefined {
  let t = link;
  if (t.length < 4) return undefined;
  if (t.length >= 10 && t.startsWith('/info/')) t = t.slice(6);
  if (t.length > MAX_HASH_LENGTH || !HEX.test(t)) return undefined;
  return t.toLowerCase();
}

/**
 * Record the links in text as coming from document (srctype, srcid). With replace, the
 * document's earlier links are forgotten first.
 */
export function extractBacklinks(
  s: CrosslinkSession,
  text: string,
  mimetype: MimeType,
  srcid: number,
  srctype: BacklinkSource,
  mtime: number,
  replace: boolean,
): void {
  if (replace) s.db.prepare('DELETE FROM backlink WHERE srctype=? AND srcid=?').run(srctype, srcid);
  let links: string[];
  if (mimetype === MimeType.none || mimetype === MimeType.wiki) links = wikiLinkTargets(text, wikiUsesHtml(s));
  else if (mimetype === MimeType.markdown) links = markdownLinkTargets(text);
  else return;
  const insert = s.db.prepare('REPLACE INTO backlink(target,srctype,srcid,mtime) VALUES(?,?,?,?)');
  for (const link of links) {
    const target = backlinkTarget(link);
    if (target !== undefined) insert.run(target, srctype, srcid, mtime);
  }
}

const usesHtml = new WeakMap<CrosslinkSession, boolean>();

/** The `wiki-use-html` setting, read once per session as upstream reads it once per process. */
function wikiUsesHtml(s: CrosslinkSession): boolean {
  let v = usesHtml.get(s);
  if (v === undefined) {
    v = isTruthySetting(s.db.value<string | number>("SELECT value FROM config WHERE name='wiki-use-html'"));
    usesHtml.set(s, v);
  }
  return v;
}

/** fossil's db_get_boolean: "on", "yes", "true" or a non-zero number. */
function isTruthySetting(v: string | number | null | undefined): boolean {
  if (v === undefined || v === null) return false;
  const t = String(v).trim().toLowerCase();
  if (t === 'on' || t === 'yes' || t === 'true') return true;
  return Number.parseInt(t, 10) > 0;
}

/**
 * Re-derive a wiki page's links from its newest version (upstream backlink_wiki_refresh).
 * A page's links belong to the page (its tagid), not to any one version.
 */
export function refreshWikiBacklinks(s: CrosslinkSession, title: string): void {
  const tagid = s.tagId(`wiki-${title}`);
  if (!tagid) return;
  const rid = s.db.value<number>('SELECT rid FROM tagxref WHERE tagid=? ORDER BY mtime DESC LIMIT 1', tagid);
  if (!rid) return;
  const page = s.artifact(rid);
  if (!page || page.type !== 'wiki') return;
  extractBacklinks(s, wikiText(page.wiki), mimeTypeOf(page.mimetype), tagid, BacklinkSource.wiki, page.julian ?? 0, true);
}

const utf8 = new TextDecoder();

/** W-card text as a string; upstream treats it as a C string, so it ends at the first NUL. */
export function wikiText(w: Uint8Array | undefined): string {
  if (!w) return '';
  const nul = w.indexOf(0);
  return utf8.decode(nul >= 0 ? w.subarray(0, nul) : w);
}
