// One training epoch of the MNIST CNN (batch 64, Adam) on wasm with our kernels vs the cpu
// backend, on the same digits.
import { setupBackend } from '@interp/core';
import { loadMnist } from '@interp/example-data';
import { mnistCnn } from '@interp/example-data/models';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { report, time, writeResults } from './lib.mjs';

// The cpu backend's conv backprops are slow loops (seconds per batch), so the epoch is short.
const DIGITS = 256;
const BATCH = 64;

/** The demo CNN (logits out), compiled with Adam and softmax cross-entropy from logits. */
function compiledCnn() {
  const model = mnistCnn(tfl);
  model.compile({
    optimizer: tf.train.adam(0.001),
    loss: (yTrue, yPred) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
  });
  return model;
}

const digits = loadMnist();
const images = digits.images.slice(0, DIGITS * 784);
const labels = digits.labels.slice(0, DIGITS);

/** Median time of one epoch on `backend` (model and data made on that backend). */
async function epochTime(backend, opts) {
  await setupBackend(backend);
  const model = compiledCnn();
  const x = tf.tensor4d(images, [DIGITS, 28, 28, 1]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 10));
  const result = await time(
    () => model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 }),
    opts,
  );
  tf.dispose([x, y]);
  model.dispose();
  return result;
}

const wasm = await epochTime('wasm', { runs: 3, warmup: 1 });
const cpu = await epochTime('cpu', { runs: 1, warmup: 0 });
const records = [
  report(`one epoch, MNIST CNN, ${DIGITS} digits, batch ${BATCH}, Adam: wasm vs cpu`, wasm, cpu, {
    baselineLabel: 'cpu backend',
  }),
];
console.log(`speed-up of wasm over cpu: ${(cpu.median / wasm.median).toFixed(1)}x`);
const file = writeResults('train-epoch', records, {
  digits: DIGITS,
  batchSize: BATCH,
  model:
    'mnistCnn: conv(16,3x3,same,relu)-maxpool-conv(32,3x3,same,relu)-maxpool-flatten-dense(10 logits)',
});
console.log(`wrote ${file}`);
