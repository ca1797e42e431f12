// rulescope inside another page (an iframe in an internal portal).
// URL query (before the #): `embed=1` hides the site chrome, `theme=light|dark`
// picks the colours, `parent_origin=https://a.example,https://b.example`
// lists the only origins whose messages are obeyed and to which the app posts.
// Messages (see README, "Embedding"):
//   host -> app  {type:"navigate", route} {type:"setFilters", query} {type:"setTheme", theme}
//   app -> host  {type:"ready", route} {type:"view", route} {type:"height", px}
// Anything else, or any message from another origin, is ignored with a
// console warning. Nothing is ever posted to "*".
(() => {
  'use strict';
  const params = new URLSearchParams(location.search);
  const root = document.documentElement;
  const THEMES = ['light', 'dark'];

  function setTheme(theme) {
    if (!THEMES.includes(theme)) return false;
    root.dataset.theme = theme;
    return true;
  }

  if (params.get('embed') === '1') root.dataset.embed = '';
  if (params.has('theme') && !setTheme(params.get('theme'))) {
    console.warn('rulescope: theme must be light or dark, got', params.get('theme'));
  }

  const allowed = (params.get('parent_origin') ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => {
      try {
        return origin !== '' && new URL(origin).origin === origin;
      } catch {
        console.warn('rulescope: parent_origin entry is not an origin:', origin);
        return false;
      }
    });
  if (window.parent === window || allowed.length === 0) return;

  // The host's own origin when the browser tells it, so a list of several
  // portals never posts to one that is not the actual parent.
  const ancestor = location.ancestorOrigins?.[0] ?? (document.referrer && new URL(document.referrer).origin);
  const target = allowed.includes(ancestor) ? ancestor : allowed.length === 1 ? allowed[0] : null;

  function post(message) {
    if (target) window.parent.postMessage(message, target);
  }

  /** The route as the app writes it in the hash: `/technique/T1059.001?vendor=sigma`. */
  function route() {
    return location.hash.replace(/^#/, '') || '/';
  }

  const isText = (value, max) => typeof value === 'string' && value.length <= max;
  const HANDLERS = {
    navigate: {
      valid: (m) => isText(m.route, 2000) && (m.route === '' || m.route.startsWith('/')),
      run: (m) => {
        location.hash = m.route;
      },
    },
    setFilters: {
      valid: (m) => isText(m.query, 2000) && !m.query.includes('#'),
      run: (m) => {
        const path = route().split('?')[0];
        const query = m.query.replace(/^\?/, '');
        location.hash = query ? `${path}?${query}` : path;
      },
    },
    setTheme: {
      valid: (m) => THEMES.includes(m.theme),
      run: (m) => setTheme(m.theme),
    },
  };

  window.addEventListener('message', (event) => {
    if (event.source !== window.parent || !allowed.includes(event.origin)) {
      console.warn('rulescope: ignored a message from', event.origin);
      return;
    }
    const message = event.data;
    const handler =
      message && typeof message === 'object' && Object.hasOwn(HANDLERS, message.type)
        ? HANDLERS[message.type]
        : null;
    if (!handler || !handler.valid(message)) {
      console.warn('rulescope: ignored a malformed or unknown message:', message);
      return;
    }
    handler.run(message);
  });

  window.addEventListener('hashchange', () => post({ type: 'view', route: route() }));
  window.addEventListener('TrunkApplicationStarted', () => post({ type: 'ready', route: route() }));

  let lastHeight = -1;
  new ResizeObserver(() => {
    const px = Math.ceil(root.scrollHeight);
    if (px === lastHeight) return;
    lastHeight = px;
    post({ type: 'height', px });
  }).observe(root);
})();
