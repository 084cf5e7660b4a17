/**
 * Routes live in the URL fragment (`#/`, `#/repo/<name>[/<section>/<args…>][?query]`, `#/clone?…`):
 * the app is one static page, so any web server (and the service worker offline) serves every
 * route. A repository's pages are sections (see `repo-sections.tsx`); `args` are the
 * URI-decoded path segments after the section, `query` the fragment's query string.
 */
import { createSignal } from 'solid-js';

export type Route =
  | { page: 'home' }
  | { page: 'repo'; name: string; section: string; args: string[]; query: URLSearchParams }
  | { page: 'clone'; link: string };

function parse(hash: string): Route {
  if (hash.startsWith('#/clone?')) return { page: 'clone', link: hash };
  const m = /^#\/repo\/([^/?]+)((?:\/[^?]*)?)(?:\?(.*))?$/.exec(hash);
  if (m) {
    const [section = '', ...args] = m[2]!.split('/').slice(1).map(decodeURIComponent);
    return { page: 'repo', name: decodeURIComponent(m[1]!), section, args, query: new URLSearchParams(m[3] ?? '') };
  }
  return { page: 'home' };
}

const [route, setRoute] = createSignal<Route>(parse(location.hash));
addEventListener('hashchange', () => setRoute(parse(location.hash)));

export { route };

export function go(hash: string, replace = false): void {
  if (replace) {
    history.replaceState(null, '', hash);
    setRoute(parse(hash));
  } else {
    location.hash = hash;
  }
}

/** The link to a repository page: `repoHash('r')`, `repoHash('r', 'checkin', uuid)`, `repoHash('r', 'file', uuid, 'src/a.c')`. */
export function repoHash(name: string, section?: string, ...args: string[]): string {
  const parts = [name, ...(section ? [section, ...args] : [])].map(encodeURIComponent);
  return `#/repo/${parts.join('/')}`;
}
