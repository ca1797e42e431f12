// The technique page's sortable tables and vendor comparison, and the rule
// page's highlighted source and logic tree, checked against the CLI and the
// corpus files; screenshots of both pages at 1280 and 400 px.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT, appPerFile, reveal, runCli, screenshot } from './lib.mjs';

const TECHNIQUE = 'T1059.001';

const app = appPerFile();

/** Byte order of the lower-cased texts, as the core sorts text columns. */
function textOrder(a, b) {
  return Buffer.compare(Buffer.from(a.toLowerCase(), 'utf8'), Buffer.from(b.toLowerCase(), 'utf8'));
}

/** The corpus the embedded bundle was built from (the samples when unset). */
function corpusRoot() {
  const recorded = path.join(REPO_ROOT, 'target', 'bundle', 'rulescope.bundle.corpus');
  const corpus = existsSync(recorded) ? readFileSync(recorded, 'utf8').trim() : '';
  return corpus || path.join(REPO_ROOT, 'rules', 'samples');
}

async function openTechnique() {
  const opened = await app.open(`#/technique/${TECHNIQUE}`);
  await opened.page.getByTestId('rule-count').waitFor();
  return opened;
}

test('clicking a column header sorts the whole table, before paging, with aria-sort', async () => {
  const g = runCli(['technique', TECHNIQUE, '--format', 'json']);
  assert.ok(g.indicators.length > 1, 'two indicators or more to sort');
  const { page, problems } = await openTechnique();
  const section = page.locator('section[data-table="indicators"]');
  await reveal(section);
  const header = (name) => section.locator('thead th').filter({ hasText: name });
  const values = async () => (await section.getByTestId('indicator-value').allTextContents()).map((t) => t.trim());
  const ranked = await values();
  assert.deepEqual(ranked, g.indicators.slice(0, ranked.length).map((r) => r.value.trim()), 'ranked order first');
  assert.equal(await section.locator('th[aria-sort]').count(), 0, 'no column is sorted yet');

  // Value, ascending: the first rows are the smallest values of ALL rows.
  await header('Value').getByRole('button').click();
  assert.equal(await header('Value').getAttribute('aria-sort'), 'ascending');
  assert.equal(await section.locator('th[aria-sort]').count(), 1, 'one sorted column');
  const all = g.indicators.map((r) => r.value);
  const ascending = [...all].sort(textOrder);
  const shownAsc = await values();
  assert.deepEqual(shownAsc.map((v) => v.toLowerCase()),
    ascending.slice(0, shownAsc.length).map((v) => v.trim().toLowerCase()),
    'ascending over every indicator, then paged');

  // The same button from the keyboard flips the direction.
  await header('Value').getByRole('button').focus();
  await page.keyboard.press('Enter');
  assert.equal(await header('Value').getAttribute('aria-sort'), 'descending');
  const shownDesc = await values();
  assert.deepEqual(shownDesc.map((v) => v.toLowerCase()),
    [...all].sort((a, b) => textOrder(b, a)).slice(0, shownDesc.length).map((v) => v.trim().toLowerCase()),
    'descending');

  // Corpus reach: numbers, most first on the first click, blanks last.
  await header('Corpus reach').getByRole('button').click();
  assert.equal(await header('Corpus reach').getAttribute('aria-sort'), 'descending');
  assert.equal(await header('Value').getAttribute('aria-sort'), null, 'the other header lost aria-sort');
  const reach = (await section.getByTestId('indicator-reach').allTextContents()).map((t) => t.trim());
  const reachNumbers = reach.filter((t) => t !== '').map(Number);
  const maxReach = Math.max(0, ...g.indicators.map((r) => r.corpus_reach ?? 0));
  if (maxReach > 0) assert.equal(reachNumbers[0], maxReach, 'the highest reach of all rows comes first');
  for (let i = 1; i < reachNumbers.length; i += 1) {
    assert.ok(reachNumbers[i - 1] >= reachNumbers[i], `reach is non-increasing at row ${i}`);
  }
  const firstBlank = reach.indexOf('');
  if (firstBlank >= 0) assert.ok(reach.slice(firstBlank).every((t) => t === ''), 'blank reach sorts last');

  // Show more continues in the sorted order.
  const more = section.getByRole('button', { name: /^Show \d+ more$/ });
  if (await more.count()) {
    const before = (await section.getByTestId('indicator-row').count());
    await more.click();
    const after = (await section.getByTestId('indicator-reach').allTextContents()).map((t) => t.trim());
    assert.ok(after.length > before, 'more rows after "show more"');
    assert.deepEqual(after.slice(0, reach.length), reach, 'the first page is unchanged');
  }
  assert.deepEqual(problems, [], 'console errors or failed requests');
  await page.close();
});

