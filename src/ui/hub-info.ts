/**
 * What the hub that served this page tells about itself (`/edgesync-hub.json`, written by
 * `edgesync hub`): its WebSocket URL and the repositories it serves. Missing when the app comes
 * from elsewhere; the user then types a hub address.
 */
export interface HubInfo {
  ws: string;
  repos: { projectCode: string; name: string }[];
  /** Read credentials for the served repositories, when the hub hands them out (hub --public-read). */
  read?: { user: string; password: string };
}

export async function fetchHubInfo(): Promise<HubInfo | undefined> {
  try {
    const r = await fetch('/edgesync-hub.json', { cache: 'no-store' });
    if (!r.ok) return undefined;
    const v = (await r.json()) as HubInfo;
    return typeof v.ws === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Call refetch whenever the page is shown again, and every so often while it is shown: a hub
 * serving a directory (`hub --repos DIR`) gains and loses repositories while the app stays open.
 */
export function refetchWhileShown(refetch: () => void, everyMs = 30_000): () => void {
  const onShow = () => {
    if (document.visibilityState === 'visible') refetch();
  };
  document.addEventListener('visibilitychange', onShow);
  const timer = setInterval(onShow, everyMs);
  return () => {
    document.removeEventListener('visibilitychange', onShow);
    clearInterval(timer);
  };
}
