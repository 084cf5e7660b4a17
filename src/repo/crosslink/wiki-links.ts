/**
 * Hyperlink targets in Fossil wiki markup, as upstream's wiki_extract_links finds them:
 * `[target]` and `[target|label]` anywhere wiki markup is active, but not inside
 * `<verbatim>...</verbatim>` or `<nowiki>...</nowiki>`. Other HTML tags are stepped over whole,
 * so a bracket inside an attribute value is not a link. With the `wiki-use-html` setting the
 * markup is not interpreted at all and every bracket pair counts.
 */

/** Tag names the wiki renderer knows; anything else after `<` is plain text. */
const KNOWN_MARKUP = new Set(
  ('a abbr address article aside b big blockquote br center cite code col colgroup dd del dfn div dl dt em ' +
    'font footer h1 h2 h3 h4 h5 h6 header hr i img ins kbd li nav nobr nowiki ol p pre s samp section small ' +
    'span strike strong sub sup table tbody td tfoot th thead title tr tt u ul var verbatim').split(' '),
);

const isAlpha = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isAlnum = (c: string) => isAlpha(c) || (c >= '0' && c <= '9');
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';

/** Length of the HTML tag starting at z[i] ('<'), or 0 if it is not well-formed markup. */
function htmlTagLength(z: string, i: number): number {
  let n = i + 1;
  if (z[n] === '/') n++;
  if (!isAlpha(z[n] ?? '')) return 0;
  while (isAlnum(z[n] ?? '') || z[n] === '-') n++;
  const c = z[n] ?? '';
  if (c === '/' && z[n + 1] === '>') return n + 2 - i;
  if (c !== '>' && !isSpace(c)) return 0;
  let quote = '';
  for (; n < z.length; n++) {
    const ch = z[n]!;
    if (ch === '>' && !quote) break;
    if (ch === quote) quote = '';
    else if (!quote && (ch === '"' || ch === "'")) quote = ch;
  }
  if (z[n] !== '>') return 0;
  return n + 1 - i;
}

interface Markup {
  name: string;
  end: boolean;
  /** Whether the tag gives an id (`id=...`, or the `<name-ID>` shorthand). */
  hasId: boolean;
}

function parseMarkup(tag: string): Markup {
  const m = /^<(\/?)([A-Za-z0-9]*)(-)?/.exec(tag)!;
  const end = m[1] === '/';
  const hasId = m[3] !== undefined || (!end && /\sid\s*=/i.test(tag));
  return { name: m[2]!.toLowerCase(), end, hasId };
}

/** Length of `[...]` starting at z[i], or 0 when no `]` follows. */
function linkLength(z: string, i: number): number {
  const close = z.indexOf(']', i);
  return close < 0 ? 0 : close + 1 - i;
}

/** The target part of a link token: up to `|` or `]`, trailing spaces removed. */
function linkTarget(token: string): string {
  let end = 1;
  while (end < token.length && token[end] !== '|' && token[end] !== ']') end++;
  let t = token.slice(1, end);
  while (t.length > 1 && t.endsWith(' ')) t = t.slice(0, -1);
  return t;
}

export function wikiLinkTargets(text: string, htmlOnly = false): string[] {
  const nul = text.indexOf('\0');
  const z = nul >= 0 ? text.slice(0, nul) : text;
  const out: string[] = [];
  if (htmlOnly) {
    for (let i = z.indexOf('['); i >= 0; i = z.indexOf('[', i + 1)) {
      const n = linkLength(z, i);
      if (n === 0) break;
      out.push(linkTarget(z.slice(i, i + n)));
      i += n - 1;
    }
    return out;
  }
  let allowWiki = true;
  let inVerbatim = false;
  let verbatimHasId = false;
  let wikiBeforeVerbatim = true;
  let i = 0;
  while (i < z.length) {
    const c = z[i]!;
    if (c === '<') {
      const n = htmlTagLength(z, i);
      if (n === 0) {
        i++;
        continue;
      }
      const m = parseMarkup(z.slice(i, i + n));
      if (inVerbatim) {
        // Upstream compares the end tag's id with a pointer into its own (restored) input,
        // which never matches: a <verbatim> given an id stays open to the end of the text.
        const closes = m.name === 'verbatim' && m.end && !verbatimHasId;
        if (closes) {
          inVerbatim = false;
          allowWiki = wikiBeforeVerbatim;
          i += n;
        } else {
          i++;
        }
        continue;
      }
      if (!KNOWN_MARKUP.has(m.name)) {
        i++; // not markup the renderer knows: the '<' is just a character
        continue;
      }
      if (m.name === 'nowiki') {
        allowWiki = m.end;
      } else if (m.name === 'verbatim' && !m.end) {
        inVerbatim = true;
        wikiBeforeVerbatim = allowWiki;
        allowWiki = false;
        verbatimHasId = m.hasId;
      }
      i += n;
      continue;
    }
    if (c === '[' && allowWiki) {
      const n = linkLength(z, i);
      if (n > 0) {
        out.push(linkTarget(z.slice(i, i + n)));
        i += n;
        continue;
      }
    }
    i++;
  }
  return out;
}
