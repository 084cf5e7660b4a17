/**
 * Routes live in the URL fragment (`#/`, `#/repo/<name>`, `#/clone?…`): the app is one static
 * page, so any web server (and the service worker offline) serves every route.
 */
import { createSignal } from 'solid-js';

export type Route = { page: 'home' } | { page: 'repo'; name: string } | { page: 'clone'; link: string };

function parse(hash: string): Route {
  if (hash.startsWith('#/clone?')) return { page: 'clone', link: hash };
  const m = /^#\/repo\/([^/?]+)/.exec(hash);
  if (m) return { page: 'repo', name: decodeURIComponent(m[1]!) };
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

export const repoHash = (name: string) => `#/repo/${encodeURIComponent(name)}`;
