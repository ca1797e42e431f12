// The import beyond one drop of files: a real folder dropped through
// Chromium's drag-and-drop (directory entries read recursively), parsing
// in the import worker, the page-thread fallback where no worker can start
// (no Worker; the single file from file://), the "keep my rules" switch
// across reloads, and "Compare my rule" on a local rule's page.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { DIST_DIR, REPO_ROOT, openPage, reveal, screenshot, startApp } from './lib.mjs';
import { serveDir } from './server.mjs';

const IMPORT_FIXTURES = path.join(REPO_ROOT, 'tests', 'fixtures', 'import');
/** The folder dropped: every fixture, spread over nested sub-folders. */
const LAYOUT = {
  'office_children.yml': 'sigma',
  'credential_reg_save.yml': 'sigma/credentials',
  'really_sigma.txt': 'sigma/credentials/odd',
  'broken.yml': 'sigma/credentials/odd',
  'savedsearches.conf': 'splunk',
  'export.ndjson': 'elastic/kibana',
  'rules.json': 'elastic/kibana',
  'scheduled_task.toml': 'elastic/toml',
};
/** The Sigma fixture whose page shows the comparison. */
const SIGMA_ID = readFileSync(path.join(IMPORT_FIXTURES, 'office_children.yml'), 'utf8').match(
  /^id:\s*(\S+)/m,
)[1];
/** The worker's files (Trunk names them after the bin). */
const WORKER_FILES = ['worker_loader.js', 'worker.js', 'worker_bg.wasm'];

