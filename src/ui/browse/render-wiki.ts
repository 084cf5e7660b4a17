/**
 * Repository text (wiki pages, technotes, forum posts, ticket comments) to safe DOM. Markdown
 * goes through `marked`, Fossil wiki markup through the small converter below, plain text stays
 * text; then DOMPurify removes every script, style, event handler and dangerous URL, and links
 * are pointed at this app's pages (links.ts). Nothing from the repository ever runs.
 */
import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { appHref } from './links.ts';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' })[c]};`);

/** `[target]` and `[target|label]` in a run of text (outside tags) become anchors. */
function wikiLinks(text: string): string {
  return text.replace(/\[([^\[\]|\n]+?)(?:\s*\|\s*([^\[\]\n]*?))?\]/g, (_, target: string, label?: string) =>
    `<a href="${escapeHtml(target.trim())}">${label?.trim() || escapeHtml(target.trim())}</a>`);
}

/** Apply wiki links to text between HTML tags only. */
function inline(s: string): string {
  return s.split(/(<[^>]*>)/).map((part, i) => (i % 2 ? part : wikiLinks(part))).join('');
}

const BULLET = /^(?:\s{2,}|\t)[*•]\s+(.*)$/;
const ENUM = /^(?:\s{2,}|\t)(?:#|\d+\.)\s+(.*)$/;
const INDENT = /^(?:\s{2,}|\t)(\S.*)$/;

/** Fossil wiki markup (wikiformat.c, in its common subset) to HTML. */
export function fossilWikiToHtml(src: string): string {
  const kept: string[] = [];
  const keep = (html: string) => `\u0000${kept.push(html) - 1}\u0000`;
  let s = src.replace(/<verbatim(?:\s[^>]*)?>([\s\S]*?)(?:<\/verbatim>|$)/gi, (_, body: string) => keep(`<pre class="verbatim">${escapeHtml(body.replace(/^\n/, ''))}</pre>`));
  s = s.replace(/<nowiki>([\s\S]*?)(?:<\/nowiki>|$)/gi, (_, body: string) => keep(body));
  const out: string[] = [];
  for (const block of s.split(/\n[ \t]*\n/)) {
    const lines = block.split('\n').filter((l, i, a) => l.trim() !== '' || (i > 0 && i < a.length - 1));
    if (!lines.length) continue;
    if (lines.every((l) => BULLET.test(l) || ENUM.test(l) || /^\s+\S/.test(l))) {
      const ordered = ENUM.test(lines[0]!);
      if (BULLET.test(lines[0]!) || ordered) {
        const items: string[] = [];
        for (const l of lines) {
          const m = BULLET.exec(l) ?? ENUM.exec(l);
          if (m) items.push(m[1]!);
          else items[items.length - 1] += ` ${l.trim()}`;
        }
        const tag = ordered ? 'ol' : 'ul';
        out.push(`<${tag}>${items.map((it) => `<li>${inline(it)}</li>`).join('')}</${tag}>`);
        continue;
      }
      if (lines.every((l) => INDENT.test(l))) {
        out.push(`<blockquote>${inline(lines.map((l) => l.trim()).join('\n'))}</blockquote>`);
        continue;
      }
    }
    const text = lines.join('\n');
    const html = inline(text);
    out.push(/^\s*(\u0000\d+\u0000|<(h\d|pre|table|ul|ol|div|blockquote|p|hr)\b)/i.test(text) ? html : `<p>${html}</p>`);
  }
  return out.join('\n').replace(/\u0000(\d+)\u0000/g, (_, i: string) => kept[Number(i)]!);
}

export function markdownToHtml(src: string): string {
  return marked.parse(src, { async: false, gfm: true });
}

export function toHtml(text: string, mimetype: string): string {
  if (/markdown/i.test(mimetype)) return markdownToHtml(text);
  if (/plain/i.test(mimetype)) return `<pre class="plain-text">${escapeHtml(text)}</pre>`;
  return fossilWikiToHtml(text);
}

const FORBID_TAGS = ['style', 'script', 'form', 'input', 'button', 'textarea', 'select', 'option', 'iframe', 'frame', 'frameset', 'object', 'embed', 'link', 'meta', 'base', 'svg', 'math', 'template', 'dialog'];

/** Where a link leads: a document's own resolver (relative links) before the app's (links.ts). */
export type LinkResolver = (href: string) => { href: string; external: boolean } | undefined;

/** Sanitized DOM for repository text, its links pointing into the repository `repo`. */
export function renderRepoText(repo: string, text: string, mimetype: string, resolveLink?: LinkResolver): DocumentFragment {
  const frag = DOMPurify.sanitize(toHtml(text, mimetype), {
    RETURN_DOM_FRAGMENT: true,
    FORBID_TAGS,
    FORBID_ATTR: ['style', 'srcset', 'action', 'formaction', 'xlink:href'],
    ALLOW_DATA_ATTR: false,
  });
  for (const a of frag.querySelectorAll('a')) {
    const href = a.getAttribute('href');
    const to = href ? resolveLink?.(href) ?? appHref(repo, href) : undefined;
    a.removeAttribute('target');
    if (!to) {
      a.removeAttribute('href');
      a.classList.add('dead-link');
    } else {
      a.setAttribute('href', to.href);
      if (to.external) {
        a.setAttribute('target', '_blank');
        a.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    }
  }
  // Images from elsewhere would leak who reads the page (and fail offline): only inline data.
  for (const img of frag.querySelectorAll('img')) {
    if (!/^data:image\/(png|gif|jpeg|webp);/i.test(img.getAttribute('src') ?? '')) img.replaceWith(Object.assign(document.createElement('span'), { className: 'muted', textContent: `[image ${img.getAttribute('alt') ?? ''}]` }));
  }
  return frag;
}

/** A one-line comment (timeline, check-in): wiki links and inline HTML, sanitized, no blocks. */
export function renderInline(repo: string, text: string): DocumentFragment {
  const frag = renderRepoText(repo, `<nowiki>${inline(text)}</nowiki>`, 'text/x-fossil-wiki');
  for (const el of frag.querySelectorAll('p,pre,h1,h2,h3,h4,h5,h6,blockquote,ul,ol,table,div,hr,br')) el.replaceWith(...el.childNodes, ' ');
  return frag;
}
