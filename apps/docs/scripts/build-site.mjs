// Builds the docs site into apps/docs/dist/site:
//   1. docs/*.md -> HTML pages (markdown-it) in dist/pages/, with the examples' sources inlined,
//   2. dist/pages/public/: the tfjs WASM binaries and a small MNIST asset (generated, not committed),
//   3. Vite bundles the pages and their scripts (base './': the site works from any folder),
//   4. TypeDoc writes the API reference from the packages' TSDoc into dist/api/.
// Usage: node scripts/build-site.mjs [--no-api]
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { BACKEND_FREE_EXAMPLES, MNIST_ASSET_DIGITS, PAGES } from './pages.mjs';
import { convertApi, writeApi } from './site-api.mjs';
import { createCodeBlocks, createMarkdown } from './site-markdown.mjs';
import { guideDocs, searchIndexJson } from './site-search-index.mjs';
import { template } from './site-template.mjs';
import { wasmThreadsPlugin } from './wasm-threads-plugin.mjs';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoDir = resolve(appDir, '../..');
const docsDir = join(repoDir, 'docs');
// Generated inputs and the built site both live under dist/ (gitignored, skipped by Biome).
const siteDir = join(appDir, 'dist', 'pages');
const publicDir = join(siteDir, 'public');
const distDir = join(appDir, 'dist', 'site');
const require = createRequire(import.meta.url);
const withApi = !process.argv.includes('--no-api');

/** The placeholder of an example's output until it draws (main.ts removes it). */
const LOADING =
  '<div class="example-loading" role="status"><div class="skeleton" aria-hidden="true"></div><div class="skeleton short" aria-hidden="true"></div><span>Loading…</span></div>';

const t0 = performance.now();
rmSync(siteDir, { recursive: true, force: true });
mkdirSync(join(publicDir, 'wasm'), { recursive: true });
mkdirSync(join(publicDir, 'data'), { recursive: true });
mkdirSync(join(publicDir, 'models'), { recursive: true });

copyWasm();
await writeMnistAsset();
await writeHeroModel();
// The PyTorch guide's CNN, exported to ONNX (train-pytorch-digits.py); its example fetches it.
copyFileSync(
  join(appDir, 'src', 'assets', 'digits-cnn.onnx'),
  join(publicDir, 'models', 'digits-cnn.onnx'),
);
await writeFavicon();
const api = withApi ? await convertApi({ repoDir, workDir: siteDir }) : undefined;
const codeBlock = await createCodeBlocks();
const inputs = writePages();
await build({
  configFile: false,
  root: siteDir,
  base: './',
  publicDir,
  logLevel: 'warn',
  plugins: [wasmThreadsPlugin()],
  worker: { plugins: () => [wasmThreadsPlugin()] },
  build: {
    outDir: distDir,
    emptyOutDir: true,
    target: 'es2022',
    // tfjs is large; the examples load it once and it is cached across pages.
    chunkSizeWarningLimit: 4096,
    // Keep function names: core names a metric by its function's name (learn.recorder's keys).
    // tfjs chunks are named tfjs-*: the tests check pages without a model never fetch one.
    rolldownOptions: {
      input: inputs,
      output: {
        keepNames: true,
        chunkFileNames: (chunk) =>
          chunk.moduleIds.some((id) => id.includes('@tensorflow'))
            ? 'assets/tfjs-[hash].js'
            : 'assets/[name]-[hash].js',
      },
    },
  },
});
if (api) await writeApi(api, distDir);
console.log(
  `docs site: ${PAGES.length} pages${withApi ? ' + API reference' : ''} in ${relative(distDir)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
);

function relative(p) {
  return p.startsWith(repoDir) ? p.slice(repoDir.length + 1) : p;
}

/** tfjs-backend-wasm fetches its .wasm binaries at run time: serve them beside the pages. */
function copyWasm() {
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  for (const f of [
    'tfjs-backend-wasm.wasm',
    'tfjs-backend-wasm-simd.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm',
  ]) {
    copyFileSync(join(dist, 'dist', f), join(publicDir, 'wasm', f));
  }
}

/**
 * The MNIST digits the browser examples train on, as one small binary: a little-endian uint32
 * count N, then N label bytes, then N x 784 pixel bytes (0..255). Read from the `mnist` package
 * through @interp/example-data (the first N of its class-interleaved order, so any prefix is
 * balanced).
 */
async function writeMnistAsset() {
  const { loadMnist } = await import('@interp/example-data');
  const all = loadMnist();
  const n = Math.min(MNIST_ASSET_DIGITS, all.count);
  const px = 28 * 28;
  const out = new Uint8Array(4 + n + n * px);
  new DataView(out.buffer).setUint32(0, n, true);
  for (let i = 0; i < n; i++) out[4 + i] = all.labels[i];
  for (let k = 0; k < n * px; k++) out[4 + n + k] = Math.round(all.images[k] * 255);
  writeFileSync(join(publicDir, 'data', 'mnist-digits.bin'), out);
}

/**
 * The hero's pretrained CNN in tfjs's own format, so the examples load it as a user's page would
 * (`tfl.loadLayersModel('models/hero-mnist-cnn.json')`): the topology of example-data's
 * mnistCamCnn, and as its weights file the committed src/assets/hero-mnist-cnn.bin (float32 in
 * `model.getWeights()` order, which is the order of the topology's weight specs).
 */
async function writeHeroModel() {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const tfl = await import('@tensorflow/tfjs-layers');
  const { mnistCamCnn } = await import('@interp/example-data/models');
  tf.env().set('PROD', true); // no "install tfjs-node" banner in the build log
  await tf.setBackend('cpu');
  const model = mnistCamCnn(tfl, 0);
  let artifacts;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  const weights = readFileSync(join(appDir, 'src', 'assets', 'hero-mnist-cnn.bin'));
  if (weights.length !== artifacts.weightData.byteLength) {
    throw new Error(
      `hero-mnist-cnn.bin has ${weights.length} bytes; the model's weights take ${artifacts.weightData.byteLength}`,
    );
  }
  writeFileSync(join(publicDir, 'models', 'hero-mnist-cnn.weights.bin'), weights);
  const modelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['hero-mnist-cnn.weights.bin'], weights: artifacts.weightSpecs }],
  };
  writeFileSync(join(publicDir, 'models', 'hero-mnist-cnn.json'), JSON.stringify(modelJson));
}

