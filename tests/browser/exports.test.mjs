// Every export button of a technique page downloads a file built in the
// page; each file is parsed back and checked against what the CLI prints for
// the same technique (`rulescope technique T --format json`) and against the
// rows the page shows. The Navigator layer is checked field by field against
// the layer format 4.5.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { appPerFile, reveal, runCli } from './lib.mjs';

const TECHNIQUE = 'T1059.001';
const VENDOR_LABELS = { sigma: 'Sigma', splunk: 'Splunk', elastic: 'Elastic', local: 'Local' };

const app = appPerFile();

/** Parses RFC 4180 CSV: quoted fields with doubled quotes, CRLF or LF. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else {
      cell += c;
    }
  }
  assert.equal(quoted, false, 'CSV ends inside a quoted field');
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** Undoes the spreadsheet-formula guard (a `'` before = + - @). */
function unguard(cell) {
  return /^'[=+\-@]/.test(cell) ? cell.slice(1) : cell;
}

/** How many clicks had to be repeated because no download followed. */
let repeatedClicks = 0;

/**
 * Clicks `button` and returns the downloaded file's name and text. The page
 * is first left to finish taking over by its offline cache (a controller
 * change while Chromium starts a download has been seen to lose it). Should
 * a click still start no download, its state is logged and it is clicked
 * once more; a second miss fails the test, and so do repeats on more than
 * one button (checked by the tests below).
 */
async function download(page, button) {
  await page.evaluate(() => navigator.serviceWorker?.ready);
  for (let attempt = 1; ; attempt += 1) {
    try {
      const [file] = await Promise.all([
        page.waitForEvent('download', { timeout: 10_000 }),
        button.click({ timeout: 10_000 }),
      ]);
      const where = await file.path();
      return { name: file.suggestedFilename(), text: readFileSync(where, 'utf8') };
    } catch (err) {
      if (attempt > 1) throw err;
      repeatedClicks += 1;
      const state = await page.evaluate(() => ({
        controlled: Boolean(navigator.serviceWorker?.controller),
        focus: document.activeElement?.outerHTML.slice(0, 120),
      }));
      console.warn(`no download after a click, clicking again: ${err.message.split('\n')[0]}`, state);
    }
  }
}

/** The CSV and JSON of one table section, checked to hold the same rows. */
async function exportsOf(page, slug) {
  const section = page.locator(`section[data-table="${slug}"]`);
  await reveal(section);
  const csv = await download(page, section.locator(`button[data-export="${TECHNIQUE}-${slug}.csv"]`));
  const json = await download(page, section.locator(`button[data-export="${TECHNIQUE}-${slug}.json"]`));
  assert.equal(csv.name, `${TECHNIQUE}-${slug}.csv`);
  assert.equal(json.name, `${TECHNIQUE}-${slug}.json`);
  const [header, ...rows] = parseCsv(csv.text).map((r) => r.map(unguard));
  const objects = JSON.parse(json.text);
  assert.ok(Array.isArray(objects), `${slug}: JSON is an array`);
  assert.equal(objects.length, rows.length, `${slug}: JSON and CSV row counts`);
  objects.forEach((object, i) => {
    assert.deepEqual(Object.keys(object), header, `${slug}: JSON keys of row ${i}`);
    const cells = header.map((key) => (object[key] === null ? '' : String(object[key])));
    assert.deepEqual(cells, rows[i], `${slug}: JSON row ${i} equals the CSV row`);
  });
  return { section, header, rows, objects };
}

/** Header texts as the page shows them, without the sort marks. */
async function pageHeaders(section) {
  const texts = await section.locator('thead th').allTextContents();
  return texts.map((t) => t.replace(/[▲▼↕]/g, '').trim());
}

