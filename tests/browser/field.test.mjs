// The field page shows what `rulescope field process.name --format json`
// prints, and the field index links to it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appPerFile, reveal, runCli, screenshot } from './lib.mjs';

const FIELD = 'process.name';

const app = appPerFile();

async function texts(locator) {
  return (await locator.allTextContents()).map((t) => t.trim());
}

async function shoot(page, name) {
  for (const width of [1280, 400]) {
    await page.setViewportSize({ width, height: 900 });
    await screenshot(page, `${name}-${width}`);
  }
}

test(`#/field/${FIELD} lists every vendor's aliases, T1059.001 and the CLI's top values`, async () => {
  const expected = runCli(['field', FIELD, '--format', 'json']);
  assert.ok(expected.rules > 0, `the CLI finds no rule using ${FIELD}`);

  const { page, problems } = await app.open(`#/field/${FIELD}`);
  try {
    await page.getByTestId('field-name').waitFor();
    assert.equal((await page.getByTestId('field-name').textContent()).trim(), FIELD);
    assert.equal(Number((await page.getByTestId('field-rules').textContent()).trim()), expected.rules);

    const vendors = new Set(await texts(page.getByTestId('alias-vendor')));
    for (const vendor of ['Sigma', 'Splunk', 'Elastic']) {
      assert.ok(vendors.has(vendor), `no ${vendor} alias on the page: ${[...vendors]}`);
    }
    const aliases = await texts(page.getByTestId('alias-field'));
    assert.deepEqual(aliases, expected.aliases.map((a) => a.field), 'aliases as the CLI lists them');

    const techniques = await texts(page.getByTestId('technique-item'));
    assert.ok(techniques.some((t) => t.startsWith('T1059.001')), 'T1059.001 among the techniques');
    assert.ok(expected.techniques.some((t) => t.id === 'T1059.001'), 'the CLI agrees');

    const top = expected.values.slice(0, 10);
    const rows = page.getByTestId('value-row');
    for (const [rank, value] of top.entries()) {
      const row = rows.nth(rank);
      const shown = {
        op: (await row.getByTestId('value-op').textContent()).trim(),
        value: (await row.getByTestId('value-value').textContent()).trim(),
        rules: Number((await row.getByTestId('value-rules').textContent()).trim()),
      };
      assert.deepEqual(shown, { op: value.op, value: value.value.trim(), rules: value.rules },
        `value #${rank + 1}`);
    }
    const ps = expected.values.find((v) => v.op === 'eq' && v.value === 'powershell.exe');
    assert.ok(ps, 'powershell.exe among the CLI values');
    await shoot(page, 'field-process.name');

    // The search box (`?q=`) narrows and highlights the values.
    await page.fill('#value-search', 'powershell');
    await page.waitForFunction(() => location.hash.includes('q=powershell'));
    const filtered = await texts(page.getByTestId('value-value'));
    assert.ok(filtered.length > 0 && filtered.length <= expected.values.length);
    assert.ok(filtered.includes('powershell.exe'), `powershell.exe after searching: ${filtered.slice(0, 5)}`);
    assert.ok((await page.locator('[data-testid="value-value"] mark').count()) > 0, 'matches are marked');
    const psRow = page.getByTestId('value-row').filter({
      has: page.getByTestId('value-value').getByText('powershell.exe', { exact: true }),
    }).filter({ has: page.getByTestId('value-op').getByText('eq', { exact: true }) });
    assert.equal(Number((await psRow.getByTestId('value-rules').textContent()).trim()), ps.rules);
  } finally {
    await screenshot(page, 'field-process.name-search');
  }
  assert.deepEqual(problems, [], 'console errors or failed requests');
});

test('#/fields lists the fields and links to their pages; the header links there', async () => {
  const expected = runCli(['fields', '--format', 'json']);
  const { page, problems } = await app.open('#/technique/T1059.001');
  try {
    await page.getByTestId('rule-count').waitFor();
    await page.locator('header.top').getByRole('link', { name: 'Fields' }).click();
    await page.getByTestId('fields-row').first().waitFor();
    assert.match(page.url(), /#\/fields$/);
    const first = page.getByTestId('fields-row').first();
    assert.equal((await first.locator('code.field').textContent()).trim(), expected[0].field);
    await shoot(page, 'fields');

    await page.fill('#field-search', FIELD);
    const link = page.getByTestId('fields-row').getByRole('link', { name: FIELD, exact: true });
    await link.click();
    await page.getByTestId('field-name').waitFor();
    assert.equal((await page.getByTestId('field-name').textContent()).trim(), FIELD);
    assert.match(page.url(), /#\/field\/process\.name/);
  } finally {
    await screenshot(page, 'fields-followed');
  }
  assert.deepEqual(problems, [], 'console errors or failed requests');
});

test('the technique page links its indicator fields to the field page', async () => {
  const { page, problems } = await app.open('#/technique/T1059.001');
  await reveal(page.locator('section[data-table="indicators"]'));
  await page.getByTestId('indicator-row').first().waitFor();
  const field = (await page.getByTestId('indicator-field').first().textContent()).trim();
  await page.getByTestId('indicator-field').first().getByRole('link').click();
  await page.getByTestId('field-name').waitFor();
  assert.equal((await page.getByTestId('field-name').textContent()).trim(), field);
  assert.deepEqual(problems, [], 'console errors or failed requests');
});
