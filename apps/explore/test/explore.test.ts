// Browser tests of the explore page: `interp explore` (in-process, from the CLI's source) serves
// the built page on 127.0.0.1 with a small CNN and images; Debian's Chromium (playwright-core)
// clicks a confusion-matrix cell, opens items, switches the attribution method, and uploads a
// model into the page served as a static site.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupBackend } from '@interp/core';
import { encodeNpy } from '@interp/data';
import { ATTRIBUTION_METHODS } from '@interp/widgets';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExplore } from '../../cli/src/commands/explore.js';
import { RouteTable } from '../../cli/src/commands/explore-routes.js';
import { type ExploreServer, serveRoutes } from '../../cli/src/commands/explore-server.js';
import { saveModel, smallCnn, writeImages, writeTable } from './fixtures.js';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const pageDir = join(appDir, 'dist');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SIDE = 12;
const CLASSES = ['<i>one', 'two', 'three'];

const dir = mkdtempSync(join(tmpdir(), 'interp-explore-browser-'));
let served: ExploreServer;
let staticSite: ExploreServer;
let context: BrowserContext;
let images: string[];

async function open(url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  // A failed load is recorded by its URL (below), not by the console's URL-less line.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      errors.push(m.text());
  });
  page.on('response', (r) => {
    // The static site has no data.json: the page asks once and shows the upload panel.
    if (
      r.status() >= 400 &&
      !(r.status() === 404 && r.url().endsWith('/data.json') && r.url().startsWith(staticSite.url))
    ) {
      errors.push(`${r.status()} ${r.url()}`);
    }
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(url);
  return { page, errors };
}

/** The static site with `files` picked in its upload input, once it says it is ready. */
async function upload(files: string[]): Promise<{ page: Page; errors: string[] }> {
  const opened = await open(staticSite.url);
  await expect
    .poll(() => opened.page.locator('#status').textContent(), { timeout: 30_000 })
    .toMatch(/^Ready/);
  await opened.page.locator('#files').setInputFiles(files);
  return opened;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: set CHROMIUM_PATH`);
  if (!existsSync(join(pageDir, 'index.html'))) {
    execFileSync(process.execPath, [join(appDir, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  }
  await setupBackend('cpu');
  const model = smallCnn(SIDE, CLASSES.length);
  await saveModel(model, join(dir, 'cnn'));
  model.dispose();
  images = writeImages(join(dir, 'images'), CLASSES, 4, SIDE);
  process.env.INTERP_EXPLORE_PAGE = pageDir;
  const s = await startExplore(['--model', 'cnn/model.json', '--data', 'images', '--port', '0'], {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: dir,
  });
  if (typeof s === 'number') throw new Error('explore did not start');
  served = s;
  const routes = new RouteTable();
  routes.addFolder(pageDir);
  staticSite = await serveRoutes(routes, 0);
  context = await chromium.launchPersistentContext(
    mkdtempSync(join(tmpdir(), 'interp-explore-profile-')),
    {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
      ],
    },
  );
});

afterAll(async () => {
  await context?.close();
  await served?.close();
  await staticSite?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the page served by interp explore', () => {
  it('clicks a confusion-matrix cell, opens an item with IG, switches the method', async () => {
    const { page, errors } = await open(served.url);
    await page.waitForFunction(() => window.explore !== undefined, undefined, { timeout: 30_000 });
    // Class names are text, never markup.
    expect(await page.locator('.iw-cm i').count()).toBe(0);
    expect(await page.locator('.iw-cm').textContent()).toContain('<i>one');
    const cells = page.locator('td[data-actual][data-predicted]');
    expect(await cells.count()).toBe(CLASSES.length ** 2);
    // The widget's own count of each cell; click the first non-empty one.
    const counts = await cells.evaluateAll((tds) =>
      tds.map((td) => ({
        a: Number(td.getAttribute('data-actual')),
        p: Number(td.getAttribute('data-predicted')),
        n: Number(/: (\d+) item/.exec(td.getAttribute('aria-label') ?? '')?.[1] ?? -1),
      })),
    );
    expect(counts.reduce((s, c) => s + c.n, 0)).toBe(images.length);
    const cell = counts.find((c) => c.n > 0)!;
    await page.locator(`td[data-actual="${cell.a}"][data-predicted="${cell.p}"]`).click();
    const items = page.locator('li[data-index]');
    await expect.poll(() => items.count()).toBe(cell.n);
    // Open the first (largest loss) item: IG is drawn.
    await items.first().click();
    const caption = page.locator('.iw-attribution figcaption');
    await expect
      .poll(() => caption.textContent(), { timeout: 30_000 })
      .toMatch(/^Integrated gradients/);
    // Every method of the shared table is offered.
    const options = await page
      .locator('select[name="attribution"] option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(options).toEqual(expect.arrayContaining([...ATTRIBUTION_METHODS]));
    await page.locator('select[name="attribution"]').selectOption('saliency');
    await items.first().click();
    await expect.poll(() => caption.textContent(), { timeout: 30_000 }).toMatch(/^Saliency/);
    // The page predicted on the CLI's exact float input (inputs.npy): the same probabilities.
    const cli = (await (await fetch(new URL('data.json', served.url))).json()) as {
      probs: number[];
    };
    const probs = await page.evaluate(() => Array.from(window.explore!.probs ?? []));
    expect(probs.length).toBe(cli.probs.length);
    expect(Math.max(...probs.map((p, i) => Math.abs(p - cli.probs[i]!)))).toBeLessThan(1e-5);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('serves nothing else: data.json yes, a traversal no', async () => {
    const r = await fetch(new URL('data.json', served.url));
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(new URL('/%2e%2e/%2e%2e/etc/passwd', served.url))).status).toBe(404);
  });
});

describe('interp explore on an ONNX model (NCHW, a PyTorch export)', () => {
  const onnxModel = join(appDir, '..', 'docs', 'src', 'assets', 'digits-cnn.onnx');
  let onnxServer: ExploreServer;
  beforeAll(async () => {
    // Ten classes of 28 x 28 gray images, as the digits model takes.
    writeImages(join(dir, 'digits'), [...'0123456789'], 2, 28);
    const s = await startExplore(['--model', onnxModel, '--data', 'digits', '--port', '0'], {
      stdout: process.stdout,
      stderr: process.stderr,
      cwd: dir,
    });
    if (typeof s === 'number') throw new Error('explore did not start');
    onnxServer = s;
  });
  afterAll(async () => {
    await onnxServer?.close();
  });

  it('predicts as the CLI did (to 1e-5) and draws non-blank IG and Grad-CAM maps', async () => {
    const cli = (await (await fetch(new URL('data.json', onnxServer.url))).json()) as {
      probs: number[];
    };
    const { page, errors } = await open(onnxServer.url);
    await page.waitForFunction(() => window.explore !== undefined, undefined, { timeout: 60_000 });
    const probs = await page.evaluate(() => Array.from(window.explore!.probs ?? []));
    expect(probs.length).toBe(cli.probs.length);
    const worst = Math.max(...probs.map((p, i) => Math.abs(p - cli.probs[i]!)));
    expect(worst).toBeLessThan(1e-5);
    // The layer menu lists the graph's nodes, GradCAM's default (the last 7 x 7 Relu) selected.
    const layer = page.locator('select[name="layer"]');
    expect(await layer.inputValue()).toBe('/features/features.7/Relu');
    const items = page.locator('li[data-index]');
    const caption = page.locator('.iw-attribution figcaption');
    for (const [method, label] of [
      ['ig', /^Integrated gradients for class/],
      ['gradcam', /^Grad-CAM \(layer \/features\/features\.7\/Relu\) for class/],
    ] as const) {
      await page.locator('select[name="attribution"]').selectOption(method);
      await items.first().click();
      await expect.poll(() => caption.textContent(), { timeout: 30_000 }).toMatch(label);
      expect(await page.locator('.iw-blank').count()).toBe(0);
      expect(await page.locator('.iw-error').count()).toBe(0);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the page as a static site', () => {
  it('takes an uploaded model, images and labels.csv and shows them', async () => {
    const { page, errors } = await upload([
      join(dir, 'cnn', 'model.json'),
      join(dir, 'cnn', 'weights.bin'),
      join(dir, 'images', 'labels.csv'),
      ...images,
    ]);
    await page.waitForFunction(() => window.explore !== undefined, undefined, { timeout: 30_000 });
    expect(await page.locator('#status').textContent()).toMatch(/12 uploaded images, 3 classes/);
    expect(await page.locator('td[data-actual]').count()).toBe(9);
    await page.locator('li[data-index]').first().click();
    await expect
      .poll(() => page.locator('.iw-attribution figcaption').textContent(), { timeout: 30_000 })
      .toMatch(/^Integrated gradients/);
    expect(errors).toEqual([]);
    await page.close();
  });

  // PyTorch is the oracle: Debian's python3 has it (the CI machine's); elsewhere this test is skipped.
  const PYTHON = '/usr/bin/python3';
  const hasTorch =
    spawnSync(PYTHON, ['-c', 'import torch, onnx, PIL'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!hasTorch)(
    'takes an uploaded .onnx model: the confusion matrix matches PyTorch on the same pixels',
    async () => {
      const onnxFile = join(dir, 'model.onnx');
      const r = spawnSync(PYTHON, [join(appDir, 'test', 'onnx-cnn.py'), onnxFile, ...images], {
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      const predicted = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
      const labels = new Map(
        readFileSync(join(dir, 'images', 'labels.csv'), 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => l.split(',') as [string, string]),
      );
      const vocab = [...new Set(labels.values())].sort();
      const expected = vocab.map(() => vocab.map(() => 0));
      for (const f of images)
        expected[vocab.indexOf(labels.get(basename(f))!)]![predicted[basename(f)]!]! += 1;
      const { page, errors } = await upload([
        onnxFile,
        join(dir, 'images', 'labels.csv'),
        ...images,
      ]);
      await page.waitForFunction(() => window.explore !== undefined, undefined, {
        timeout: 30_000,
      });
      const got = vocab.map(() => vocab.map(() => 0));
      for (const c of await page
        .locator('td[data-actual]')
        .evaluateAll((tds) =>
          tds.map((td) => [
            Number(td.getAttribute('data-actual')),
            Number(td.getAttribute('data-predicted')),
            Number(/: (\d+) item/.exec(td.getAttribute('aria-label') ?? '')?.[1] ?? -1),
          ]),
        )) {
        got[c[0]!]![c[1]!] = c[2]!;
      }
      expect(got).toEqual(expected);
      expect(errors).toEqual([]);
      await page.close();
    },
  );

  it('takes an uploaded model and CSV table: target column menu, permutation importance', async () => {
    const { accuracy } = await writeTable(dir);
    const { page, errors } = await upload([
      join(dir, 'mlp', 'model.json'),
      join(dir, 'mlp', 'weights.bin'),
      join(dir, 'table.csv'),
    ]);
    const items = page.locator('#importance li');
    await expect.poll(() => items.count(), { timeout: 30_000 }).toBe(3);
    const menu = page.locator('select#target-column');
    expect(await menu.inputValue()).toBe('species');
    expect(
      await menu
        .locator('option')
        .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)),
    ).toEqual(['x0', 'x1', 'x2', 'species']);
    // The model ignores x2 (scores [x0 - x1, x1 - x0]): shuffling it changes no prediction.
    const x2 = await page
      .locator('#importance li[data-feature="x2"]')
      .getAttribute('data-importance');
    expect(Number(x2)).toBe(0);
    expect(await page.locator('#importance p').textContent()).toContain(
      `baseline ${accuracy.toFixed(4)}`,
    );
    expect(await page.locator('#status').textContent()).toBe(
      'Showing 20 uploaded rows, target species.',
    );
    // A feature column as the target: not class ids, said in the status line.
    await menu.selectOption('x2');
    await expect
      .poll(() => page.locator('#status').textContent(), { timeout: 30_000 })
      .toMatch(/^Could not use column x2: /);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says what is missing when the upload has no model', async () => {
    const { page } = await upload(images.slice(0, 2));
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/add one model/);
    await page.close();
  });
});

describe('interp explore on a table', () => {
  it('shows the predictions and the permutation importance computed in the page', async () => {
    const { accuracy } = await writeTable(dir);
    const s = await startExplore(
      [
        '--model',
        'mlp/model.json',
        '--data',
        'table.csv',
        '--target-column',
        'species',
        '--port',
        '0',
      ],
      { stdout: process.stdout, stderr: process.stderr, cwd: dir },
    );
    if (typeof s === 'number') throw new Error('explore did not start');
    try {
      const { page, errors } = await open(s.url);
      const items = page.locator('#importance li');
      await expect.poll(() => items.count(), { timeout: 30_000 }).toBe(3);
      const rows = await items.evaluateAll((lis) =>
        lis.map((li) => ({
          f: li.getAttribute('data-feature'),
          v: Number(li.getAttribute('data-importance')),
        })),
      );
      // The model ignores x2: shuffling it changes no prediction.
      expect(rows.find((r) => r.f === 'x2')!.v).toBe(0);
      expect(rows.map((r) => r.v)).toEqual([...rows.map((r) => r.v)].sort((a, b) => b - a));
      expect(await page.locator('#importance p').textContent()).toContain(
        `baseline ${accuracy.toFixed(4)}`,
      );
      expect(await page.locator('td[data-actual]').count()).toBe(4);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await s.close();
    }
  });
});

describe('interp explore on segmentation masks', () => {
  it('browses the masks worst first and scores them as counted by hand', async () => {
    // 3 masks of 2 x 2; image 0 has 1 wrong pixel, image 1 none, image 2 three.
    const targs = [
      [
        [0, 1],
        [1, 1],
      ],
      [
        [0, 0],
        [1, 1],
      ],
      [
        [1, 1],
        [1, 0],
      ],
    ];
    const labels = [
      [
        [0, 1],
        [1, 0],
      ],
      [
        [0, 0],
        [1, 1],
      ],
      [
        [0, 0],
        [1, 1],
      ],
    ];
    // Scores with the label's channel highest (argmax gives the labels back).
    const scores = labels.map((m) =>
      m.map((r) => r.map((v) => (v === 1 ? [0.2, 0.8] : [0.7, 0.3]))),
    );
    writeFileSync(
      join(dir, 'seg-preds.npy'),
      encodeNpy(Float32Array.from(scores.flat(3)), [3, 2, 2, 2]),
    );
    writeFileSync(join(dir, 'seg-targs.npy'), encodeNpy(Int32Array.from(targs.flat(2)), [3, 2, 2]));
    writeFileSync(join(dir, 'seg-vocab.json'), JSON.stringify(['background', '<i>cell']));
    const s = await startExplore(
      [
        '--task',
        'segmentation',
        '--preds',
        'seg-preds.npy',
        '--targs',
        'seg-targs.npy',
        '--vocab',
        'seg-vocab.json',
        '--port',
        '0',
      ],
      { stdout: process.stdout, stderr: process.stderr, cwd: dir },
    );
    if (typeof s === 'number') throw new Error('explore did not start');
    try {
      const { page, errors } = await open(s.url);
      await page.waitForFunction(() => window.exploreSegmentation !== undefined, undefined, {
        timeout: 30_000,
      });
      expect(await page.evaluate(() => window.exploreSegmentation!.browsingOrder())).toEqual([
        2, 0, 1,
      ]);
      // 8 of 12 pixels right.
      expect(
        await page.evaluate(() => window.exploreSegmentation!.datasetScores().pixelAccuracy),
      ).toBeCloseTo(8 / 12, 10);
      expect(await page.evaluate(() => window.exploreSegmentation!.currentItem)).toBe(2);
      await page.getByRole('button', { name: 'Next image' }).click();
      await expect.poll(() => page.evaluate(() => window.exploreSegmentation!.currentItem)).toBe(0);
      expect(await page.locator('main i').count()).toBe(0);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await s.close();
    }
  });
});
