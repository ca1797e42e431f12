// The home page's ATT&CK matrix and the header search box, driven in the
// real page. Cell counts are checked against `rulescope technique T
// --rollup --format json`: the matrix and the CLI count the same rules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appPerFile, numberIn, runCli, screenshot } from './lib.mjs';

const TACTICS = [
  'Reconnaissance',
  'Resource Development',
  'Initial Access',
  'Execution',
  'Persistence',
  'Privilege Escalation',
  'Defense Evasion',
  'Credential Access',
  'Discovery',
  'Lateral Movement',
  'Collection',
  'Command and Control',
  'Exfiltration',
  'Impact',
];

const app = appPerFile();

/** The rules the technique page counts, as the CLI prints it. */
function cliRules(id, { rollup = false, filter = '' } = {}) {
  const args = ['technique', id, '--format', 'json'];
  if (rollup) args.push('--rollup');
  if (filter) args.push('--filter', filter);
  return runCli(args).rules;
}

/** The row of technique `id` in the column of tactic `tactic`. */
function techniqueRow(page, tactic, id) {
  return page.locator(`[data-tactic="${tactic}"] li.mx-item[data-technique="${id}"]`);
}

async function openHome(route = '#/') {
  const opened = await app.open(route);
  await opened.page.getByTestId('matrix').waitFor().catch(async (err) => {
    const shown = (await opened.page.locator('body').innerText()).slice(0, 500);
    throw new Error(`${err.message}\npage text: ${shown}`);
  });
  return opened;
}

