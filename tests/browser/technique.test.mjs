// The technique page shows what `rulescope technique T --format json` prints:
// the page and the CLI call the same catalog functions on the same bundle.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appPerFile, numberIn, runCli, screenshot } from './lib.mjs';

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
