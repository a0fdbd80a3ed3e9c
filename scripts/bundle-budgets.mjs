// Bundle budgets: bundles what a browser app would import, from the packages' built dist (ESM,
// platform browser, minified), measures min+gzip bytes and fails when a budget is exceeded or a
// cherry-picked import drags in tfjs or Observable Plot. Run after a build:
//   npx turbo run build && node scripts/bundle-budgets.mjs
// Budgets are the measured sizes plus a little headroom; raise one only with a reason.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
// Resolve the workspace packages the way an app that depends on all of them would.
const resolveDir = join(repo, 'apps', 'docs');
const kB = 1000;

/** Peers a user's app provides itself; left out of the full-entry bundles. */
const PEERS = ['@tensorflow/*', '@resvg/resvg-js', 'linkedom'];
const TFJS = /node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?@tensorflow\//;
const PLOT = /node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?(@observablehq\/plot|d3-)/;
/** Plot itself (the image subpath may carry d3's colour schemes, which Plot draws from too). */
const PLOT_ONLY = /node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?@observablehq\/plot/;

const budgets = [
  // Cherry-picked imports: nothing external, so tfjs or Plot would show up as inputs.
  {
    name: "import { confusionMatrix } from '@interp/classification'",
    code: "export { confusionMatrix } from '@interp/classification';",
    max: 3 * kB,
    forbid: { tfjs: TFJS, Plot: PLOT },
  },
  {
    name: "import { classificationReport } from '@interp/classification/metrics'",
    code: "export { classificationReport } from '@interp/classification/metrics';",
    max: 3 * kB,
    forbid: { tfjs: TFJS, Plot: PLOT },
  },
  {
    name: "import { pixelConfusionMatrix, meanIoU } from '@interp/segmentation'",
    code: "export { pixelConfusionMatrix, meanIoU } from '@interp/segmentation';",
    max: 3 * kB,
    forbid: { tfjs: TFJS, Plot: PLOT },
  },
  {
    name: "import { segmentationReport } from '@interp/segmentation/metrics'",
    code: "export { segmentationReport } from '@interp/segmentation/metrics';",
    // Measured from source (min+gzip): 1.3 kB.
    max: 3 * kB,
    forbid: { tfjs: TFJS, Plot: PLOT },
  },
  {
    // Images without charts (masks, attribution overlays, widgets): PNG, data URLs, colormaps.
    // Measured 18.9 (min+gzip): d3-scale-chromatic's schemes with d3-interpolate and d3-color
    // (11.1 before, with viz's own copy of those tables, which every Plot-drawing entry duplicated).
    name: "import * from '@interp/viz/image'",
    code: "export * from '@interp/viz/image';",
    max: 20 * kB,
    forbid: { tfjs: TFJS, Plot: PLOT_ONLY },
  },
  // Each package's full entry (every export kept), with tfjs and the optional Node peers external.
  ...[
    // Measured (min+gzip) at this stop: core 25.4 (24.2 before: the registered AvgPool gradient
    // that counts only in-bounds window values, and the Node WASM-threads setup), viz 103.7,
    // classification 118.3, segmentation 108.3, debug 116.8 and widgets 165.2 (each about 6 kB
    // down: colour schemes come from d3-scale-chromatic, which Plot bundles anyway, instead of a
    // copy), attribution 44.2 (40.2 before: Captum's LRP rules, LayerLRP and the rules' weight
    // recomputation), tabular 110.0.
    // Next stop: core 26.9 (the tape-free input gradient on layer graphs, layer-dag.ts and
    // layer-steps.ts, and ModelGraph.parameters() on the adapters), attribution 46.3 (IG chunks
    // sized by measured throughput), debug 119.7 (the checks on model graphs), widgets 167.8.
    // The stop after: core 29.9 (the tape-free gradient's folded conv + BN steps, the capped-ReLU
    // SIMD kernel, the derived-filter cache, replaceOutput), attribution 49.4 (core's growth, the
    // ONNX graphs' own input gradient, throughput-sized metric chunks), widgets 170.9.
    // This stop: core 37.7 (min 103.2 kB; +19 kB min: the GraphModel tape-free input gradient
    // 5.4, Winograd F(4x4,3x3) conv behind the wasm Conv2D/FusedConv2D 6.7, the general SIMD
    // max-pool gradient 3.1, the strided depthwise input-gradient SIMD pass 1.3, the shared
    // backward walk 1.0, col2im's row spans), attribution 54.5 (core's growth, GradCAM's and the
    // layer methods' folded first pass, IG over all items in one call), classification 128.3,
    // segmentation 118.2, tabular 120.3, debug 129.7, widgets 176.7 (core's growth).
    // Stop 27: core 39.3 (min +4.7 kB: Winograd's filter transform as a SIMD kernel, which also
    // does the input gradient's flip and channel swap, the F3 and F4H tiles and the per-conv tile
    // policy), attribution 58.8, classification 133.2, segmentation 123.0, tabular 124.7, debug
    // 134.3, widgets 181.4: each about 4 kB (min +10.9 kB) more than core's growth alone, because
    // the stride-1 input-gradient kernel now runs the Winograd conv itself (with its own F(4x4,3x3)
    // tile), so every package that registers the input-gradient kernels bundles Winograd.
    // Stop 28: core 43.5 (+4.2 kB: prefaultWasmMemory and its worker, the lazy pthread workers
    // that boot only the threads XNNPACK runs on, parallel-kernel.ts that splits the Winograd
    // transforms and the strided depthwise scatter across two threads, range forms of those
    // kernels; most of it runs in Node only, but core's entry holds it), attribution 61.3,
    // classification 135.5, segmentation 125.4, tabular 127.0, debug 136.7, widgets 183.7 (each
    // ~1 kB: the kernels' range forms and parallel-kernel.ts that the registered kernels import).
    // Stop 29: attribution 62.2 (+0.9 kB: IG through a model's affine prefix, PathGradientSum),
    // widgets 184.6 (the same code through its attribution menu, and core's in-place ReLU masks).
    ['core', 44],
    ['viz', 107],
    // classification: it holds the learner views that were viz's (PredictionAnalyzer, showResults,
    // plotPredictions, showBatchPredictions: getPreds and the DataLoader come with them).
    ['classification', 136],
    ['segmentation', 126],
    ['attribution', 63],
    ['tabular', 127.5],
    ['debug', 137],
    // widgets: its attribution menu runs every method of @interp/attribution/methods.
    ['widgets', 185],
  ].map(([pkg, maxKB]) => ({
    name: `import * from '@interp/${pkg}' (full entry)`,
    code: `export * from '@interp/${pkg}';`,
    max: maxKB * kB,
    external: PEERS,
  })),
];