let app;
let scratch;
let folder;
before(async () => {
  app = await startApp();
  scratch = mkdtempSync(path.join(tmpdir(), 'rulescope-folder-'));
  folder = path.join(scratch, 'my-rules');
  for (const [name, sub] of Object.entries(LAYOUT)) {
    mkdirSync(path.join(folder, sub), { recursive: true });
    copyFileSync(path.join(IMPORT_FIXTURES, name), path.join(folder, sub, name));
  }
});
after(async () => {
  await app?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/**
 * Drags the folder at `dir` from the "desktop" onto the page and drops it,
 * through Chromium's own drag-and-drop (CDP Input.dispatchDragEvent): the
 * page gets a DataTransfer whose item is a real FileSystemDirectoryEntry.
 */
async function dropFolder(page, dir) {
  const cdp = await page.context().newCDPSession(page);
  const data = { items: [], files: [dir], dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop']) {
    await cdp.send('Input.dispatchDragEvent', { type, x: 200, y: 200, data });
  }
  await cdp.detach();
}

/** Drops `files` ([{ name, bytes }]) as a DataTransfer built in the page. */
async function dropFiles(page, files) {
  const payload = files.map(({ name, bytes }) => ({ name, b64: bytes.toString('base64') }));
  await page.evaluate((items) => {
    const transfer = new DataTransfer();
    for (const { name, b64 } of items) {
      transfer.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name));
    }
    const target = document.querySelector('main') ?? document.body;
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, payload);
}

/** Drops every fixture as files and checks the result panel and where they were parsed. */
async function importFixtures(page, engine) {
  await page.locator('main').waitFor();
  await dropFiles(page, fixtureFiles());
  const panel = await resultsText(page);
  assert.match(await panel.textContent(), /Imported 12 rules from 8 files\./);
  assert.equal(await panel.getAttribute('data-engine'), engine);
}

function fixtureFiles() {
  return Object.keys(LAYOUT).map((name) => ({ name, bytes: readFileSync(path.join(IMPORT_FIXTURES, name)) }));
}

async function resultsText(page) {
  const panel = page.getByTestId('import-results');
  await panel.waitFor({ timeout: 30_000 });
  return panel;
}

async function localRuleCount(page) {
  const summary = page.locator('.local-rules summary');
  if (!(await summary.count())) return 0;
  return Number((await summary.textContent()).match(/^(\d+)/)[1]);
}

test('a dropped folder is read recursively and parsed in the worker, with no request off the page', async () => {
  const { page, problems } = await app.open('');
  try {
    await page.locator('main').waitFor();
    const workers = [];
    page.on('worker', (w) => workers.push(w.url()));
    const requests = [];
    page.on('request', (req) => requests.push({ url: req.url(), method: req.method() }));

    await dropFolder(page, folder);
    const panel = await resultsText(page);
    assert.match(await panel.textContent(), /Imported 12 rules from 8 files\./);
    assert.equal(await panel.getAttribute('data-engine'), 'worker');
    const errors = await panel.getByTestId('import-error').allTextContents();
    assert.equal(errors.length, 1, errors.join('\n'));
    // The nested path shows the folder walk reached the deepest level.
    assert.match(errors[0], /my-rules\/sigma\/credentials\/odd\/broken\.yml/);
    assert.equal(await localRuleCount(page), 12);
    assert.ok(
      workers.some((url) => url.endsWith('/worker_loader.js')),
      `the import worker started (${workers.join(', ')})`,
    );

    // The only requests are the worker's own files, fetched from the page's origin.
    const origin = new URL(app.url).origin;
    for (const { url, method } of requests) {
      assert.equal(new URL(url).origin, origin, url);
      assert.equal(method, 'GET', url);
      assert.ok(WORKER_FILES.includes(path.basename(new URL(url).pathname)), url);
    }
    console.log(`requests while importing: ${requests.map((r) => path.basename(r.url)).join(', ') || 'none'}`);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('under a strict CSP header on a sub-path the worker still parses', async () => {
  const csp =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
    "connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'";
  const server = await serveDir(DIST_DIR, { prefix: '/tools/rulescope/', headers: { 'content-security-policy': csp } });
  const { page, problems } = await openPage(app.browser, server.url, async (p) => {
    await p.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
      );
    });
  });
  try {
    await importFixtures(page, 'worker');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
    await server.close();
  }
});

test('without Worker the page parses the files itself, in slices', async () => {
  const { page, problems } = await openPage(app.browser, app.url, async (p) => {
    await p.addInitScript(() => {
      delete window.Worker;
    });
  });
  try {
    await importFixtures(page, 'page');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('the single file on file:// imports on the page thread', async () => {
  const url = pathToFileURL(path.join(DIST_DIR, 'rulescope.html')).href;
  const { page, problems } = await openPage(app.browser, url);
  try {
    await importFixtures(page, 'page');
    // The refused worker is caught and falls back without an error.
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('"Keep my rules" brings them back after a reload; off deletes them', async () => {
  const { page, problems } = await app.open('');
  try {
    await page.locator('main').waitFor();
    const keep = page.getByTestId('keep-local');
    assert.equal(await keep.isChecked(), false, 'off by default');

    // Off: nothing is stored, a reload forgets.
    await dropFiles(page, fixtureFiles());
    await resultsText(page);
    assert.equal(await localRuleCount(page), 12);
    assert.deepEqual(await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name)), []);
    await page.reload();
    await page.locator('main').waitFor();
    assert.equal(await localRuleCount(page), 0);

    // On: stored, back after a reload (and after another one).
    await page.getByTestId('keep-local').check();
    await dropFiles(page, fixtureFiles());
    await resultsText(page);
    for (let i = 0; i < 2; i++) {
      await page.reload();
      await page.waitForFunction(
        () => /^12 local rules/.test(document.querySelector('.local-rules summary')?.textContent ?? ''),
      );
      assert.equal(await page.getByTestId('keep-local').isChecked(), true);
    }
    await page.evaluate((id) => { location.hash = `#/rule/${id}`; }, SIGMA_ID);
    await page.locator('.badges .badge.local').waitFor();

    // Off: the database is deleted and a reload has no local rule.
    await page.getByTestId('keep-local').uncheck();
    await page.waitForFunction(async () => (await indexedDB.databases()).length === 0);
    await page.reload();
    await page.locator('main').waitFor();
    await page.waitForTimeout(300);
    assert.equal(await localRuleCount(page), 0);
    assert.equal(await page.getByTestId('keep-local').isChecked(), false);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('a local rule page compares the rule with its technique; a public one does not', async () => {
  const { page, problems } = await app.open('');
  try {
    await page.locator('main').waitFor();
    await dropFiles(page, fixtureFiles());
    await resultsText(page);
    await page.evaluate((id) => { location.hash = `#/rule/${id}`; }, SIGMA_ID);
    const section = page.getByTestId('compare');
    await section.waitFor();
    const own = await section.getByTestId('own-indicator').count();
    const predicates = await page.locator('section[data-table=predicates] tbody tr').count();
    assert.ok(own > 0 && own <= predicates, `${own} own indicators for ${predicates} predicates`);
    for (const item of await section.getByTestId('own-indicator').all()) {
      const verdict = await item.getAttribute('data-verdict');
      const reach = Number((await item.textContent()).match(/reach (\d+)/)[1]);
      if (reach <= 1) assert.equal(verdict, 'rare');
    }
    const lacks = await section.getByTestId('lacks-indicator').allTextContents();
    const all = /It has every one of the technique's top indicators/.test(await section.textContent());
    assert.ok(lacks.length > 0 || all, 'either lacking indicators or a note that none lack');
    for (const text of lacks) assert.match(text, /in \d+ of its rules/);
    console.log(`compare ${SIGMA_ID}: ${own} own indicators, lacks ${lacks.length} top indicators`);
    await screenshot(page, 'import-compare');

    // A public rule's page has no comparison.
    await page.evaluate(() => { location.hash = '#/technique/T1059.001'; });
    await reveal(page.locator('section[data-table="rules"]'));
    const ruleLink = page.locator('main a[href*="#/rule/"]').first();
    await ruleLink.waitFor();
    await ruleLink.click();
    await page.locator('.rule-page h1').waitFor();
    assert.equal(await page.locator('.badges .badge.local').count(), 0);
    assert.equal(await page.getByTestId('compare').count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
