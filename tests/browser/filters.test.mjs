// Filters apply everywhere and live in the URL: picking a level, a platform
// or a data source in the filter bar changes the hash and the counts the
// page shows, which must equal what `rulescope technique … --filter` and
// `rulescope facets --filter` print for the same filter; reloading the URL
// restores the filter and "clear all" resets it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appPerFile, numberIn, reveal, runCli, screenshot } from './lib.mjs';

const TECHNIQUE = 'T1059.001';

const app = appPerFile();

/** The query part of the page's hash (`level=high&…`), '' without one. */
async function hashQuery(page) {
  const hash = await page.evaluate(() => location.hash);
  return hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '';
}

/** Waits until the hash's query is `query`. */
async function waitForQuery(page, query) {
  await page.waitForFunction(
    (q) => (location.hash.split('?')[1] ?? '') === q,
    query,
  ).catch(async () => {
    throw new Error(`hash query is ${JSON.stringify(await hashQuery(page))}, expected ${JSON.stringify(query)}`);
  });
}

/** Waits until the technique page's rule count is `n`. */
async function waitForCount(page, n, what) {
  const count = page.getByTestId('rule-count');
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="rule-count"]')?.textContent.trim() === String(want),
    n,
  ).catch(() => {});
  assert.equal(await numberIn(count), n, what);
}

function guide(filter) {
  return runCli(['technique', TECHNIQUE, '--format', 'json', '--filter', filter]);
}

/** `rulescope facets --filter` for one dimension: value -> rules. */
function facetCounts(filter, dimension) {
  const facets = runCli(['facets', '--filter', filter]);
  const facet = facets.facets.find((f) => f.dimension === dimension);
  return { total: facets.total, counts: new Map(facet.values.map((v) => [v.value, v.rules])) };
}

/** A checkbox named by its label's leading `value`. */
function named(page, value) {
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return page.getByRole('checkbox', { name: new RegExp(`^${escaped}\\b`) });
}

/** The checkbox of `value` in the open panel. */
function checkbox(page, value) {
  return page.getByTestId('facet-panel').locator('li').filter({ has: named(page, value) }).getByRole('checkbox');
}

/** The count shown beside `value` in the open panel. */
async function shownCount(page, value) {
  const item = page.getByTestId('facet-panel').locator('li').filter({ has: named(page, value) });
  return numberIn(item.getByTestId('facet-count'));
}

test('level and platform filters change the URL and the counts as the CLI does', async () => {
  const none = guide('');
  const high = guide('level=high');
  const both = guide('platform=windows&level=high');
  assert.ok(none.rules > high.rules && high.rules >= both.rules && both.rules > 0,
    `counts ${none.rules} > ${high.rules} >= ${both.rules} > 0 make the test meaningful`);

  const { page, problems } = await app.open(`#/technique/${TECHNIQUE}`);
  try {
    await page.getByTestId('rule-count').waitFor();
    await waitForCount(page, none.rules, 'unfiltered rule count');

    // Level: the counts beside each level are the catalog's, as the CLI's.
    const levels = facetCounts('', 'level');
    await page.getByTestId('facet-level').click();
    assert.equal(await page.getByTestId('facet-level').getAttribute('aria-expanded'), 'true');
    assert.equal(await shownCount(page, 'high'), levels.counts.get('high'), 'high level count');
    await checkbox(page, 'high').check();
    await waitForQuery(page, 'level=high');
    await waitForCount(page, high.rules, 'rule count with level=high');
    // Faceted: picking a level does not change the other levels' counts.
    assert.equal(await shownCount(page, 'medium'), levels.counts.get('medium'), 'medium level count');
    assert.ok(await checkbox(page, 'high').isChecked());

    // Platform, on top: the platform counts now apply the level filter.
    const platforms = facetCounts('level=high', 'platform');
    await page.getByTestId('facet-platform').click();
    assert.equal(await page.getByTestId('facet-level').getAttribute('aria-expanded'), 'false',
      'one panel open at a time');
    assert.equal(await shownCount(page, 'windows'), platforms.counts.get('windows'),
      'windows count among high-level rules');
    await checkbox(page, 'windows').check();
    await waitForQuery(page, 'platform=windows&level=high');
    await waitForCount(page, both.rules, 'rule count with both filters');

    const chips = page.getByTestId('active-filter');
    assert.deepEqual(await chips.allTextContents(), ['Platform: windows ×', 'Level: high ×']);
    const total = facetCounts('platform=windows&level=high', 'level').total;
    assert.equal((await page.getByTestId('filter-total').textContent()).trim(), `${total} rules match`);
    // Escape closes the panel and gives the focus back to its button.
    await page.keyboard.press('Escape');
    assert.equal(await page.getByTestId('facet-panel').count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'facet-platform');
    await screenshot(page, 'filters-technique');

    // The URL is the permalink: a reload shows the same filtered page.
    await page.reload();
    await page.getByTestId('rule-count').waitFor();
    await waitForCount(page, both.rules, 'rule count after reload');
    assert.equal(await chips.count(), 2, 'active filters after reload');
    assert.equal((await page.getByTestId('facet-level').textContent()).trim(), 'Level1');

    // Removing one chip drops that filter only.
    await page.getByRole('button', { name: 'Remove Level: high' }).click();
    await waitForQuery(page, 'platform=windows');
    await waitForCount(page, guide('platform=windows').rules, 'rule count with the platform only');

    // Clear all resets the filter and the URL.
    await page.getByTestId('clear-filters').click();
    await waitForQuery(page, '');
    await waitForCount(page, none.rules, 'rule count after clearing');
    assert.equal(await chips.count(), 0);
  } finally {
    await screenshot(page, 'filters-cleared');
  }
  assert.deepEqual(problems, [], 'console errors or failed requests');
});