for (const pkg of [
  'core',
  'viz',
  'classification',
  'segmentation',
  'attribution',
  'tabular',
  'debug',
  'widgets',
]) {
  if (!existsSync(join(repo, 'packages', pkg, 'dist', 'index.js'))) {
    console.error(
      `bundle budgets: packages/${pkg}/dist is missing; run \`npx turbo run build\` first`,
    );
    process.exit(1);
  }
}

const rows = [];
let failed = 0;
for (const b of budgets) {
  const result = await build({
    stdin: { contents: b.code, resolveDir, sourcefile: 'entry.js', loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    metafile: true,
    logLevel: 'silent',
    external: b.external ?? [],
  });
  const code = result.outputFiles[0].contents;
  const min = code.length;
  const gz = gzipSync(code, { level: 9 }).length;
  const problems = [];
  if (gz > b.max) problems.push(`over budget by ${gz - b.max} B`);
  // Files that contributed bytes to the output (the metafile also lists parsed-then-shaken files).
  const [output] = Object.values(result.metafile.outputs);
  const inputs = Object.entries(output.inputs)
    .filter(([, v]) => v.bytesInOutput > 0)
    .map(([f]) => f);
  for (const [what, re] of Object.entries(b.forbid ?? {})) {
    const hits = inputs.filter((f) => re.test(f));
    if (hits.length)
      problems.push(`contains ${what} (${hits[0]}${hits.length > 1 ? ', ...' : ''})`);
  }
  if (problems.length) failed++;
  rows.push({ name: b.name, min, gz, max: b.max, problems });
}

const pad = (s, n) => String(s).padEnd(n);
const num = (v) => `${(v / kB).toFixed(2)} kB`.padStart(10);
console.log(
  `${pad('bundle', 72)} ${'min'.padStart(10)} ${'min+gzip'.padStart(10)} ${'budget'.padStart(10)}`,
);
for (const r of rows) {
  console.log(
    `${pad(r.name, 72)} ${num(r.min)} ${num(r.gz)} ${num(r.max)}${r.problems.length ? `  FAIL: ${r.problems.join('; ')}` : '  ok'}`,
  );
}
if (failed) {
  console.error(`bundle budgets: ${failed} of ${rows.length} failed`);
  process.exit(1);
}
console.log(`bundle budgets: all ${rows.length} bundles within budget`);
