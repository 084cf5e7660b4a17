/**
 * The service worker (built by vite-plugin-pwa: it precaches the whole app, so a reload works
 * offline), registered with workbox-window. A new version waits until the user says to update.
 */
import { Workbox } from 'workbox-window';
import { createSignal } from 'solid-js';

const [updateReady, setUpdateReady] = createSignal(false);
let wb: Workbox | undefined;

export { updateReady };

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  wb = new Workbox('/sw.js', { scope: '/' });
  wb.addEventListener('waiting', () => setUpdateReady(true));
  wb.addEventListener('controlling', () => location.reload());
  void wb.register();
}

export function applyUpdate(): void {
  wb?.messageSkipWaiting();
}