test(`every table of #/technique/${TECHNIQUE} exports the CLI's rows as CSV and JSON`, async () => {
  const g = runCli(['technique', TECHNIQUE, '--format', 'json']);
  const { page, problems } = await app.open(`#/technique/${TECHNIQUE}`);
  await page.getByTestId('rule-count').waitFor();
  const str = (n) => (n === null || n === undefined ? '' : String(n));
  const expected = {
    fields: {
      list: g.fields,
      row: (r) => [
        r.field,
        r.aliases.map((a) => `${a.field} (${a.vendors.map((v) => VENDOR_LABELS[v]).join(', ')})`).join('; '),
        str(r.rules),
        Object.entries(r.ops).map(([op, n]) => `${op} ${n}`).join('; '),
        r.samples.join('; '),
      ],
      header: ['Field', 'Aliases', 'Rules', 'How', 'Sample values'],
    },
    'vendor-comparison': {
      list: g.vendor_comparison,
      row: (r) => [r.field, ...r.cells.flatMap((c) => [str(c.rules), str(c.percent), c.aliases.join('; ')])],
      header: ['Field', ...Object.keys(g.by_vendor).flatMap((v) => {
        const label = VENDOR_LABELS[v];
        return [`${label} rules`, `${label} %`, `${label} aliases`];
      })],
    },
    indicators: {
      list: g.indicators,
      row: (r) => [r.field, r.op, r.value, str(r.rules), str(r.corpus_reach)],
      header: ['Field', 'Op', 'Value', 'Rules', 'Corpus reach'],
    },
    exclusions: {
      list: g.exclusions,
      row: (r) => [r.field, r.op, r.value, str(r.rules)],
      header: ['Field', 'Op', 'Value', 'Rules'],
    },
    'data-sources': {
      list: g.data_sources,
      row: (r) => [r.kind, r.value, str(r.rules)],
      header: ['Kind', 'Value', 'Rules'],
    },
    thresholds: {
      list: g.thresholds,
      row: (r) => [r.field, r.op, r.value, str(r.rules)],
      header: ['Field', 'Op', 'Value', 'Rules'],
    },
    rules: {
      list: g.rule_list,
      row: (r) => [VENDOR_LABELS[r.vendor], r.id, r.title, r.path],
      header: ['Vendor', 'ID', 'Title', 'Path'],
    },
  };
  let downloaded = 0;
  for (const [slug, want] of Object.entries(expected)) {
    const section = page.locator(`section[data-table="${slug}"]`);
    assert.equal(await section.count(), 1, `one ${slug} section`);
    if (want.list.length === 0) {
      assert.equal(await section.locator('button[data-export]').count(), 0,
        `${slug}: nothing to export, no button`);
      continue;
    }
    const { header, rows, objects } = await exportsOf(page, slug);
    downloaded += 2;
    assert.deepEqual(header, want.header, `${slug}: CSV header`);
    assert.deepEqual(rows, want.list.map(want.row), `${slug}: CSV rows equal the CLI's`);
    if (slug !== 'rules' && slug !== 'vendor-comparison') {
      assert.deepEqual(await pageHeaders(section), header, `${slug}: the page's column headers`);
      const numbers = header.map((h) => h === 'Rules' || h === 'Corpus reach');
      objects.forEach((o) => numbers.forEach((isNumber, c) => {
        if (isNumber && o[header[c]] !== null) assert.equal(typeof o[header[c]], 'number');
      }));
    }
    // The rows the page shows, in the same order, hold the same lead cells
    // (without the link to a field's own page that sits beside the name).
    const shown = await section.locator('tbody tr:not(.drill) > td:first-child').evaluateAll((cells) =>
      cells.map((td) => {
        const copy = td.cloneNode(true);
        copy.querySelectorAll('.field-page-link').forEach((link) => link.remove());
        return copy.textContent;
      }));
    if (slug !== 'rules') {
      assert.ok(shown.length > 0, `${slug}: rows on the page`);
      assert.deepEqual(shown.map((t) => t.trim()), rows.slice(0, shown.length).map((r) => r[0].trim()),
        `${slug}: the page's rows are the export's first rows`);
    }
  }
  console.log(`downloaded and checked ${downloaded} table exports for ${TECHNIQUE}`);
  assert.ok(downloaded >= 4, 'at least the fields, comparison, indicators and rules exports');
  assert.deepEqual(problems, [], 'console errors or failed requests');
  assert.ok(repeatedClicks <= 1, `${repeatedClicks} export clicks had to be repeated`);
});

