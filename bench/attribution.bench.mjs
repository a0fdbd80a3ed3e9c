// Integrated Gradients (50 steps, 16 MNIST digits, the demo CNN) on wasm against, in the same run:
// 50 x (forward + backward) of one 16-digit batch, 50 forward passes, and the same IG written
// naively (one step at a time). Then `interp attribute --method ig --json` as a whole process
// against Captum's published 1.9 s for the same job on this machine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { approximationParameters, IntegratedGradients } from '@interp/attribution';
import { setupBackend } from '@interp/core';
import { loadMnist } from '@interp/example-data';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { saveLayersModelToDir } from '../apps/cli/dist/io/layers-model-files.js';
import { encodeNpy } from '../packages/data/dist/index.js';
import { report, time, writeResults } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(here, '../apps/cli/dist/bin.js');
const N = 16;
const STEPS = 50;
const CAPTUM_WHOLE_PROCESS_MS = 1900;

function demoCnn() {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 16,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({
        filters: 32,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({
        units: 10,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
      }),
    ],
  });
}

await setupBackend('wasm');
const model = demoCnn();
const digits = loadMnist();
const pixels = digits.images.slice(0, N * 784);
const x = tf.tensor4d(pixels, [N, 28, 28, 1]);
// Explain each digit's true class, so every variant does the same work (no argmax pass).
const targets = Array.from(digits.labels.slice(0, N));
const mask = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), 10), 'float32'));
const score = (z) => tf.sum(tf.mul(model.apply(z), mask));
const opts = { runs: 5, warmup: 1 };

const ig = new IntegratedGradients(model);
const ours = await time(async () => {
  const a = await ig.attribute(x, { target: targets, nSteps: STEPS });
  await a.data();
  a.dispose();
}, opts);

const fwdBwd = await time(async () => {
  for (let s = 0; s < STEPS; s++) {
    const g = tf.grad(score)(x);
    await g.data();
    g.dispose();
  }
}, opts);

const fwd = await time(async () => {
  for (let s = 0; s < STEPS; s++) {
    const y = tf.tidy(() => model.apply(x));
    await y.data();
    y.dispose();
  }
}, opts);

// The textbook loop: one forward + backward pass per step, accumulated step by step.
const { alphas, stepSizes } = approximationParameters('gausslegendre', STEPS);
const naive = await time(async () => {
  let total = tf.zerosLike(x);
  for (let s = 0; s < STEPS; s++) {
    const next = tf.tidy(() => {
      const g = tf.grad(score)(tf.mul(x, alphas[s]));
      return tf.add(total, tf.mul(g, stepSizes[s]));
    });
    total.dispose();
    total = next;
  }
  const attr = tf.mul(total, x);
  await attr.data();
  tf.dispose([total, attr]);
}, opts);

const label = `IG, ${STEPS} steps, ${N} MNIST digits, demo CNN (wasm)`;
const records = [
  report(`${label} vs ${STEPS} x (forward + backward) of one ${N}-digit batch`, ours, fwdBwd, {
    goal: 1.2,
    baselineLabel: `${STEPS} x (fwd + bwd)`,
  }),
  report(`${label} vs ${STEPS} forward passes`, ours, fwd, { baselineLabel: `${STEPS} x fwd` }),
  report(`${label} vs the same IG one step at a time`, ours, naive, {
    baselineLabel: 'naive IG',
  }),
];
tf.dispose([x, mask]);

// Whole process: the CLI on the same net saved as a LayersModel and the digits as .npy.
const dir = mkdtempSync(join(tmpdir(), 'interp-attr-bench-'));
try {
  await saveLayersModelToDir(model, join(dir, 'model'));
  writeFileSync(join(dir, 'x.npy'), encodeNpy(pixels, [N, 28, 28, 1]));
  const args = [
    bin,
    'attribute',
    '--model',
    'model/model.json',
    '--input',
    'x.npy',
    '--method',
    'ig',
    '--json',
  ];
  const cli = await time(
    () => {
      const r = spawnSync(process.execPath, args, {
        cwd: dir,
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      });
      if (r.status !== 0) throw new Error(`interp attribute failed: ${r.stderr}`);
    },
    { runs: 3, warmup: 1 },
  );
  records.push(
    report(
      `interp attribute --method ig --json (${N} digits, ${STEPS} steps) as a whole process vs Captum 0.8`,
      cli,
      { median: CAPTUM_WHOLE_PROCESS_MS },
      { goal: 1, baselineLabel: 'Captum (published, same job)' },
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
model.dispose();
const file = writeResults('attribution', records, {
  digits: N,
  steps: STEPS,
  model: 'conv(16,3x3,relu)-maxpool-conv(32,3x3,relu)-maxpool-flatten-dense(10), random weights',
});
console.log(`wrote ${file}`);
