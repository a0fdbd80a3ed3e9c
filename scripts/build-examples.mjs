// Builds two small bundles to try `interp report` (and `interp explore`) on:
//   OUT/mnist/    model.json + weights.bin (the demo's CNN, trained for one epoch on 4,000 digits)
//                 digits/<label>/<i>.png (1,000 held-out 28 x 28 validation digits, ImageFolder)
//   OUT/penguins/ model.json + weights.bin (an MLP on the four measurements, standardization
//                 inside the model, trained on two thirds of the rows) and penguins.csv (the
//                 held-out third: bill/flipper/mass columns and species)
// Usage: node scripts/build-examples.mjs [OUT]   (default ./interp-examples; a few seconds)
// Needs a build of the CLI and the packages (npx turbo run build, or pnpm build).
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const out = resolve(process.argv[2] ?? 'interp-examples');
const cli = new URL('../apps/cli/', import.meta.url);
// Every module from the CLI's own dependencies, so tfjs-core is one instance.
const fromCli = createRequire(new URL('package.json', cli));
const load = (name) => import(pathToFileURL(fromCli.resolve(name)).href);
const distOf = (pkg, file) => {
  const root = fromCli.resolve(`${pkg}/package.json`).replace(/package\.json$/, '');
  return import(pathToFileURL(join(root, 'dist', file)).href);
};

const tf = await load('@tensorflow/tfjs-core');
const tfl = await load('@tensorflow/tfjs-layers');
const core = await distOf('@interp/core', 'index.js');
const { mnistSplit, loadPenguins } = await distOf('@interp/example-data', 'index.js');
const { encodePNG } = await distOf('@interp/viz', 'image.js');
const { trainMnist } = await import(new URL('dist/demo/train-mnist.js', cli).href);
const { saveLayersModelToDir } = await import(new URL('dist/io/layers-model-files.js', cli).href);

await core.setupBackend('wasm');
const io = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() };

// MNIST: the demo's CNN and training loop; the validation digits become PNG files.
const nTrain = 4000;
const nValid = 1000;
const trained = await trainMnist(io, { nTrain, nValid, epochs: 1 });
const mnistDir = join(out, 'mnist');
await saveLayersModelToDir(trained.learn.layersModel, mnistDir);
writeFileSync(join(mnistDir, 'preprocess.json'), `${JSON.stringify({ preset: '[0,1]' })}\n`);
const { valid } = mnistSplit({ nTrain, nValid });
const rgba = new Uint8Array(28 * 28 * 4);
for (let i = 0; i < nValid; i++) {
  for (let p = 0; p < 784; p++) {
    const v = Math.round(255 * valid.images[i * 784 + p]);
    rgba.set([v, v, v, 255], 4 * p);
  }
  const folder = join(mnistDir, 'digits', String(valid.labels[i]));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `${String(i).padStart(4, '0')}.png`), encodePNG(rgba, 28, 28));
}
console.log(
  `mnist: validation accuracy ${(100 * trained.validAccuracy).toFixed(1)}%, ${nValid} digits in ${join(mnistDir, 'digits')}`,
);

// Penguins: rows with every measurement, an MLP with the standardization as a frozen first layer.
const columns = ['billLength', 'billDepth', 'flipperLength', 'bodyMass'];
const rows = loadPenguins().filter((r) => columns.every((c) => r[c] !== null));
const species = [...new Set(rows.map((r) => r.species))].sort();
const x = rows.map((r) => columns.map((c) => r[c]));
const mean = columns.map((_, j) => x.reduce((s, r) => s + r[j], 0) / x.length);
const std = columns.map((_, j) =>
  Math.sqrt(x.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / x.length),
);
const model = tfl.sequential({
  layers: [
    tfl.layers.dense({
      inputShape: [columns.length],
      units: columns.length,
      trainable: false,
      name: 'standardize',
      weights: [
        tf.tensor2d(
          columns.flatMap((_, i) => columns.map((_, j) => (i === j ? 1 / std[j] : 0))),
          [4, 4],
        ),
        tf.tensor1d(mean.map((m, j) => -m / std[j])),
      ],
    }),
    tfl.layers.dense({ units: 16, activation: 'relu', name: 'hidden' }),
    tfl.layers.dense({ units: species.length, activation: 'softmax', name: 'out' }),
  ],
});
model.compile({
  optimizer: tf.train.adam(0.01),
  loss: 'sparseCategoricalCrossentropy',
  metrics: ['accuracy'],
});
// Every third row is held out: penguins.csv holds those, so the report shows unseen rows.
const held = (i) => i % 3 === 2;
const trainIdx = rows.map((_, i) => i).filter((i) => !held(i));
const xs = tf.tensor2d(trainIdx.map((i) => x[i]));
const ys = tf.tensor1d(
  trainIdx.map((i) => species.indexOf(rows[i].species)),
  'float32',
);
const history = await model.fit(xs, ys, { epochs: 60, batchSize: 32, shuffle: true, verbose: 0 });
tf.dispose([xs, ys]);
const penguinsDir = join(out, 'penguins');
await saveLayersModelToDir(model, penguinsDir);
const header = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'species'];
const heldRows = rows.flatMap((r, i) => (held(i) ? [[...x[i], r.species].join(',')] : []));
const csv = [header.join(','), ...heldRows].join('\n');
writeFileSync(join(penguinsDir, 'penguins.csv'), `${csv}\n`);
console.log(
  `penguins: training accuracy ${(100 * history.history.acc.at(-1)).toFixed(1)}% on ${trainIdx.length} rows, ${rows.length - trainIdx.length} held-out rows in penguins.csv (${species.join(', ')})`,
);
console.log(`
Try:
  interp report --model ${join(mnistDir, 'model.json')} --data ${join(mnistDir, 'digits')} --out ${join(out, 'mnist-report')}
  interp report --model ${join(penguinsDir, 'model.json')} --data ${join(penguinsDir, 'penguins.csv')} --target-column species --out ${join(out, 'penguins-report')}`);