/** Checks `layer` against the Navigator layer format 4.5, field by field. */
function checkLayer(layer, pageBase) {
  const isString = (v) => typeof v === 'string';
  assert.ok(isString(layer.name) && layer.name.length > 0, 'name');
  assert.deepEqual(Object.keys(layer.versions).sort(), ['attack', 'layer', 'navigator']);
  assert.equal(layer.versions.layer, '4.5', 'versions.layer');
  assert.match(layer.versions.attack, /^\d+$/, 'versions.attack is the ATT&CK major version');
  const [major, minor] = layer.versions.navigator.split('.').map(Number);
  assert.ok(major > 4 || (major === 4 && minor >= 9), 'versions.navigator is at least 4.9.0');
  assert.equal(layer.domain, 'enterprise-attack', 'domain');
  assert.ok(isString(layer.description), 'description');
  assert.ok([0, 1, 2, 3].includes(layer.sorting), 'sorting is 0..3');
  assert.equal(typeof layer.hideDisabled, 'boolean', 'hideDisabled');
  const { layout } = layer;
  assert.ok(['side', 'flat', 'mini'].includes(layout.layout), 'layout.layout');
  for (const key of ['showID', 'showName', 'showAggregateScores', 'countUnscored']) {
    assert.equal(typeof layout[key], 'boolean', `layout.${key}`);
  }
  assert.ok(['average', 'min', 'max', 'sum'].includes(layout.aggregateFunction), 'layout.aggregateFunction');
  assert.ok(['none', 'all', 'annotated'].includes(layout.expandedSubtechniques), 'layout.expandedSubtechniques');
  const { gradient } = layer;
  assert.ok(gradient.colors.length >= 2, 'gradient has two colours or more');
  gradient.colors.forEach((c) => assert.match(c, /^#[0-9a-f]{6}$/i, 'gradient colour'));
  assert.equal(typeof gradient.minValue, 'number');
  assert.ok(gradient.maxValue > gradient.minValue, 'gradient.maxValue > minValue');
  layer.legendItems.forEach((item) => {
    assert.ok(isString(item.label) && /^#[0-9a-f]{6}$/i.test(item.color), 'legend item');
  });
  layer.metadata.forEach((m) => assert.ok(isString(m.name) && isString(m.value), 'layer metadata'));
  layer.links.forEach((l) => assert.ok(isString(l.label) && isString(l.url), 'layer link'));
  assert.ok(layer.techniques.length > 0, 'techniques');
  const seen = new Set();
  let top = 0;
  for (const t of layer.techniques) {
    assert.match(t.techniqueID, /^T\d{4}(\.\d{3})?$/, 'techniqueID');
    assert.ok(!seen.has(t.techniqueID), `${t.techniqueID} listed once`);
    seen.add(t.techniqueID);
    assert.ok(Number.isInteger(t.score) && t.score > 0, `${t.techniqueID}: score is a rule count`);
    top = Math.max(top, t.score);
    assert.ok(isString(t.comment), 'comment');
    assert.equal(t.enabled, true, 'enabled');
    assert.equal(typeof t.showSubtechniques, 'boolean', 'showSubtechniques');
    t.metadata.forEach((m) => assert.ok(isString(m.name) && /^\d+$/.test(m.value), 'technique metadata'));
    assert.equal(t.metadata.reduce((n, m) => n + Number(m.value), 0), t.score,
      `${t.techniqueID}: per-vendor metadata adds up to the score`);
    assert.equal(t.links.length, 1, `${t.techniqueID}: one link back`);
    assert.ok(t.links[0].url.startsWith(`${pageBase}#/technique/${t.techniqueID}`),
      `${t.techniqueID}: the link opens its technique page (${t.links[0].url})`);
  }
  assert.equal(gradient.maxValue, top, 'the gradient ends at the highest score');
  return new Map(layer.techniques.map((t) => [t.techniqueID, t]));
}

test('the Navigator layer holds the filtered coverage with links back to each technique', async () => {
  for (const filter of ['', 'vendor=sigma']) {
    const route = `#/technique/${TECHNIQUE}${filter ? `?${filter}` : ''}`;
    const g = runCli(['technique', TECHNIQUE, '--format', 'json', '--filter', filter]);
    const { page, problems } = await app.open(route);
    await page.getByTestId('rule-count').waitFor();
    const file = await download(page, page.locator('button[data-export="navigator-layer"]'));
    const expectedName = filter ? 'rulescope-coverage-vendor-sigma-layer.json' : 'rulescope-coverage-layer.json';
    assert.equal(file.name, expectedName, 'file name says what it holds');
    const pageBase = app.url.endsWith('/') ? app.url : `${app.url}/`;
    const techniques = checkLayer(JSON.parse(file.text), pageBase);
    const mine = techniques.get(TECHNIQUE);
    assert.equal(mine?.score, g.rules, `${TECHNIQUE}'s score is its rule count under "${filter}"`);
    const link = mine.links[0].url;
    if (filter) {
      assert.ok(link.endsWith(`?${filter}`), `the link keeps the filter: ${link}`);
      for (const t of techniques.values()) {
        assert.deepEqual(t.metadata.map((m) => m.name), ['Sigma'], `${t.techniqueID}: Sigma rules only`);
      }
    }
    // Following a link opens that technique's page with the same count.
    const other = [...techniques.values()].find((t) => t.techniqueID !== TECHNIQUE) ?? mine;
    await page.goto(other.links[0].url);
    await page.getByTestId('rule-count').waitFor();
    assert.match(await page.locator('h1').first().textContent(), new RegExp(other.techniqueID.replace('.', '\\.')));
    assert.equal(Number((await page.getByTestId('rule-count').textContent()).trim()), other.score,
      `${other.techniqueID}: the page counts what the layer scored`);
    assert.deepEqual(problems, [], 'console errors or failed requests');
    await page.close();
  }
});
