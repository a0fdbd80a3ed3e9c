// Input gradient (the predicted-class score wrt a batch of digits, as saliency maps need) vs the
// forward pass of the MNIST CNN on wasm, two ways in the same run: tf.grad through model.apply
// (the baseline, with our wasm kernels) and core's targetInputGradient (one forward pass and a
// tape-free backward pass). Goal: <= 3x (about 11x before our kernels).
import { setupBackend, targetInputGradient } from '@interp/core';
import { loadMnist } from '@interp/example-data';
import { mnistCnn } from '@interp/example-data/models';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { report, timeInterleaved, writeResults } from './lib.mjs';

// tfjs-backend-wasm registered its own Conv2DBackpropInput and MaxPoolGrad on import (ours
// replace both); keep them to time the input gradient as it was before.
const builtins = ['Conv2DBackpropInput', 'MaxPoolGrad'].map((name) => ({
  ...tf.getKernel(name, 'wasm'),
}));
await setupBackend('wasm');
// Ours were registered before the backend started, so the built-ins' wasm bindings were never set up.
for (const config of builtins) config.setupFunc(tf.backend());

const digits = loadMnist();
const model = mnistCnn(tfl);
const records = [];

/** Runs `body` with tfjs-backend-wasm's own kernels in place of ours. */
async function withBuiltin(body) {
  for (const config of builtins) {
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
  try {
    return await body();
  } finally {
    await setupBackend('wasm'); // registers ours again
  }
}

for (const batch of [16, 32, 64]) {
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

const file = writeResults('input-gradient', records, {
  model:
    'mnistCnn: conv(16,3x3,same,relu)-maxpool-conv(32,3x3,same,relu)-maxpool-flatten-dense(10 logits)',
});
console.log(`wrote ${file}`);
