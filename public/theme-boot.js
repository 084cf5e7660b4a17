// Applies the remembered light/dark choice before the app's styles paint (src/ui/shell/theme.ts
// keeps it up to date afterwards), so a dark page never flashes light while the app loads.
(function () {
  var c = null;
  try { c = localStorage.getItem('edgesync-theme'); } catch (e) { /* storage refused */ }
  var dark = c === 'dark' || (c !== 'light' && matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.setAttribute('data-theme', dark ? 'dark' : 'light');
})();
