// The colour theme: the system's preference by default (followed live),
// the header's System / Light / Dark switch changing `data-theme` and the
// actual colours, the choice kept across a reload, the `theme=` parameter,
// and the embedded app neither reading nor writing the site's choice.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DIST_DIR, launchBrowser, openPage, screenshot } from './lib.mjs';
import { serveDir } from './server.mjs';

/** www/style.css: `--bg` of the light and the dark theme, as computed. */
const LIGHT_BG = 'rgb(246, 247, 249)';
const DARK_BG = 'rgb(18, 22, 28)';

let browser;
let server;
before(async () => {
  browser = await launchBrowser();
  server = await serveDir(DIST_DIR);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** The shown theme and the page's computed background colour. */
async function shown(page) {
  return page.evaluate(() => ({
    theme: document.documentElement.dataset.theme,
    bg: getComputedStyle(document.body).backgroundColor,
  }));
}

/** Waits for the app (the switch is in its header), then reads the theme. */
async function settled(page) {
  await page.getByTestId('theme-system').waitFor();
  return shown(page);
}

async function pressed(page) {
  return page.locator('.theme-switch [aria-pressed="true"]').getAttribute('data-testid');
}

test('the switch sets data-theme and the colours, and the choice survives a reload', async () => {
  const { page, problems } = await openPage(browser, `${server.url}#/`, (p) =>
    p.emulateMedia({ colorScheme: 'light' }),
  );
  assert.deepEqual(await settled(page), { theme: 'light', bg: LIGHT_BG });
  assert.equal(await pressed(page), 'theme-system');

  await page.getByTestId('theme-dark').click();
  assert.deepEqual(await shown(page), { theme: 'dark', bg: DARK_BG });
  assert.equal(await pressed(page), 'theme-dark');
  await screenshot(page, 'theme-dark');

  await page.reload();
  // Dark from the first paint (the boot script), before the app is up.
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.deepEqual(await settled(page), { theme: 'dark', bg: DARK_BG });
  assert.equal(await pressed(page), 'theme-dark');

  await page.getByTestId('theme-light').click();
  assert.deepEqual(await shown(page), { theme: 'light', bg: LIGHT_BG });
  await page.reload();
  assert.deepEqual(await settled(page), { theme: 'light', bg: LIGHT_BG });
  assert.equal(await pressed(page), 'theme-light');

  // Back to System: the stored choice is dropped and the system followed live.
  await page.getByTestId('theme-system').click();
  assert.equal(await page.evaluate(() => localStorage.getItem('rulescope.theme')), null);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
  assert.deepEqual(await shown(page), { theme: 'dark', bg: DARK_BG });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a dark system preference is the default; theme= overrides it', async () => {
  const dark = (p) => p.emulateMedia({ colorScheme: 'dark' });
  const first = await openPage(browser, `${server.url}#/`, dark);
  assert.deepEqual(await settled(first.page), { theme: 'dark', bg: DARK_BG });
  assert.deepEqual(first.problems, []);
  await first.page.close();

  const forced = await openPage(browser, `${server.url}?theme=light#/`, dark);
  assert.deepEqual(await settled(forced.page), { theme: 'light', bg: LIGHT_BG });
  assert.equal(await pressed(forced.page), 'theme-light');
  assert.deepEqual(forced.problems, []);
  await forced.page.close();
});

test('the embedded app ignores the site choice and keeps none of its own', async () => {
  const { page, problems } = await openPage(browser, `${server.url}#/`, (p) =>
    p.emulateMedia({ colorScheme: 'light' }),
  );
  await settled(page);
  await page.getByTestId('theme-dark').click();
  await page.goto(`${server.url}?embed=1#/`);
  await page.locator('main').first().waitFor();
  await page.waitForFunction(() => document.documentElement.dataset.embed === '');
  assert.deepEqual(await shown(page), { theme: 'light', bg: LIGHT_BG });
  assert.equal(await page.locator('.theme-switch').isVisible(), false, 'the switch is in the hidden header');
  assert.equal(await page.evaluate(() => localStorage.getItem('rulescope.embed.theme')), null);
  assert.equal(await page.evaluate(() => localStorage.getItem('rulescope.theme')), '"dark"');
  assert.deepEqual(problems, []);
  await page.close();
});