/** A 16x16 favicon (an ICO holding one PNG): a blue square with a lighter diagonal, like a heatmap. */
async function writeFavicon() {
  const { encodePNG } = await import('@interp/viz');
  const rgba = new Uint8Array(16 * 16 * 4);
  for (let p = 0; p < 256; p++) {
    const [r, c] = [Math.floor(p / 16), p % 16];
    const hot = Math.abs(r - c) < 3;
    rgba.set(hot ? [158, 202, 225, 255] : [8, 48, 107, 255], p * 4);
  }
  const png = encodePNG(rgba, 16, 16);
  const ico = new Uint8Array(22 + png.length);
  const v = new DataView(ico.buffer);
  v.setUint16(2, 1, true); // type: icon
  v.setUint16(4, 1, true); // one image
  ico[6] = 16; // width
  ico[7] = 16; // height
  v.setUint16(10, 1, true); // color planes
  v.setUint16(12, 32, true); // bits per pixel
  v.setUint32(14, png.length, true);
  v.setUint32(18, 22, true); // offset of the PNG
  ico.set(png, 22);
  writeFileSync(join(publicDir, 'favicon.ico'), ico);
}

/**
 * `::: example NAME` on a line of its own becomes the live example NAME: its source (the file
 * src/examples/NAME.ts, a program drawing into #out, so the code shown is the code that runs;
 * and NAME.worker.ts, its Web Worker, if it has one) and an output area. A second
 * word `button` makes it wait for a click instead of running on load. The markdown step sees an
 * HTML comment in its place (source code has blank lines, which would end an HTML block); the
 * section replaces the comment after rendering.
 */
function markExamples(md, page) {
  return md.replace(/^::: example ([a-z0-9-]+)(?: (button))?[ \t]*$/gm, (_, name, mode) => {
    if (!existsSync(join(appDir, 'src', 'examples', `${name}.ts`))) {
      throw new Error(`docs/${page}.md: no example src/examples/${name}.ts`);
    }
    return `\n<!--interp-example:${name}:${mode ?? 'load'}-->\n`;
  });
}

function expandExamples(html) {
  return html.replace(/<!--interp-example:([a-z0-9-]+):(load|button)-->/g, (_, name, mode) => {
    // An example's Web Worker (NAME.worker.ts) is part of the program: shown after it.
    const files = [`${name}.ts`, `${name}.worker.ts`].filter((f) =>
      existsSync(join(appDir, 'src', 'examples', f)),
    );
    const sources = files.map((f) => {
      const source = readFileSync(join(appDir, 'src', 'examples', f), 'utf8').trimEnd();
      return `<details class="example-source"><summary>Source: <code>${f}</code></summary>${codeBlock(source, 'ts')}</details>`;
    });
    const attrs = [
      mode === 'button' ? ' data-run="button"' : '',
      BACKEND_FREE_EXAMPLES.includes(name) ? ' data-backend="none"' : '',
    ].join('');
    return [
      `<section class="example" data-example="${name}"${attrs} aria-label="Live example: ${name}">`,
      ...sources,
      // The placeholder shows until the example draws (main.ts removes it).
      `<div class="example-output" aria-live="polite">${mode === 'load' ? LOADING : ''}</div>`,
      '</section>',
    ].join('\n');
  });
}

function writePages() {
  const md = createMarkdown({ codeBlock, symbols: api?.symbols ?? new Map() });
  const inputs = {};
  const docs = [...(api?.docs ?? [])];
  for (const page of PAGES) {
    const file = join(docsDir, `${page.slug}.md`);
    if (!existsSync(file)) throw new Error(`missing docs/${page.slug}.md`);
    const body = expandExamples(md.render(markExamples(readFileSync(file, 'utf8'), page.slug)));
    docs.push(...guideDocs(page, body));
    const out = join(siteDir, `${page.slug}.html`);
    writeFileSync(out, template(page, body, { withApi }));
    inputs[page.slug] = out;
  }
  writeFileSync(join(publicDir, 'search-index.json'), searchIndexJson(docs));
  return inputs;
}
