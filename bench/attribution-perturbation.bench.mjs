// The forward-only attribution methods (FeatureAblation, Occlusion, ShapleyValueSampling, Lime,
// KernelShap) on wasm, each against the same number of batched forward passes of the same model
// and row counts in the same run (the passes the method makes: the perturbation engine's default
// chunks of floor(2^17 / item size / N) perturbed copies of the batch), run through the same
// model graph. Goal: within 1.3x.
// Then Lime and KernelShap with 300 samples on one 224 x 224 x 3 image, 16 x 16 superpixels.
import {
  FeatureAblation,
  KernelShap,
  Lime,
  Occlusion,
  ShapleyValueSampling,
} from '@interp/attribution';
import { setupBackend, toModelGraph } from '@interp/core';
import { loadMnist } from '@interp/example-data';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { report, time, timeInterleaved, writeResults } from './lib.mjs';

const N = 16;
const init = (seed) => tfl.initializers.glorotUniform({ seed });

function digitCnn() {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 16,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: init(1),
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({
        filters: 32,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: init(2),
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10, kernelInitializer: init(3) }),
    ],
  });
}

function imageCnn() {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [224, 224, 3],
        filters: 16,
        kernelSize: 3,
        strides: 2,
        activation: 'relu',
        kernelInitializer: init(4),
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({
        filters: 32,
        kernelSize: 3,
        strides: 2,
        activation: 'relu',
        kernelInitializer: init(5),
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.globalAveragePooling2d({}),
      tfl.layers.dense({ units: 10, kernelInitializer: init(6) }),
    ],
  });
}

/** Integer ids of `block` x `block` squares over an [1, h, w, 1] mask. */
function blockMask(h, w, block) {
  const cols = Math.ceil(w / block);
  const ids = new Int32Array(h * w);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++)
      ids[r * w + c] = Math.floor(r / block) * cols + Math.floor(c / block);
  }
  return tf.tensor4d(ids, [1, h, w, 1], 'int32');
}

/** Row counts of the passes that evaluate `count` perturbed copies of an N-item batch. */
function passes(count, n, itemSize, initial) {
  const per = Math.max(1, Math.floor(2 ** 17 / itemSize / n));
  const rows = initial ? [n] : [];
  for (let done = 0; done < count; done += per) rows.push(Math.min(per, count - done) * n);
  return rows;
}

/**
 * Forward passes over pre-built inputs of the given row counts, each read back like the methods,
 * through the same model graph the methods run (core's toModelGraph(model).predict, not
 * tfjs-layers' predict, which slices and re-concatenates its input).
 */
function forwardOnly(model, rowCounts, item) {
  const graph = toModelGraph(model);
  const inputs = new Map();
  for (const r of new Set(rowCounts))
    inputs.set(r, tf.randomUniform([r, ...item], 0, 1, 'float32', r));
  const run = async () => {
    for (const r of rowCounts) {
      const y = tf.tidy(() => graph.predict(inputs.get(r)));
      await y.data();
      y.dispose();
    }
  };
  return { run, dispose: () => tf.dispose([...inputs.values()]) };
}

await setupBackend('wasm');
const records = [];

// --- 28 x 28 digits, N = 4, the demo CNN ---
const digits = loadMnist();
const model = digitCnn();
const x = tf.tensor4d(digits.images.slice(0, N * 784), [N, 28, 28, 1]);
const target = Array.from(digits.labels.slice(0, N));
const mask = blockMask(28, 28, 4); // 49 features
const mask16 = blockMask(28, 28, 7); // 16 features
const item = [28, 28, 1];
const cases = [
  {
    name: 'FeatureAblation, 4x4-pixel features (49)',
    run: () => new FeatureAblation(model).attribute(x, { target, featureMask: mask }),
    rows: passes(49, N, 784, true),
  },
  {
    name: 'Occlusion, window 4x4, stride 2 (169 windows)',
    run: () =>
      new Occlusion(model).attribute(x, {
        target,
        slidingWindowShapes: [4, 4, 1],
        strides: [2, 2, 1],
      }),
    rows: passes(169, N, 784, true),
  },
  {
    name: 'ShapleyValueSampling, 16 features, 10 samples',
    run: () =>
      new ShapleyValueSampling(model).attribute(x, {
        target,
        featureMask: mask16,
        nSamples: 10,
        randomState: 0,
      }),
    rows: passes(1 + 10 * 15, N, 784, true),
  },
  {
    name: 'Lime, 49 features, 200 samples',
    run: () =>
      new Lime(model).attribute(x, { target, featureMask: mask, nSamples: 200, randomState: 0 }),
    rows: passes(200, N, 784, false),
  },
  {
    name: 'KernelShap, 49 features, 200 samples',
    run: () =>
      new KernelShap(model).attribute(x, {
        target,
        featureMask: mask,
        nSamples: 200,
        randomState: 0,
      }),
    rows: passes(200, N, 784, false),
  },
];
for (const c of cases) {
  const base = forwardOnly(model, c.rows, item);
  const [ours, fwd] = await timeInterleaved(
    [
      async () => {
        const a = await c.run();
        await a.data();
        a.dispose();
      },
      base.run,
    ],
    { runs: 9, warmup: 2, beforeEach: globalThis.gc },
  );
  base.dispose();
  records.push(
    report(
      `${c.name}, ${N} digits, demo CNN (wasm) vs its ${c.rows.length} forward passes`,
      ours,
      fwd,
      {
        goal: 1.3,
        baselineLabel: `${c.rows.length} fwd`,
      },
    ),
  );
}
tf.dispose([x, mask, mask16]);

// --- one 224 x 224 x 3 image, 16 x 16 superpixels (196), 300 samples ---
const big = imageCnn();
const img = tf.randomUniform([1, 224, 224, 3], 0, 1, 'float32', 9);
const superpixels = blockMask(224, 224, 16);
const bigRows = passes(300, 1, 224 * 224 * 3, false);
for (const [name, Method] of [
  ['Lime', Lime],
  ['KernelShap', KernelShap],
]) {
  const base = forwardOnly(big, bigRows, [224, 224, 3]);
  const ours = await time(
    async () => {
      const a = await new Method(big).attribute(img, {
        target: 0,
        featureMask: superpixels,
        nSamples: 300,
        randomState: 0,
      });
      await a.data();
      a.dispose();
    },
    { runs: 3, warmup: 1 },
  );
  const fwd = await time(base.run, { runs: 3, warmup: 1 });
  base.dispose();
  records.push(
    report(
      `${name}, 300 samples, 224x224x3 image, 196 superpixels, small CNN (wasm) vs ${bigRows.length} forward passes`,
      ours,
      fwd,
      {
        baselineLabel: `${bigRows.length} fwd`,
      },
    ),
  );
}
tf.dispose([img, superpixels]);
console.log(`results: ${writeResults('attribution-perturbation', records)}`);
