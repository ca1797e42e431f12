// Trunk's post_build hook (run with the staging folder in TRUNK_STAGING_DIR,
// before Trunk moves it to dist/). It makes the three hosted forms work:
// - index.html gets no inline script: Trunk's bootstrap moves to an external
//   `boot-<hash>.js`, so `script-src 'self' 'wasm-unsafe-eval'` is enough,
//   and a CSP <meta> is written as a floor for hosts that send no header;
// - `sw.js` precaches every file of this build (hashed names, so a rebuild
//   ships a new worker that replaces the old cache) for offline reloads;
// - the rules' original texts (`rulescope-texts.bin`, written beside the
//   bundle) are copied next to the page, which fetches them on the first
//   rule page;
// - `rulescope.html` is the whole app in one file (CSS, JS glue, the wasm
//   and the texts as base64 inlined) that runs from file://, where module
//   imports and fetch are blocked. The import worker (worker_loader.js,
//   worker.js, worker_bg.wasm) is precached like any file; the single file
//   leaves it out, since a page on file:// cannot start a worker from a
//   file, and the app then parses on the page's thread.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const stage = process.env.TRUNK_STAGING_DIR;
if (!stage) {
  console.error('post-build: TRUNK_STAGING_DIR is not set (run through trunk build)');
  process.exit(1);
}

/** The policy the page declares itself; headers may add frame-ancestors. */
const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'";

const indexPath = path.join(stage, 'index.html');
let index = readFileSync(indexPath, 'utf8');

function fail(reason) {
  console.error(`post-build: ${reason}`);
  process.exit(1);
}

function shortHash(text) {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

const inlineScripts = [...index.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].filter(
  ([, attrs]) => !/\bsrc=/.test(attrs),
);
const bootstrap = inlineScripts.find(([, , body]) => body.includes('TrunkApplicationStarted'));
if (!bootstrap) fail('no Trunk bootstrap script in index.html');
// `trunk serve` adds its inline live-reload script: no CSP <meta> then.
const onlyBootstrap = inlineScripts.length === 1;
if (!onlyBootstrap) console.log('post-build: other inline scripts (trunk serve?): no CSP <meta>');

const glueName = bootstrap[2].match(/from '\.\/([^']+\.js)'/)?.[1];
const wasmName = bootstrap[2].match(/module_or_path: '\.\/([^']+\.wasm)'/)?.[1];
if (!glueName || !wasmName) fail('cannot find the JS glue and wasm names in the bootstrap');

// The service worker only registers over http(s); the single file never loads this.
const bootBody = `${bootstrap[2].trim()}

if ('serviceWorker' in navigator && location.protocol.startsWith('http')) {
  navigator.serviceWorker.register('./sw.js').catch((err) => {
    console.warn('rulescope: offline cache unavailable:', err.message);
  });
}
`;
const bootName = `boot-${shortHash(bootBody)}.js`;
writeFileSync(path.join(stage, bootName), bootBody);
index = index.replace(bootstrap[0], `<script type="module" src="./${bootName}"></script>`);
if (onlyBootstrap) {
  index = index.replace(
    /<meta charset="utf-8" \/>/,
    (charset) => `${charset}\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`,
  );
  if (!index.includes('Content-Security-Policy')) fail('no <meta charset> to put the CSP after');
}
writeFileSync(indexPath, index);

const TEXTS = 'rulescope-texts.bin';
const bundleDir = process.env.RULESCOPE_BUNDLE
  ? path.dirname(process.env.RULESCOPE_BUNDLE)
  : path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'target', 'bundle');
if (!existsSync(path.join(bundleDir, TEXTS))) fail(`${TEXTS} is missing in ${bundleDir}: run scripts/build-bundle.sh`);
copyFileSync(path.join(bundleDir, TEXTS), path.join(stage, TEXTS));
const WORKER_FILES = ['worker_loader.js', 'worker.js', 'worker_bg.wasm'];
const missingWorker = WORKER_FILES.filter((name) => !existsSync(path.join(stage, name)));
if (missingWorker.length) fail(`the import worker is missing: ${missingWorker.join(', ')}`);

const files = readdirSync(stage, { withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name !== 'sw.js' && entry.name !== 'rulescope.html')
  .map((entry) => entry.name)
  .sort();
const precache = ['./', ...files.map((name) => `./${name}`)];
const cacheName = `rulescope-${shortHash(
  files.map((name) => name + shortHash(readFileSync(path.join(stage, name)))).join('\n'),
)}`;
const sw = readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), 'sw.template.js'), 'utf8')
  .replace('__CACHE_NAME__', JSON.stringify(cacheName))
  .replace('__PRECACHE__', JSON.stringify(precache));
writeFileSync(path.join(stage, 'sw.js'), sw);

const cssLinks = [...index.matchAll(/<link rel="stylesheet" href="\.\/([^"]+)"[^>]*\/?>/g)];
let single = index;
for (const [tag, name] of cssLinks) {
  const css = readFileSync(path.join(stage, name), 'utf8');
  single = single.replace(tag, () => `<style>\n${css}\n</style>`);
}
for (const [tag, name] of single.matchAll(/<script src="\.\/([^"]+\.js)"[^>]*><\/script>/g)) {
  const script = readFileSync(path.join(stage, name), 'utf8').replace(/<\/script/gi, '<\\/script');
  single = single.replace(tag, () => `<script>\n${script}\n</script>`);
}
const glue = readFileSync(path.join(stage, glueName), 'utf8');
const wasmBase64 = readFileSync(path.join(stage, wasmName)).toString('base64');
const textsBase64 = readFileSync(path.join(stage, TEXTS)).toString('base64');
// `</script` cannot occur in base64 and is escaped if the glue ever holds it.
const inlineBoot = `<script type="module">
${glue.replace(/<\/script/gi, '<\\/script')}
{
  const text = document.getElementById('rulescope-wasm').textContent;
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const instance = await __wbg_init({ module_or_path: bytes });
  dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm: instance } }));
}
</script>`;
single = single
  .replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/, '')
  .replace(/<link rel="(?:modulepreload|preload)"[^>]*>/g, '')
  .replace(`<script type="module" src="./${bootName}"></script>`, () =>
    `<script type="application/octet-stream" id="rulescope-wasm">${wasmBase64}</script>\n` +
      `<script type="application/octet-stream" id="rulescope-texts">${textsBase64}</script>\n${inlineBoot}`,
  );
if (/<link rel="stylesheet"|src="\.\//.test(single)) fail('the single file still refers to other files');
writeFileSync(path.join(stage, 'rulescope.html'), single);
console.log(
  `post-build: ${bootName}, sw.js (${precache.length} files, ${cacheName}), ` +
    `rulescope.html (${single.length} bytes)`,
);
