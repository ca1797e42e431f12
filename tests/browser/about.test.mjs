// The About page says what `rulescope about` prints: the ATT&CK version, each
// upstream source at its commit (linked there), the counts, and MITRE's
// notice; it is reached from the header of every page.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appPerFile, runCli, screenshot } from './lib.mjs';

const app = appPerFile();

test('#/about shows the ATT&CK version, sources with commits, counts and the MITRE notice', async () => {
  const expected = runCli(['about']);
  const { page, problems } = await app.open('');
  try {
    await page.locator('header.top').getByRole('link', { name: 'About' }).click();
    await page.waitForFunction(() => location.hash === '#/about');
    await page.getByRole('heading', { level: 1, name: 'About rulescope' }).waitFor();

    const version = (await page.getByTestId('attack-version').textContent()).trim();
    assert.equal(version, expected.attack_version ? `v${expected.attack_version}` : '(version unknown)');
    assert.equal((await page.getByTestId('about-rules').textContent()).trim(), String(expected.rules));
    assert.equal((await page.getByTestId('techniques-covered').textContent()).trim(),
      String(expected.techniques_covered));

    const vendorRows = page.getByTestId('about-vendor');
    assert.equal(await vendorRows.count(), expected.vendors.length, 'one row per vendor');
    for (const [i, v] of expected.vendors.entries()) {
      const cells = await vendorRows.nth(i).locator('td').allTextContents();
      assert.equal(cells[0].trim(), String(v.rules), `${v.vendor} rules`);
    }

    const rows = page.getByTestId('about-source');
    assert.equal(await rows.count(), expected.sources.length, 'one row per source');
    for (const [i, s] of expected.sources.entries()) {
      const row = rows.nth(i);
      const commit = row.getByTestId('source-commit');
      assert.equal(await commit.locator('code').getAttribute('title'), s.source.commit, `${s.source.name} commit`);
      assert.ok(s.source.commit.startsWith((await commit.textContent()).trim()), 'short commit shown');
      const link = commit.getByRole('link');
      assert.equal(await link.getAttribute('href'), s.commit_url, `${s.source.name} commit link`);
      assert.equal(await link.getAttribute('rel'), 'noopener noreferrer external');
      assert.ok((await row.textContent()).includes(s.source.license), `${s.source.name} license`);
    }
    if (expected.sources.length > 0) {
      const names = expected.sources.map((s) => s.source.name);
      assert.ok(names.includes('attack'), `sources ${names}`);
    }

    const notice = page.getByTestId('mitre-notice');
    const text = await notice.textContent();
    assert.match(text, /The MITRE Corporation\. This work is reproduced and distributed with the permission of The MITRE Corporation\./);
    assert.match(text, /hereby grants you a non-exclusive, royalty-free license to use ATT&CK®/);
    assert.match(text, /MITRE ATT&CK® is a registered trademark of The MITRE Corporation/);
    const attack = expected.sources.find((s) => s.source.name === 'attack');
    if (attack) assert.ok(text.includes(`© ${attack.source.date.slice(0, 4)} The MITRE Corporation`));
    assert.equal(await notice.getByRole('link').getAttribute('href'),
      'https://attack.mitre.org/resources/legal-and-branding/terms-of-use/');
  } finally {
    await screenshot(page, 'about');
  }
  assert.deepEqual(problems, [], 'console errors or failed requests');
});
