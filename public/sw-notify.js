// Imported by the service worker (vite.config.ts, workbox importScripts): a click on a chat
// notification shown through the registration (an installed app on Android) focuses a window of
// the app and opens the message's thread there, or opens a window when none is left.
self.addEventListener('notificationclick', (event) => {
  const url = event.notification.data && event.notification.data.url;
  event.notification.close();
  if (!url) return;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const win = windows.find((w) => new URL(w.url).origin === new URL(url).origin);
    if (win) {
      await win.focus();
      if ('navigate' in win) await win.navigate(url);
      return;
    }
    await self.clients.openWindow(url);
  })());
});
