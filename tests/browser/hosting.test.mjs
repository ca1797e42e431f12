// The three hosted forms of the built app: a static sub-folder under a
// strict Content-Security-Policy that makes no request elsewhere, an offline
// reload through the service worker, the single file from file://, and an
// iframe driven by a host page on another origin through postMessage.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { DIST_DIR, launchBrowser, openPage } from './lib.mjs';
import { serveDir } from './server.mjs';

const TECHNIQUE = 'T1059.001';
const SUB_PATH = '/some/sub/path/';
/** The header a portal admin sends (README, "Embedding"). */
const CSP_HEADER =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; " +
  'frame-ancestors *';
const SERVE = { prefix: SUB_PATH, headers: { 'content-security-policy': CSP_HEADER } };

let browser;
let scratch;
before(async () => {
  browser = await launchBrowser();
  scratch = mkdtempSync(path.join(tmpdir(), 'rulescope-hosting-'));
});
after(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/**
 * Reports CSP violations of every frame as console errors, which openPage
 * collects, and aborts any request that does not go to `allowedOrigins`,
 * recording it in `foreign`.
 */
function guard(allowedOrigins, foreign) {
  return async (page) => {
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || allowedOrigins.includes(new URL(url).origin)) {
        return route.continue();
      }
      foreign.push(url);
      return route.abort();
    });
  };
}

async function techniqueShown(frame) {
  const count = frame.getByTestId('rule-count');
  await count.waitFor().catch(async (err) => {
    const shown = (await frame.locator('body').innerText()).slice(0, 500);
    throw new Error(`${err.message}\npage text: ${shown}`);
  });
  assert.match((await count.textContent()).trim(), /^[1-9]\d*$/, 'rule count');
}

function cleanLoad(problems, foreign) {
  assert.deepEqual(foreign, [], 'requests to other origins');
  assert.deepEqual(problems, [], 'console errors, CSP violations or failed requests');
}

test(`under ${SUB_PATH} with a strict CSP, no request leaves the server`, async () => {
  const server = await serveDir(DIST_DIR, SERVE);
  const foreign = [];
  const requests = [];
  try {
    const url = `${server.url}#/technique/${TECHNIQUE}`;
    const { page, problems } = await openPage(browser, url, async (p) => {
      p.on('request', (req) => requests.push(req.url()));
      await guard([new URL(server.url).origin], foreign)(p);
    });
    await techniqueShown(page);
    assert.ok(requests.some((r) => r.endsWith('.wasm')), 'the wasm came from the sub-path');
    assert.ok(requests.every((r) => r.startsWith(server.url)), `outside ${SUB_PATH}: ${requests}`);
    assert.equal(await page.locator('script:not([src])').count(), 0, 'inline scripts');
    cleanLoad(problems, foreign);
    await page.close();
  } finally {
    await server.close();
  }
});

test('after one load the page reloads offline from the service worker', async () => {
  const server = await serveDir(DIST_DIR, SERVE);
  const foreign = [];
  const { page, problems } = await openPage(
    browser,
    `${server.url}#/technique/${TECHNIQUE}`,
    guard([new URL(server.url).origin], foreign),
  );
  try {
    await techniqueShown(page);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  } finally {
    await server.close();
  }
  await page.reload();
  await techniqueShown(page);
  cleanLoad(problems, foreign);
  await page.close();
});

test('the single file renders a technique from file://', async () => {
  const single = path.join(DIST_DIR, 'rulescope.html');
  const url = `${pathToFileURL(single).href}#/technique/${TECHNIQUE}`;
  const foreign = [];
  const { page, problems } = await openPage(browser, url, guard([], foreign));
  await techniqueShown(page);
  cleanLoad(problems, foreign);
  console.log(`rulescope.html: ${statSync(single).size} bytes`);
  await page.close();
});

test('a host page on another origin drives the embedded app; others are ignored', async () => {
  const app = await serveDir(DIST_DIR, SERVE);
  const host = await serveDir(DIST_DIR);
  const stranger = await serveDir(scratch);
  const origins = [app, host, stranger].map((s) => new URL(s.url).origin);
  const foreign = [];
  try {
    const { page, problems } = await openPage(
      browser,
      `${host.url}embed-host.html?app=${encodeURIComponent(`${app.url}index.html`)}`,
      guard(origins, foreign),
    );
    const frame = page.frameLocator('#rulescope');
    await frame.locator('main').first().waitFor();
    await assert.rejects(frame.locator('header.top').waitFor({ state: 'visible', timeout: 500 }),
      'embed=1 hides the header');
    await page.getByText('(none yet)').waitFor({ state: 'detached' });

    await page.click('#go');
    await techniqueShown(frame);
    await page.locator('#view', { hasText: `/technique/${TECHNIQUE}` }).waitFor();
    await page.waitForFunction(() => Number(document.getElementById('rulescope').height) > 300);

    await page.click('#dark');
    await frame.locator('html[data-theme="dark"]').waitFor({ state: 'attached' });
    cleanLoad(problems, foreign);

    // A page of a third origin frames the app for the host's origin: its
    // messages must change nothing.
    writeFileSync(
      path.join(scratch, 'stranger.html'),
      `<!doctype html><link rel="icon" href="data:,"><iframe id="f" src="${app.url}index.html?embed=1&parent_origin=${encodeURIComponent(origins[1])}#/"></iframe>`,
    );
    const other = await openPage(browser, `${stranger.url}stranger.html`, guard(origins, foreign));
    const ignored = new Promise((resolve) =>
      other.page.on('console', (m) => m.text().includes('ignored a message') && resolve()),
    );
    await other.page.frameLocator('#f').locator('main').first().waitFor();
    await other.page.evaluate((target) => {
      document.getElementById('f').contentWindow.postMessage(
        { type: 'navigate', route: '/technique/T1059.001' }, target);
    }, origins[0]);
    await ignored;
    const hash = await other.page.frames()[1].evaluate(() => location.hash);
    assert.equal(hash, '#/', 'the stranger navigated the app');
    cleanLoad(other.problems, foreign);
  } finally {
    await Promise.all([app.close(), host.close(), stranger.close()]);
  }
});
