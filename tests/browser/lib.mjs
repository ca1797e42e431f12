// Shared set-up for the browser tests: where the built app and the CLI are,
// a headless Chromium with the flags this machine needs, pages that record
// every console error and failed request, and the CLI run against the same
// corpus the embedded bundle was built from.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveDir } from './server.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The repository root (two levels above this folder). */
export const REPO_ROOT = path.resolve(HERE, '..', '..');
/** The built app; `trunk build --release` writes it. */
export const DIST_DIR = process.env.RULESCOPE_DIST ?? path.join(REPO_ROOT, 'dist');
/** Screenshots and other artefacts (git-ignored). */
export const OUTPUT_DIR = path.join(HERE, 'output');
/** The system Chromium; tests never download a browser. */
export const CHROMIUM = process.env.RULESCOPE_CHROMIUM ?? '/usr/bin/chromium';

const CLI = path.join(process.env.CARGO_TARGET_DIR ? path.resolve(REPO_ROOT, process.env.CARGO_TARGET_DIR) : path.join(REPO_ROOT, 'target'), 'release', 'rulescope');
const BUNDLE_CORPUS = path.join(REPO_ROOT, 'target', 'bundle', 'rulescope.bundle.corpus');

// Without the background-networking flags Chromium keeps trying to reach
// the network, which is closed here; sandboxing needs a non-root user.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/** Launches headless Chromium; Playwright gives it a fresh, empty profile. */
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Opens `url` in a new page of `browser`. `problems` collects console
 * errors, uncaught exceptions, failed requests and HTTP error responses, so
 * a test can assert the page loaded cleanly. `prepare(page)`, when given,
 * runs before the page loads (request routing, init scripts).
 */
export async function openPage(browser, url, prepare = async () => {}) {
  const page = await browser.newPage();
  await prepare(page);
  page.setDefaultTimeout(20_000);
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('requestfailed', (req) =>
    problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`),
  );
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  await page.goto(url);
  return { page, problems };
}

/**
 * Serves `dir` and starts a browser. Resolves to `{ url, browser, open,
 * close }`; `open(route)` opens a route (e.g. `#/technique/T1059.001`)
 * relative to the served root.
 */
export async function startApp(dir = DIST_DIR) {
  if (!existsSync(path.join(dir, 'index.html'))) {
    throw new Error(`${dir}/index.html is missing: build the app first (trunk build --release)`);
  }
  const server = await serveDir(dir);
  const browser = await launchBrowser();
  return {
    url: server.url,
    browser,
    open: (route = '') => openPage(browser, server.url + route),
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * The app for one test file: started before its first test and closed
 * after its last. Returns a handle to the running app's `open`, `url` and
 * `browser`.
 */
export function appPerFile(dir = DIST_DIR) {
  let app;
  before(async () => {
    app = await startApp(dir);
  });
  after(async () => {
    await app?.close();
  });
  return {
    open: (route) => app.open(route),
    get url() {
      return app.url;
    },
    get browser() {
      return app.browser;
    },
  };
}

/**
 * Runs the release CLI with `args` against the corpus the embedded bundle
 * was built from (recorded by scripts/build-bundle.sh) and parses its JSON.
 */
export function runCli(args) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run scripts/build-bundle.sh`);
  if (!existsSync(BUNDLE_CORPUS)) {
    throw new Error(`${BUNDLE_CORPUS} is missing: run scripts/build-bundle.sh`);
  }
  const corpus = readFileSync(BUNDLE_CORPUS, 'utf8').trim();
  const env = { ...process.env };
  delete env.RULESCOPE_CORPUS;
  if (corpus) env.RULESCOPE_CORPUS = corpus;
  const out = execFileSync(CLI, args, { cwd: REPO_ROOT, env, maxBuffer: 64 << 20 });
  return JSON.parse(out.toString('utf8'));
}

/** Saves a full-page screenshot as output/<name>.png and returns its path. */
export async function screenshot(page, name) {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const file = path.join(OUTPUT_DIR, `${name}.png`);
  // Sections away from the viewport hold no rows (src/app/nearby.rs): for
  // the capture, the viewport is as tall as the page, so every one is near.
  const size = page.viewportSize();
  for (let round = 0; round < 5 && await page.locator('.rows-pending').count(); round += 1) {
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: size.width, height: Math.min(height, 20_000) });
    await page.waitForFunction(() => !document.querySelector('.rows-pending'), null, { timeout: 5_000 })
      .catch(() => {});
  }
  // A full-page capture of a long page on a busy 2-core machine has taken
  // over the 20 s default once; it is an artefact, not a timing under test.
  await page.screenshot({ path: file, fullPage: true, timeout: 90_000 });
  await page.setViewportSize(size);
  return file;
}

/**
 * Scrolls a technique-page section into view and waits until its rows are
 * built: a section away from the viewport holds none (src/app/nearby.rs).
 */
export async function reveal(section) {
  await section.scrollIntoViewIfNeeded();
  await section.locator('.rows-pending').waitFor({ state: 'detached' });
}

/** The plain number a locator's text holds (fails on anything else). */
export async function numberIn(locator) {
  const text = (await locator.textContent()).trim();
  assert.match(text, /^\d+$/, `expected a plain number, got ${JSON.stringify(text)}`);
  return Number(text);
}
