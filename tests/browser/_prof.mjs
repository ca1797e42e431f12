import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { startApp, openPage } from './lib.mjs';
const CORPUS_SIGMA = process.env.RULESCOPE_CORPUS + '/sigma/rules';
execFileSync('bash', ['-c', `rm -f /tmp/sig.zip && cd ${CORPUS_SIGMA} && zip -q -r /tmp/sig.zip .`]);
const zip = readFileSync('/tmp/sig.zip');
const app = await startApp();
const { page } = await openPage(app.browser, app.url + (process.argv[2] ?? ''));
await page.locator('main').waitFor();
await page.waitForTimeout(1500);
await page.evaluate((b64) => { window.__staged = [new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'sigma.zip')]; }, zip.toString('base64'));
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
await page.evaluate(() => {
  window.__tasks = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__tasks.push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({ type: 'longtask' });
  const transfer = new DataTransfer();
  for (const f of window.__staged) transfer.items.add(f);
  const target = document.querySelector('main');
  target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
});
await page.getByTestId('import-results').waitFor({ timeout: 60000 });
await page.waitForTimeout(1500);
const { profile } = await cdp.send('Profiler.stop');
console.log('longtasks', JSON.stringify(await page.evaluate(() => window.__tasks)));
writeFileSync('/tmp/import.cpuprofile', JSON.stringify(profile));
// find busy runs
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
let t = profile.startTime; const times = profile.timeDeltas.map((d) => (t += d));
const idle = (id) => ['(idle)', '(program)', '(garbage collector)'].includes(byId.get(id).callFrame.functionName) && byId.get(id).callFrame.functionName !== '(garbage collector)';
let runs = []; let cur = null;
profile.samples.forEach((id, i) => {
  if (!idle(id)) { if (!cur) cur = { s: i, e: i }; else cur.e = i; }
  else if (cur && times[i] - times[cur.e] > 3000) { runs.push(cur); cur = null; }
});
if (cur) runs.push(cur);
runs = runs.map((r) => ({ ...r, ms: (times[r.e] - times[r.s]) / 1000 })).filter((r) => r.ms > 40);
for (const r of runs) {
  console.log(`--- busy run ${r.ms.toFixed(0)} ms at ${((times[r.s]-profile.startTime)/1000).toFixed(0)}`);
  const incl = new Map();
  for (let i = r.s; i <= r.e; i++) {
    const dt = (times[i + 1] ?? times[i]) - times[i];
    const seen = new Set();
    for (let id = profile.samples[i]; id; id = parent.get(id)) {
      const f = byId.get(id).callFrame; const name = f.functionName || `(anon ${f.url.split('/').pop()}:${f.lineNumber})`;
      if (seen.has(name)) continue; seen.add(name);
      incl.set(name, (incl.get(name) ?? 0) + dt);
    }
  }
  [...incl.entries()].sort((a, b) => b[1] - a[1]).slice(0, 45).forEach(([n, v]) => console.log((v / 1000).toFixed(1).padStart(7), n.slice(0, 150)));
}
await app.close();
