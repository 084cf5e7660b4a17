/**
 * The preview of a wiki page being written: Markdown through marked, Fossil wiki as its HTML
 * subset with blank-line paragraphs and [target|label] links, plain text as text. Always passed
 * through DOMPurify, so nothing in the text runs.
 */
import { marked } from 'marked';
import DOMPurify from 'dompurify';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function fossilWiki(text: string): string {
  const links = text.replace(/\[([^\]|\n]+)(?:\|([^\]\n]+))?\]/g, (_, target: string, label?: string) => {
    const t = target.trim();
    const href = /^(https?:|mailto:)/.test(t) ? t : `#wiki:${encodeURIComponent(t)}`;
    return `<a href="${escapeHtml(href)}">${escapeHtml((label ?? t).trim())}</a>`;
  });
  return links.split(/\n\s*\n/).map((p) => (p.trim() ? `<p>${p}</p>` : '')).join('\n');
}

export function previewHtml(text: string, mimetype: string): string {
  let html: string;
  if (mimetype === 'text/x-markdown') html = marked.parse(text, { async: false });
  else if (mimetype === 'text/plain') html = `<pre>${escapeHtml(text)}</pre>`;
  else html = fossilWiki(text);
  return DOMPurify.sanitize(html, { FORBID_TAGS: ['style', 'form', 'input', 'button'], FORBID_ATTR: ['style'] });
}
