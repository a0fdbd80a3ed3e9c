// `interp explore` in Chromium: the time from a click on an item to its Integrated Gradients map
// shown (the demo's MNIST CNN, 28 x 28 digits; the page's IG runs the widget's steps on tfjs's
// WASM backend in the browser), goal under 200 ms. Baseline in the same run: the same
// runAttribution('ig') call in Node (WASM backend, same model, same steps) on the same digits, so
// the ratio is the page's overhead (DOM, drawing, browser WASM) over the bare computation. Also
// printed: the Node call with 50 steps. Run after a build (`npx turbo run build`); needs Debian's
// Chromium (CHROMIUM_PATH to override).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report, time, writeResults } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(here, '../apps/cli/dist/bin.js');
const { chromium } = createRequire(resolve(here, '../apps/explore/package.json'))(
  'playwright-core',
);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The widget's IG steps (widgetAttributionDefaults.nSteps in @interp/widgets). */
const WIDGET_STEPS = 50;
const ITEMS = 9;
const dir = mkdtempSync(join(tmpdir(), 'interp-explore-bench-'));
let server;
let context;

try {
  const built = spawnSync(process.execPath, [resolve(here, '../scripts/build-examples.mjs'), dir], {
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`build-examples failed: ${built.stderr}`);
  const model = join(dir, 'mnist', 'model.json');
  const digits = join(dir, 'mnist', 'digits');

  server = spawn(process.execPath, [
    bin,
    'explore',
    '--model',
    model,
    '--data',
    digits,
    '--port',
    '0',
  ]);
  const url = await new Promise((ok, fail) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) ok(m[0]);
    });
    server.on('exit', (code) => fail(new Error(`interp explore exited ${code}`)));
  });
  context = await chromium.launchPersistentContext(mkdtempSync(join(dir, 'profile-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.explore !== undefined, undefined, { timeout: 120_000 });
  await page.locator('select[name="attribution"]').selectOption('ig');
  const items = await page
    .locator('li[data-index]')
    .evaluateAll((lis) => lis.slice(0, 9).map((li) => Number(li.getAttribute('data-index'))));
  // Click to the IG map in the page's own clock: a click on the list item, then the map's <img>
  // loaded under a caption naming Integrated gradients.
  let k = 0;
  const clickToMap = () =>
    page.evaluate(
      async (index) => {
        const li = document.querySelector(`li[data-index="${index}"]`);
        const t0 = performance.now();
        li.click();
        for (;;) {
          const fig = document.querySelector('.iw-attribution');
          const img = fig?.querySelector('img');
          // The map of this item (its alt text names it), not a previous one.
          if (
            img?.complete &&
            img.alt.endsWith(`item ${index}`) &&
            /^Integrated gradients/.test(fig.textContent ?? '')
          )
            break;
          await new Promise((r) => requestAnimationFrame(r));
        }
        return performance.now() - t0;
      },
      items[k++ % items.length],
    );
  const inPage = [];
  const ours = await time(async () => inPage.push(await clickToMap()), { runs: ITEMS, warmup: 2 });
  const sorted = inPage.slice(2).sort((a, b) => a - b);
  const pageClock = { ...ours, median: sorted[Math.floor(sorted.length / 2)] };

  // Baseline: the same call in Node on the same digits.
  const { loadModel } = await import(resolve(here, '../apps/cli/dist/io/load-model.js'));
  const { loadImageFolder } = await import(resolve(here, '../packages/data/dist/node.js'));
  const core = await import('@interp/core');
  const tf = await import('@tensorflow/tfjs-core');
  const { runAttribution } = await import('@interp/attribution/methods');
  await core.setupBackend('wasm');
  const loaded = await loadModel(model);
  const folder = await loadImageFolder(digits);
  const itemSize = folder.x.data.length / folder.x.shape[0];
  let j = 0;
  const nodeIg = (nSteps) => async () => {
    const i = items[j++ % items.length];
    const x = tf.tensor(folder.x.data.subarray(i * itemSize, (i + 1) * itemSize), [
      1,
      ...folder.x.shape.slice(1),
    ]);
    const r = await runAttribution(loaded.model, 'ig', x, { target: 0, nSteps });
    await r.attributions.data();
    r.attributions.dispose();
    r.delta?.dispose?.();
    x.dispose();
  };
  const node = await time(nodeIg(WIDGET_STEPS), { runs: ITEMS, warmup: 2 });
  const node50 = await time(nodeIg(50), { runs: ITEMS, warmup: 1 });
  loaded.dispose();
  const records = [
    report(`explore: click to IG map (${WIDGET_STEPS} steps) in Chromium`, pageClock, node, {
      baselineLabel: `runAttribution('ig', ${WIDGET_STEPS} steps) in Node`,
    }),
  ];
  console.log(`Node runAttribution('ig', 50 steps): ${node50.median.toFixed(1)} ms median`);
  const goalMs = 200;
  console.log(
    `goal: click to IG map under ${goalMs} ms: ${pageClock.median < goalMs ? 'met' : 'NOT met'} (${pageClock.median.toFixed(0)} ms median of ${ITEMS})`,
  );
  console.log(`results: ${writeResults('explore', records, { goalMs, node50Ms: node50.median })}`);
} finally {
  await context?.close();
  server?.kill('SIGINT');
  rmSync(dir, { recursive: true, force: true });
}
