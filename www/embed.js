// Runs before the app's WebAssembly loads, so the first paint already has
// the right layout and colours (the app then takes over, src/app/theme.rs
// and src/app/embed.rs, by the same rules):
// - `?embed=1` marks <html data-embed> (www/embed.css drops the site chrome);
// - <html data-theme> is `light` or `dark`: the `theme=` parameter
//   (light, dark, system), else the remembered choice (the embedded app
//   keeps its own, written only when the host asks), else the system's.
// The postMessage bridge is in the app itself (README, "Embedding").
(() => {
  'use strict';
  const params = new URLSearchParams(location.search);
  const root = document.documentElement;
  const embedded = params.get('embed') === '1';
  if (embedded) root.dataset.embed = '';

  const choices = ['system', 'light', 'dark'];
  let choice = params.get('theme');
  if (!choices.includes(choice)) {
    try {
      const stored = localStorage.getItem(embedded ? 'rulescope.embed.theme' : 'rulescope.theme');
      choice = stored === null ? 'system' : JSON.parse(stored);
    } catch {
      choice = 'system';
    }
  }
  if (choice !== 'light' && choice !== 'dark') {
    choice = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }
  root.dataset.theme = choice;
})();
