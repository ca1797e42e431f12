// The technique page shows what `rulescope technique T --format json` prints:
// the page and the CLI call the same catalog functions on the same bundle.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appPerFile, numberIn, reveal, runCli, screenshot } from './lib.mjs';

const TECHNIQUE = 'T1059.001';

const app = appPerFile();

test(`#/technique/${TECHNIQUE} shows the CLI's counts and top indicators`, async () => {
  const expected = runCli(['technique', TECHNIQUE, '--format', 'json']);
  assert.ok(expected.rules > 0, `the CLI finds no rule for ${TECHNIQUE}`);
  const top = expected.indicators.slice(0, 3);
  assert.ok(top.length > 0, `the CLI lists no indicator for ${TECHNIQUE}`);

  const { page, problems } = await app.open(`#/technique/${TECHNIQUE}`);
  try {
    const ruleCount = page.getByTestId('rule-count');
    await ruleCount.waitFor().catch(async (err) => {
      const shown = (await page.locator('body').innerText()).slice(0, 500);
      throw new Error(`${err.message}\npage text: ${shown}`);
    });
    assert.equal(await numberIn(ruleCount), expected.rules, 'rule count');
    assert.equal(await numberIn(page.getByTestId('field-count')), expected.fields.length,
      'distinct-field count');

    await reveal(page.locator('section[data-table="indicators"]'));
    const rows = page.getByTestId('indicator-row');
    assert.ok((await rows.count()) >= top.length, 'indicator rows on the page');
    for (const [rank, indicator] of top.entries()) {
      const row = rows.nth(rank);
      const shown = {
        field: (await row.getByTestId('indicator-field').textContent()).trim(),
        op: (await row.getByTestId('indicator-op').textContent()).trim(),
        value: (await row.getByTestId('indicator-value').textContent()).trim(),
      };
      const { field, op, value } = indicator;
      assert.deepEqual(shown, { field, op, value: value.trim() }, `indicator #${rank + 1}`);
    }
  } finally {
    await screenshot(page, `technique-${TECHNIQUE}`);
  }
  assert.deepEqual(problems, [], 'console errors or failed requests');
});

test('a section builds its rows only near the viewport, so a switch rebuilds what is seen', async () => {
  const expected = runCli(['technique', TECHNIQUE, '--format', 'json']);
  const next = runCli(['technique', 'T1105', '--format', 'json']);
  const { page, problems } = await app.open(`#/technique/${TECHNIQUE}`);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByTestId('rule-count').waitFor();
  const section = (slug) => page.locator(`section[data-table="${slug}"]`);
  const pending = (slug) => section(slug).locator('.rows-pending');

  // At the top, the rule list at the bottom of the page holds no rows, but
  // says how many rules there are and can export them.
  await pending('rules').waitFor();
  assert.equal(await section('rules').locator('.rule-links li').count(), 0, 'no rule links far below');
  assert.match(await section('rules').locator('h2').textContent(), new RegExp(`\\(${expected.rules}\\)`));
  assert.equal(await section('rules').locator('button[data-export]').count(), 2, 'exports stay');
  assert.ok(await section('fields').getByTestId('field-row').count() > 0, 'rows in view');

  // Scrolled to, it builds its rows; the fields table, now far above,
  // drops its own.
  await reveal(section('rules'));
  const first = expected.rule_list[0];
  const group = section('rules').locator('.vendor-group').first();
  assert.equal((await group.locator('.rule-links li').first().textContent()).trim(), first.title);
  await pending('fields').waitFor();
  assert.equal(await section('fields').getByTestId('field-row').count(), 0, 'no field rows far above');

  // Another technique opens at the top: its fields are built, the rule
  // list far below is not.
  await page.evaluate(() => { location.hash = '#/technique/T1105'; });
  await page.getByTestId('rule-count').filter({ hasText: new RegExp(`^${next.rules}$`) }).waitFor();
  await section('fields').getByTestId('field-row').first().waitFor();
  const lead = await section('fields').getByTestId('field-row').first().locator('code.field').textContent();
  assert.equal(lead.trim(), next.fields[0].field, 'the new technique\'s top field');
  await pending('rules').waitFor();
  assert.deepEqual(problems, [], 'console errors or failed requests');
  await page.close();
});
