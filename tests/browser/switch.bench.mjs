// Benchmark (not a test): how long the built app takes to switch technique
// and filter, from the hash change to the next painted frame, on whatever
// corpus dist/ embeds. Machines here are small and shared, so it reports
// medians over several rounds and, as the figure to compare between runs,
// ratios against a baseline measured in the same run: switching to the
// About page, which costs the same fixed overhead (router, header, footer,
// one frame) but almost no catalog work.
//   node switch.bench.mjs [rounds]     (default 5)
import { startApp } from './lib.mjs';

const ROUNDS = Number(process.argv[2] ?? 5);
const TECHNIQUES = ['T1003.001', 'T1586.003', 'T1078', 'T1547.001', 'T1059.001', 'T1105', 'T1218.011', 'T1021.001'];
const FILTERS = ['vendor=sigma', 'vendor=sigma,splunk', 'level=high', 'platform=windows', ''];

/**
 * Sets the hash and resolves with { frame, settled }: the ms until the main
 * view changed and the next frame was painted, and until the last change to
 * the view within the following 250 ms (a section scrolled near builds its
 * rows in a task of its own, src/app/nearby.rs; `settled` counts it). The
 * change is seen by a MutationObserver (its callback runs right after the
 * task that rendered); the frame by a requestAnimationFrame callback
 * followed by a zero timeout, which runs once that frame's style, layout
 * and paint are done.
 */
async function timeSwitch(page, hash) {
  return page.evaluate(async (hash) => {
    const main = document.querySelector('main');
    let last = 0;
    let seen;
    const changed = new Promise((resolve) => { seen = resolve; });
    const watch = new MutationObserver(() => {
      last = performance.now();
      seen();
    });
    watch.observe(main, { subtree: true, childList: true, characterData: true, attributes: true });
    const start = performance.now();
    location.hash = hash;
    await changed;
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const frame = performance.now() - start;
    await new Promise((r) => setTimeout(r, 250));
    watch.disconnect();
    return { frame, settled: Math.max(frame, last - start) };
  }, hash);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const app = await startApp();
try {
  const { page } = await app.open('#/technique/T1059.001');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByTestId('rule-count').waitFor({ timeout: 60_000 });
  const runs = { baseline: [], technique: [], filter: [] };
  for (let round = 0; round < ROUNDS; round++) {
    runs.baseline.push(await timeSwitch(page, '#/about'));
    for (const id of TECHNIQUES) runs.technique.push(await timeSwitch(page, `#/technique/${id}`));
    await timeSwitch(page, '#/technique/T1059.001?vendor=elastic');
    for (const q of FILTERS) runs.filter.push(await timeSwitch(page, `#/technique/T1059.001?${q}`));
  }
  const pick = (key) => Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.map((x) => x[key])]));
  const frame = pick('frame');
  const settled = pick('settled');
  const b = median(frame.baseline);
  const t = median(frame.technique);
  const f = median(frame.filter);
  console.log(`rounds ${ROUNDS}; medians to the painted frame: light view ${b.toFixed(1)} ms, technique switch ${t.toFixed(1)} ms, filter change ${f.toFixed(1)} ms`);
  console.log(`ratios to the light view: technique ${(t / b).toFixed(2)}x, filter ${(f / b).toFixed(2)}x`);
  console.log(`worst: technique ${Math.max(...frame.technique).toFixed(1)} ms, filter ${Math.max(...frame.filter).toFixed(1)} ms`);
  console.log(`medians until the view settled: technique ${median(settled.technique).toFixed(1)} ms, filter ${median(settled.filter).toFixed(1)} ms`);
} finally {
  await app.close();
}
