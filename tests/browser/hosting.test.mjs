// The three hosted forms of the built app: a static sub-folder under a
// strict Content-Security-Policy that makes no request elsewhere, an offline
// reload through the service worker, the single file from file://, and an
// iframe driven by a host page on another origin through postMessage
// (navigate, loadRules, setFilters, setTheme; ready, view, height, select,
// rulesLoaded back), with malformed messages and other origins ignored.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { DIST_DIR, launchBrowser, openPage, reveal } from './lib.mjs';
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

/** A rule of the host's own, tagged with TECHNIQUE, handed over by loadRules. */
const HOST_RULE_ID = '7d1e2a4c-0000-4c1e-9f00-0000000e1b01';

/** The messages the example host page logged, oldest first. */
async function hostLog(page) {
  return page.locator('#log li').evaluateAll((items) => items.map((li) => JSON.parse(li.textContent)));
}

/**
 * Waits until the host page logged, after its first `since` messages, one
 * for which `match` is true; returns it.
 */
async function received(page, match, what, since = 0) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = (await hostLog(page)).slice(since).find(match);
    if (found) return found;
    if (Date.now() > deadline) {
      throw new Error(`no ${what} message; the host got ${JSON.stringify(await hostLog(page))}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('a host page on another origin drives the embedded app; others are ignored', async () => {
  // The deployment: dist/ with an embed.json next to index.html naming the
  // portal (the host page's origin) as the only one allowed.
  const deployed = path.join(scratch, 'app');
  cpSync(DIST_DIR, deployed, { recursive: true });
  const host = await serveDir(DIST_DIR);
  const hostOrigin = new URL(host.url).origin;
  writeFileSync(path.join(deployed, 'embed.json'), JSON.stringify({ parent_origins: [hostOrigin] }));
  const app = await serveDir(deployed, SERVE);
  const stranger = await serveDir(scratch);
  const appOrigin = new URL(app.url).origin;
  const origins = [appOrigin, hostOrigin, new URL(stranger.url).origin];
  const foreign = [];
  try {
    const warnings = [];
    const { page, problems } = await openPage(
      browser,
      `${host.url}embed-host.html?app=${encodeURIComponent(`${app.url}index.html`)}`,
      async (p) => {
        p.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
        await guard(origins, foreign)(p);
      },
    );
    const frame = page.frameLocator('#rulescope');
    const appFrame = () => page.frames().find((f) => f.url().startsWith(app.url));
    const ready = await received(page, (m) => m.type === 'ready', 'ready');
    assert.equal(ready.route, '/');
    await assert.rejects(frame.locator('header.top').waitFor({ state: 'visible', timeout: 500 }),
      'embed=1 hides the header');

    // navigate: the technique opens, the host hears the view and a height.
    await page.click('#go');
    await techniqueShown(frame);
    await received(page, (m) => m.type === 'view' && m.route === `/technique/${TECHNIQUE}`, 'view');
    await page.locator('#view', { hasText: `/technique/${TECHNIQUE}` }).waitFor();
    const height = await received(page, (m) => m.type === 'height' && m.px > 300, 'height > 300 px');
    await page.waitForFunction(() => Number(document.getElementById('rulescope').height) > 300);
    assert.ok(Number.isInteger(height.px));

    // loadRules: the host's rule is imported and counted on the technique page.
    const before = Number(await frame.getByTestId('rule-count').textContent());
    await page.locator('summary', { hasText: 'Load the portal' }).click();
    await page.click('#load');
    const loaded = await received(page, (m) => m.type === 'rulesLoaded', 'rulesLoaded');
    assert.deepEqual(loaded, { type: 'rulesLoaded', files: 1, rules: 1, failed: 0, duplicates: 0 });
    await frame.getByTestId('rule-count').filter({ hasText: new RegExp(`^${before + 1}$`) }).waitFor();

    // setFilters keeps the page; setTheme recolours it.
    await page.click('#sigma');
    await received(page, (m) => m.type === 'view' && m.route === `/technique/${TECHNIQUE}?vendor=sigma`, 'filtered view');
    await page.click('#dark');
    await frame.locator('html[data-theme="dark"]').waitFor({ state: 'attached' });

    // The user opens a rule inside the frame: the host hears a selection.
    // A host's navigate is not a selection, and a local rule is never named.
    let since = (await hostLog(page)).length;
    await page.evaluate((origin) => {
      document.getElementById('rulescope').contentWindow.postMessage(
        { type: 'navigate', view: 'technique', id: 'T1059.001' }, origin);
    }, appOrigin);
    await received(page, (m) => m.type === 'view' && m.route === `/technique/${TECHNIQUE}`, 'unfiltered view', since);
    since = (await hostLog(page)).length;
    await reveal(frame.locator('section[data-table="rules"]'));
    const ruleLink = frame.locator(`main a[href^="#/rule/"]:not([href*="${HOST_RULE_ID}"])`).first();
    const ruleId = decodeURIComponent((await ruleLink.getAttribute('href')).slice('#/rule/'.length));
    await ruleLink.click();
    const select = await received(page, (m) => m.type === 'select', 'select', since);
    since = (await hostLog(page)).length;
    assert.deepEqual(select, { type: 'select', kind: 'rule', id: ruleId });
    await page.evaluate(([origin, id]) => {
      document.getElementById('rulescope').contentWindow.postMessage({ type: 'navigate', view: 'rule', id }, origin);
    }, [appOrigin, HOST_RULE_ID]);
    await frame.locator('main .badge.local').first().waitFor();
    await received(page, (m) => m.type === 'view' && m.local === true, 'local view', since);
    const log = await hostLog(page);
    assert.equal(log.filter((m) => m.type === 'select').length, 1, `selections: ${JSON.stringify(log)}`);
    assert.ok(!JSON.stringify(log).includes(HOST_RULE_ID), 'a local rule id reached the host');
    assert.ok(log.every((m) => ['ready', 'view', 'height', 'select', 'rulesLoaded'].includes(m.type)));

    // Malformed or unknown messages from the allowed host change nothing.
    const hashBefore = await appFrame().evaluate(() => location.hash);
    const malformed = warnings.length;
    await page.evaluate((origin) => {
      const target = document.getElementById('rulescope').contentWindow;
      target.postMessage({ type: 'navigate', route: 42 }, origin);
      target.postMessage({ type: 'navigate', route: '/about', target: '_top' }, origin);
      target.postMessage({ type: 'runScript', code: 'alert(1)' }, origin);
      target.postMessage('navigate', origin);
      target.postMessage({ type: 'loadRules', files: [] }, origin);
    }, appOrigin);
    const deadline = Date.now() + 10_000;
    while (warnings.slice(malformed).filter((w) => w.includes('ignored a malformed or unknown message')).length < 5) {
      assert.ok(Date.now() < deadline, `warnings: ${warnings.slice(malformed)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(await appFrame().evaluate(() => location.hash), hashBefore);
    cleanLoad(problems, foreign);

    // Pages of a third origin frame the app, once naming the host's origin
    // and once their own (which embed.json does not allow): their messages
    // change nothing and they hear nothing.
    for (const claimed of [hostOrigin, origins[2]]) {
      writeFileSync(
        path.join(scratch, 'stranger.html'),
        `<!doctype html><link rel="icon" href="data:,"><iframe id="f" sandbox="allow-scripts allow-same-origin" src="${app.url}index.html?embed=1&parent_origin=${encodeURIComponent(claimed)}#/"></iframe>`,
      );
      const heard = [];
      const other = await openPage(browser, `${stranger.url}stranger.html`, async (p) => {
        await guard(origins, foreign)(p);
        await p.exposeFunction('heard', (m) => heard.push(m));
        // In the stranger's own window only (init scripts run in every frame).
        await p.addInitScript(() => {
          if (window === window.top) window.addEventListener('message', (e) => window.heard?.(e.data));
        });
      });
      let ignored = false;
      other.page.on('console', (m) => {
        if (m.text().includes('ignored a message from')) ignored = true;
      });
      await other.page.frameLocator('#f').locator('main').first().waitFor();
      const framed = () => other.page.frames().find((f) => f.url().startsWith(app.url));
      // The app listens once its start-up (embed.json included) is done:
      // send until it says it ignored the message.
      const deadline = Date.now() + 20_000;
      while (!ignored) {
        assert.ok(Date.now() < deadline, `no "ignored" warning (${claimed})`);
        await other.page.evaluate((target) => {
          document.getElementById('f').contentWindow.postMessage(
            { type: 'navigate', view: 'technique', id: 'T1059.001' }, target);
        }, appOrigin);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.equal(await framed().evaluate(() => location.hash), '#/', `the stranger navigated the app (${claimed})`);
      assert.deepEqual(heard, [], `the app posted to a stranger (${claimed})`);
      cleanLoad(other.problems, foreign);
      await other.page.close();
    }
    await page.close();
  } finally {
    await Promise.all([app.close(), host.close(), stranger.close()]);
  }
});
