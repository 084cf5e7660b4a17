/**
 * Where a link written in repository content leads in this app. Fossil's own URLs (`/info/HASH`,
 * `/wiki?name=…`, `/tktview/ID`, …), bare hashes and wiki page names become pages here; http,
 * https and mailto links stay external; anything else (javascript:, data:, …) goes nowhere.
 */

/** `#/repo/<name>/<section>/<args…>`, as route.ts's repoHash builds it (this module stays free of
 * browser globals so it can be tested outside a browser). */
function repoHash(name: string, section: string, ...args: string[]): string {
  return `#/repo/${[name, section, ...args].map(encodeURIComponent).join('/')}`;
}

const HEX = /^[0-9a-fA-F]{4,64}$/;

export function appHref(repo: string, raw: string): { href: string; external: boolean } | undefined {
  const href = raw.trim();
  if (!href) return undefined;
  if (/^(https?:|mailto:)/i.test(href)) return { href, external: true };
  if (href.startsWith('#')) return href.startsWith('#/') ? { href, external: false } : undefined;
  if (/^[a-z][a-z0-9+.-]*:/i.test(href)) return undefined;
  const local = (section: string, ...args: string[]) => ({ href: repoHash(repo, section, ...args), external: false });
  if (HEX.test(href)) return local('info', href.toLowerCase());
  const [path = '', query = ''] = href.replace(/^\.?\//, '/').split('?', 2) as [string, string?];
  const q = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean).map((p) => { try { return decodeURIComponent(p); } catch { return p; } });
  const [page = '', ...rest] = parts;
  if (!path.startsWith('/')) return local('wiki', href);
  switch (page) {
    case 'info': case 'ci': case 'vinfo': case 'artifact': case 'hexdump': case 'forumpost': case 'raw':
      return rest[0] ? local('info', rest[0]) : q.get('name') ? local('info', q.get('name')!) : undefined;
    case 'timeline': {
      if (q.get('c')) return local('info', q.get('c')!);
      const branch = q.get('r') ?? q.get('b');
      return branch ? { href: `${repoHash(repo, 'timeline')}?b=${encodeURIComponent(branch)}`, external: false } : local('timeline');
    }
    case 'wiki': case 'wikiedit':
      return local('wiki', ...(q.get('name') ? [q.get('name')!] : rest.length ? [rest.join('/')] : []));
    case 'tktview': case 'tktedit': case 'tinfo':
      return local('ticket', q.get('name') ?? rest[0] ?? '');
    case 'technote': case 'event':
      return local('technote', q.get('name') ?? rest[0] ?? '');
    case 'file': case 'doc':
      if (page === 'doc' && rest.length > 1) return local('doc', rest[0]!, ...rest.slice(1));
      return local('file', q.get('ci') ?? 'tip', ...(q.get('name') ? q.get('name')!.split('/') : rest));
    case 'finfo':
      return local('finfo', ...(q.get('name') ?? rest.join('/')).split('/'));
    case 'dir': case 'tree':
      return local('files', q.get('ci') ?? 'tip', ...(q.get('name') ?? '').split('/').filter(Boolean));
    case 'brlist': return local('branches');
    case 'taglist': return local('tags');
    case 'leaves': return local('leaves');
    case 'forum': return local('forum');
    case 'reportlist': case 'rptview': return local('tickets');
    case 'stat': return local('stats');
    default: return undefined;
  }
}