test('the matrix: tactics in order, CLI counts, sub-techniques, vendor switch, cell link', async () => {
  const { page, problems } = await openHome();
  await page.setViewportSize({ width: 1280, height: 900 });

  const names = await page.locator('[data-testid="matrix-column"] .mx-tactic-name').allTextContents();
  assert.deepEqual(names.map((n) => n.trim()), TACTICS);

  const row = techniqueRow(page, 'execution', 'T1059');
  const count = row.locator('.mx-row [data-testid="cell-count"]');
  assert.equal(await numberIn(count), cliRules('T1059', { rollup: true }), 'T1059 with sub-techniques');
  // Colour is not the only cue: the count is text, and the cell has a heat class.
  assert.match(await row.locator('a.mx-cell').first().getAttribute('class'), /heat-[1-5]/);
  await screenshot(page, 'home-matrix-1280');

  // Sub-techniques render only when expanded.
  const toggle = row.locator('button.mx-toggle');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await row.locator('li[data-technique="T1059.001"]').count(), 0);
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  const subs = page.locator(`#${await toggle.getAttribute('aria-controls')}`);
  const ps = subs.locator('li[data-technique="T1059.001"] [data-testid="cell-count"]');
  assert.equal(await numberIn(ps), cliRules('T1059.001'), 'T1059.001');
  await toggle.click();
  assert.equal(await row.locator('li[data-technique="T1059.001"]').count(), 0, 'collapsed again');

  await page.getByRole('button', { name: 'Expand all' }).click();
  const toggles = page.locator('button.mx-toggle');
  const expanded = page.locator('button.mx-toggle[aria-expanded="true"]');
  assert.ok((await toggles.count()) > 50, 'techniques with sub-techniques');
  assert.equal(await expanded.count(), await toggles.count(), 'all expanded');
  assert.ok((await page.locator('.mx-subs li').count()) > 300, 'sub-technique cells');
  await page.getByRole('button', { name: 'Collapse all' }).click();
  assert.equal(await expanded.count(), 0, 'all collapsed');

  // The vendor switch: one vendor's rules, kept in the URL.
  const switcher = page.getByTestId('matrix-vendor');
  const splunk = cliRules('T1059', { rollup: true, filter: 'vendor=splunk' });
  const switched = Date.now();
  await switcher.getByRole('button', { name: 'Splunk', exact: true }).click();
  await page.waitForFunction(() => location.hash.includes('heat=splunk'));
  assert.equal(
    await switcher.getByRole('button', { name: 'Splunk', exact: true }).getAttribute('aria-pressed'),
    'true',
  );
  await page.waitForFunction(
    ([sel, n]) => document.querySelector(sel)?.textContent.trim() === String(n),
    [`[data-tactic="execution"] li.mx-item[data-technique="T1059"] > .mx-row [data-testid="cell-count"]`, splunk],
  );
  console.log(`matrix: Splunk heat shown ${Date.now() - switched} ms after the click (test round trips included)`);
  assert.notEqual(splunk, cliRules('T1059', { rollup: true }), 'Splunk alone counts fewer');

  // The switch survives a reload from the permalink.
  await page.reload();
  await page.getByTestId('matrix').waitFor();
  assert.equal(await numberIn(techniqueRow(page, 'execution', 'T1059').locator('.mx-row [data-testid="cell-count"]')), splunk);

  // Switching vendor, timed inside the page: from the click to the changed
  // count in the DOM (matrix recomputed and re-rendered), as figures.
  const switchMs = [];
  for (const vendor of ['Sigma', 'Splunk']) {
    switchMs.push(await page.evaluate(async (label) => {
      const sel = '[data-tactic="execution"] li.mx-item[data-technique="T1059"] > .mx-row [data-testid="cell-count"]';
      const before = document.querySelector(sel).textContent;
      const button = [...document.querySelectorAll('[data-testid="matrix-vendor"] button')]
        .find((b) => b.textContent.trim() === label);
      const started = performance.now();
      const changed = new Promise((resolve) => {
        const seen = new MutationObserver(() => {
          if (document.querySelector(sel)?.textContent !== before) {
            seen.disconnect();
            resolve();
          }
        });
        seen.observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      button.click();
      await changed;
      return Math.round(performance.now() - started);
    }, vendor));
  }
  console.log(`matrix: vendor switch in the page, click to new counts: Sigma ${switchMs[0]} ms, Splunk ${switchMs[1]} ms`);
  assert.equal(await numberIn(techniqueRow(page, 'execution', 'T1059').locator('.mx-row [data-testid="cell-count"]')), splunk);

  // A cell opens its technique page with the counted rules.
  await techniqueRow(page, 'execution', 'T1059').locator('a.mx-cell').first().click();
  await page.waitForFunction(() => location.hash.startsWith('#/technique/T1059?'));
  const hash = await page.evaluate(() => location.hash);
  assert.equal(hash, '#/technique/T1059?vendor=splunk&rollup=1');
  assert.equal(await numberIn(page.getByTestId('rule-count')), splunk, 'technique page count');

  assert.deepEqual(problems, [], 'console errors or failed requests');
  await page.close();
});

test('the matrix keeps the page narrow at 400 px and scrolls in its own box', async () => {
  const { page, problems } = await openHome();
  await page.setViewportSize({ width: 400, height: 900 });
  const sizes = await page.evaluate(() => {
    const box = document.querySelector('.matrix-scroll');
    return {
      page: document.documentElement.scrollWidth,
      boxClient: box.clientWidth,
      boxScroll: box.scrollWidth,
    };
  });
  assert.ok(sizes.page <= 400, `page scrolls sideways: ${sizes.page}px`);
  assert.ok(sizes.boxScroll > sizes.boxClient, 'the matrix scrolls inside its box');
  // Cells are links: Tab reaches them and the focus ring shows.
  const cell = page.locator('a.mx-cell').first();
  await cell.focus();
  const outline = await cell.evaluate((el) => getComputedStyle(el).outlineStyle);
  assert.equal(outline, 'solid', 'visible focus on a cell');
  await screenshot(page, 'home-matrix-400');
  assert.deepEqual(problems, [], 'console errors or failed requests');
  await page.close();
});

test('header search: "/" focuses, results grouped, arrows move, Enter opens, Escape closes', async () => {
  // On another page than home: the box is in the header everywhere.
  const { page, problems } = await app.open('#/technique/T1003');
  const input = page.getByRole('combobox', { name: /search techniques, rules, fields and values/i });
  await input.waitFor();
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('/');
  assert.ok(await input.evaluate((el) => el === document.activeElement), '"/" focuses the box');

  const started = Date.now();
  await page.keyboard.type('powershell');
  const list = page.getByRole('listbox', { name: 'Search results' });
  await list.waitFor();
  await page.waitForFunction(() => {
    const first = document.querySelector('#global-search-list [role="option"]');
    return first && /T1059\.001/.test(first.textContent);
  });
  console.log(`search: "powershell" typed key by key and shown in ${Date.now() - started} ms`);
  assert.equal(await input.getAttribute('aria-expanded'), 'true');
  const groups = await list.locator('[role="group"]').evaluateAll((gs) => gs.map((g) => g.dataset.group));
  for (const g of ['techniques', 'rules', 'values']) assert.ok(groups.includes(g), `${g} group in ${groups}`);
  const first = list.getByRole('option').first();
  assert.match(await first.textContent(), /T1059\.001\s*PowerShell/);
  const value = list.locator('[data-group="values"] [role="option"]', { hasText: /powershell\.exe/i });
  assert.ok((await value.count()) > 0, 'the value powershell.exe');

  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const second = list.getByRole('option').nth(1);
  assert.equal(await second.getAttribute('aria-selected'), 'true');
  assert.equal(await input.getAttribute('aria-activedescendant'), await second.getAttribute('id'));
  await page.keyboard.press('ArrowUp');
  assert.equal(await first.getAttribute('aria-selected'), 'true');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash === '#/technique/T1059.001');
  await page.getByTestId('rule-count').waitFor();
  assert.ok(await list.isHidden(), 'the list closes after opening a result');

  // A rule result opens the rule page; Escape closes the list.
  await input.click();
  await input.fill('mimikatz');
  await list.locator('[data-group="rules"] [role="option"]').first().waitFor();
  await input.press('Escape');
  assert.ok(await list.isHidden(), 'Escape closes');
  assert.equal(await input.getAttribute('aria-expanded'), 'false');
  await input.press('ArrowDown');
  const rule = list.locator('[data-group="rules"] [role="option"]').first();
  await rule.click();
  await page.waitForFunction(() => location.hash.startsWith('#/rule/'));

  // Per-keystroke cost in the page, as figures: the search runs in the
  // input handler, so dispatching the event times the query itself.
  const timings = await input.evaluate((el) => {
    const out = {};
    for (const q of ['p', 'po', 'powershell', 'T1059.001', 'lsass', 'process.command_line']) {
      const started = performance.now();
      el.value = q;
      el.dispatchEvent(new InputEvent('input', { bubbles: true }));
      out[q] = Math.round((performance.now() - started) * 10) / 10;
    }
    return out;
  });
  console.log(`search per query in the page (ms): ${JSON.stringify(timings)}`);
  await input.press('Escape');

  // Typing in another box does not steal "/".
  await page.goto(`${app.url}#/`);
  await page.locator('#technique-search').fill('a/b');
  assert.equal(await page.locator('#technique-search').inputValue(), 'a/b');

  assert.deepEqual(problems, [], 'console errors or failed requests');
  await page.close();
});