test('the vendor comparison shows the CLI\'s top fields per vendor', async () => {
  const g = runCli(['technique', TECHNIQUE, '--format', 'json']);
  const { page, problems } = await openTechnique();
  const section = page.locator('section[data-table="vendor-comparison"]');
  await reveal(section);
  const rows = section.getByTestId('vendor-row');
  const vendors = Object.keys(g.by_vendor);
  assert.equal(await rows.count(), Math.min(g.vendor_comparison.length, 10), 'one row per compared field');
  const headers = (await section.locator('thead th').allTextContents()).map((t) => t.replace(/[▲▼↕]/g, '').trim());
  assert.deepEqual(headers.slice(1).map((h) => h.split(' ')[0].toLowerCase()), vendors, 'a column per vendor');
  for (const [i, want] of g.vendor_comparison.slice(0, 3).entries()) {
    const cells = rows.nth(i).locator('td');
    assert.equal((await cells.nth(0).textContent()).trim(), want.field, `row ${i}: field`);
    for (const [k, cell] of want.cells.entries()) {
      const td = cells.nth(k + 1);
      assert.equal((await td.locator('.n').textContent()).trim(), String(cell.rules), `row ${i} ${cell.vendor}: rules`);
      assert.equal((await td.locator('.share').textContent()).trim(), `${cell.percent}%`, `row ${i} ${cell.vendor}: share`);
      const aliases = (await td.locator('.aliases code').allTextContents()).map((t) => t.trim());
      assert.deepEqual(aliases, cell.aliases, `row ${i} ${cell.vendor}: names`);
    }
  }
  // Sorting by a vendor sorts by that vendor's rule count.
  const vendorHeader = section.locator('thead th').nth(1);
  await vendorHeader.getByRole('button').click();
  assert.equal(await vendorHeader.getAttribute('aria-sort'), 'descending');
  const counts = (await rows.locator('td:nth-child(2) .n').allTextContents()).map(Number);
  assert.deepEqual(counts, [...counts].sort((a, b) => b - a), 'sorted by the first vendor\'s counts');
  assert.deepEqual(problems, [], 'console errors or failed requests');
  await page.close();
});

test('screenshots of a technique page at 1280 and 400 px', async () => {
  const { page, problems } = await openTechnique();
  for (const width of [1280, 400]) {
    await page.setViewportSize({ width, height: 900 });
    await screenshot(page, `tables-technique-${TECHNIQUE}-${width}`);
    await reveal(page.locator('section[data-table="indicators"]'));
    const sortButton = page.locator('section[data-table="indicators"] thead button.sort').first();
    assert.ok(await sortButton.isVisible(), `sort buttons are reachable at ${width} px`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `no sideways scrolling at ${width} px (${overflow} px too wide)`);
  }
  assert.deepEqual(problems, [], 'console errors or failed requests');
  await page.close();
});

test('the rule page shows the original text highlighted and the logic tree', async () => {
  const g = runCli(['technique', TECHNIQUE, '--format', 'json']);
  const root = corpusRoot();
  const byVendor = new Map();
  for (const r of g.rule_list) if (!byVendor.has(r.vendor)) byVendor.set(r.vendor, r);
  assert.ok(byVendor.has('sigma'), 'a Sigma rule to open');
  for (const [vendor, rule] of byVendor) {
    const { page, problems } = await app.open(`#/rule/${encodeURIComponent(rule.id)}`);
    const source = page.getByTestId('rule-source');
    await source.waitFor();
    const text = await source.textContent();
    assert.ok(text.length > 0, `${vendor}: source text`);
    const kinds = await source.locator('span[class^="hl-"]').evaluateAll(
      (spans) => [...new Set(spans.map((s) => s.className))].sort());
    assert.ok(kinds.length >= 3, `${vendor}: several kinds of highlight (${kinds})`);
    assert.ok(kinds.includes('hl-field') || kinds.includes('hl-key'), `${vendor}: fields marked (${kinds})`);
    assert.equal(await source.locator('span span').count(), 0, 'spans are flat text runs');
    const file = readFileSync(path.join(root, rule.path), 'utf8');
    if (vendor === 'sigma') {
      assert.ok(text.startsWith('detection:') || text.startsWith('correlation:'), 'the Sigma block');
      assert.ok(file.replace(/\r\n/g, '\n').includes(text), `${rule.path}: the text is the file's own block`);
    } else {
      // Queries sit inside YAML/TOML strings: compare the words.
      const words = text.match(/[A-Za-z_][A-Za-z0-9_.]{3,}/g) ?? [];
      assert.ok(words.length > 0 && words.every((w) => file.includes(w)), `${rule.path}: words from the file`);
    }
    const tree = page.locator('ul.logic');
    assert.equal(await tree.count(), 1, `${vendor}: a logic tree`);
    assert.ok((await tree.locator('.pred').count()) > 0, `${vendor}: predicates in the tree`);
    await page.getByRole('heading', { name: 'Metadata' }).waitFor();
    assert.match(await page.locator('.attribution').textContent(), /rule/, 'attribution');
    if (vendor === 'sigma') {
      for (const width of [1280, 400]) {
        await page.setViewportSize({ width, height: 900 });
        await screenshot(page, `tables-rule-${width}`);
      }
    }
    assert.deepEqual(problems, [], 'console errors or failed requests');
    await page.close();
  }
});
