// Checks the test harness itself on a page made here, so that a broken
// server or a blind error collector cannot make the app tests pass.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startApp } from './lib.mjs';

const WASM_HEADER = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

let scratch;
let app;
before(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'rulescope-harness-'));
  const site = path.join(scratch, 'site');
  mkdirSync(site);
  writeFileSync(path.join(scratch, 'secret.txt'), 'outside the served folder');
  writeFileSync(path.join(site, 'empty.wasm'), WASM_HEADER);
  writeFileSync(
    path.join(site, 'index.html'),
    `<!doctype html><html><head><link rel="icon" href="data:,"></head><body>
    <p data-testid="greeting">hello</p>
    <script type="module">
      const { instance } = await WebAssembly.instantiateStreaming(fetch('empty.wasm'));
      document.body.dataset.wasm = typeof instance.exports;
      if (location.hash === '#/broken') {
        console.error('boom');
        await fetch('missing.json');
      }
    </script></body></html>`,
  );
  app = await startApp(site);
});
after(async () => {
  await app?.close();
  rmSync(scratch, { recursive: true, force: true });
});

test('serves files with their MIME types and nothing outside the folder', async () => {
  const wasm = await fetch(`${app.url}empty.wasm`);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  const index = await fetch(app.url);
  assert.match(index.headers.get('content-type'), /^text\/html/);
  const escape = await fetch(`${app.url}..%2fsecret.txt`);
  assert.equal(escape.status, 403);
  assert.equal((await fetch(`${app.url}nope.js`)).status, 404);
});

test('a clean page loads its wasm and reports no problem', async () => {
  const { page, problems } = await app.open('#/ok');
  assert.equal(await page.getByTestId('greeting').textContent(), 'hello');
  await page.waitForFunction(() => document.body.dataset.wasm === 'object');
  assert.deepEqual(problems, []);
  await page.close();
});

test('console errors and failed requests are collected', async () => {
  const { page, problems } = await app.open('#/broken');
  await page.waitForFunction(() => document.body.dataset.wasm === 'object');
  await page.waitForTimeout(200);
  assert.ok(problems.includes('console error: boom'), problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith('HTTP 404') && p.endsWith('/missing.json')),
    problems.join('\n'));
  await page.close();
});
