// Trains the landing page's hero model and writes its weights: the site's MNIST classifier
// (@interp/example-data/models' mnistCamCnn, 14,378 parameters) trained on the example digits,
// saved as one little-endian float32 file in `model.getWeights()` order (57 KB):
// apps/docs/src/assets/hero-mnist-cnn.bin. The first 2,000 digits (the site's MNIST asset, which
// the hero shows) are held out; it trains on the other 8,000 for 4 epochs on tfjs's WASM backend.
// Usage: node apps/docs/scripts/train-hero.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupBackend } from '@interp/core';
import { loadMnist } from '@interp/example-data';
import { mnistCamCnn } from '@interp/example-data/models';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

const HELD_OUT = 2000;
const out = join(
  resolve(dirname(fileURLToPath(import.meta.url)), '..'),
  'src',
  'assets',
  'hero-mnist-cnn.bin',
);

// setupBackend registers the gradient kernels the WASM backend lacks (Conv2DBackpropFilter, ...).
await setupBackend('wasm');
const all = loadMnist();
const px = 28 * 28;
const n = all.count - HELD_OUT;
const x = tf.tensor4d(all.images.subarray(HELD_OUT * px), [n, 28, 28, 1]);
const y = tf.oneHot(tf.tensor1d(all.labels.subarray(HELD_OUT), 'int32'), 10);
const model = mnistCamCnn(tfl, 0);
model.compile({
  optimizer: tf.train.adam(1e-2),
  loss: (yTrue, yPred) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
});
await model.fit(x, y, { epochs: 4, batchSize: 64, shuffle: true, verbose: 0 });
const xv = tf.tensor4d(all.images.subarray(0, HELD_OUT * px), [HELD_OUT, 28, 28, 1]);
const pred = await tf.argMax(model.predict(xv), 1).data();
let right = 0;
for (let i = 0; i < HELD_OUT; i++) if (pred[i] === all.labels[i]) right++;
const weights = await Promise.all(model.getWeights().map((w) => w.data()));
const total = weights.reduce((a, w) => a + w.length, 0);
const flat = new Float32Array(total);
let k = 0;
for (const w of weights) {
  flat.set(w, k);
  k += w.length;
}
writeFileSync(out, new Uint8Array(flat.buffer));
console.log(
  `hero model: held-out accuracy ${((100 * right) / HELD_OUT).toFixed(1)}% on ${HELD_OUT} digits; wrote ${total} weights to ${out}`,
);