test('data sources are searchable and filter the technique page and its reach', async () => {
  const { page, problems } = await app.open(`#/technique/${TECHNIQUE}?status=stable,test,production`);
  try {
    await page.getByTestId('rule-count').waitFor();
    await waitForCount(page, guide('status=production,stable,test').rules, 'rule count with three statuses');
    await page.getByTestId('facet-source').click();
    const search = page.getByTestId('facet-search');
    await search.fill('sysmon');
    const names = await page.getByTestId('facet-panel').locator('li').evaluateAll((items) =>
      items.map((li) => li.querySelector('label').textContent.toLowerCase()));
    assert.ok(names.length > 0 && names.length <= 40, `${names.length} matching data sources shown`);
    for (const name of names) assert.ok(name.includes('sysmon'), `${name} matches "sysmon"`);

    const first = page.getByTestId('facet-panel').locator('li').first();
    const value = (await first.locator('.facet-name').textContent()).trim();
    const sources = facetCounts('status=production,stable,test', 'source');
    assert.equal(await numberIn(first.getByTestId('facet-count')), sources.counts.get(value), `${value} count`);
    await first.getByRole('checkbox').check();
    const filter = `status=production,stable,test&source=${encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
    const expected = guide(filter);
    await waitForCount(page, expected.rules, `rule count with source ${value}`);
    // The corpus reach column applies the same filter.
    await reveal(page.locator('section[data-table="indicators"]'));
    const reach = page.getByTestId('indicator-reach');
    if (expected.indicators.length > 0) {
      const want = expected.indicators[0].corpus_reach ?? '';
      assert.equal((await reach.first().textContent()).trim(), String(want), 'first indicator reach');
    }
  } finally {
    await screenshot(page, 'filters-source');
  }
  assert.deepEqual(problems, [], 'console errors or failed requests');
});

test('the filter bar fits a 400 px wide page', async () => {
  const { page, problems } = await app.open(`#/technique/${TECHNIQUE}?level=high`);
  try {
    await page.setViewportSize({ width: 400, height: 800 });
    await page.getByTestId('facet-status').click();
    await page.getByTestId('facet-panel').waitFor();
    const right = await page.evaluate(() => Math.max(
      ...[...document.querySelectorAll('.filter-bar, .filter-bar *')].map((el) => el.getBoundingClientRect().right),
    ));
    assert.ok(right <= 400, `the filter bar reaches ${right}px`);
  } finally {
    await screenshot(page, 'filters-400');
  }
  assert.deepEqual(problems, [], 'console errors or failed requests');
});
