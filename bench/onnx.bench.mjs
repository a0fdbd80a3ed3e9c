// ONNX models on tfjs (WASM) vs onnxruntime-node in the same run: forward of ResNet-18 and
// MobileNetV2 from torchvision (2 x 3 x 224 x 224, seeded random weights) against onnxruntime's
// forward with 1 and 2 threads (goal: ours within 2x), and Integrated Gradients (50 steps, tf.grad
// of the target logit over batches of interpolated inputs) against 50 of our forward passes
// (goal: within 3x).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBackendInfo, setupBackend } from '@interp/core';
import { loadOnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { modelWithRandomWeights } from '../packages/onnx/scripts/random-external-data.mjs';
import { report, time, timeInterleaved, writeResults } from './lib.mjs';

const models = join(fileURLToPath(import.meta.url), '..', '..', 'packages', 'onnx', 'test-models');
const STEPS = 50;
/** Interpolated inputs per tf.grad call (memory: the tape keeps every activation of the chunk). */
const CHUNK = 10;
const dims = [2, 3, 224, 224];

await setupBackend('wasm');
console.log('backend', JSON.stringify(getBackendInfo()));
const records = [];
const gc = globalThis.gc ?? (() => {});

for (const name of ['resnet18', 'mobilenet_v2']) {
  const path = await modelWithRandomWeights(join(models, `${name}.onnx`), 1);
  const model = await loadOnnxModel(path);
  const data = Float32Array.from({ length: 2 * 3 * 224 * 224 }, (_, i) => Math.sin(i * 0.37));
  const x = tf.tensor(data, dims);
  const sessions = {};
  for (const threads of [1, 2]) {
    sessions[threads] = await ort.InferenceSession.create(path, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
    });
  }
  const feeds = { [sessions[1].inputNames[0]]: new ort.Tensor('float32', data, dims) };
  const ours = async () => {
    const y = tf.tidy(() => model.predict(x));
    await y.data();
    y.dispose();
  };
  const ortForward = (threads) => async () => {
    await sessions[threads].run(feeds);
  };
  const [tOurs, tOrt1, tOrt2] = await timeInterleaved([ours, ortForward(1), ortForward(2)], {
    runs: 7,
    warmup: 2,
    beforeEach: gc,
  });
  records.push(
    report(`${name} forward 2x3x224x224 vs onnxruntime 1 thread`, tOurs, tOrt1, {
      goal: 2,
      baselineLabel: 'ort-1t',
    }),
  );
  records.push(
    report(`${name} forward 2x3x224x224 vs onnxruntime 2 threads`, tOurs, tOrt2, {
      goal: 2,
      baselineLabel: 'ort-2t',
    }),
  );

  // IG of each image's predicted class, zero baseline, right Riemann sum over STEPS alphas.
  const targets = Array.from(await tf.tidy(() => tf.argMax(model.predict(x), -1)).data());
  const integratedGradients = async () => {
    const attributions = [];
    for (let b = 0; b < 2; b++) {
      const image = tf.slice(x, [b, 0, 0, 0], [1, 3, 224, 224]);
      let total = tf.zerosLike(image);
      for (let start = 0; start < STEPS; start += CHUNK) {
        const next = tf.tidy(() => {
          const alphas = tf.reshape(tf.div(tf.range(start + 1, start + CHUNK + 1), STEPS), [
            CHUNK,
            1,
            1,
            1,
          ]);
          const batch = tf.mul(alphas, image);
          const score = (t) => tf.sum(tf.slice(model.predict(t), [0, targets[b]], [CHUNK, 1]));
          return tf.add(total, tf.sum(tf.grad(score)(batch), 0, true));
        });
        total.dispose();
        total = next;
      }
      attributions.push(tf.tidy(() => tf.mul(image, tf.div(total, STEPS))));
      image.dispose();
      total.dispose();
    }
    await attributions[1].data();
    tf.dispose(attributions);
  };
  const fiftyForwards = async () => {
    for (let i = 0; i < STEPS; i++) await ours();
  };
  await integratedGradients(); // warm-up (first grad allocates the backward kernels' buffers)
  const [tIg, tFifty] = await timeInterleaved([integratedGradients, fiftyForwards], {
    runs: 1,
    warmup: 0,
    beforeEach: gc,
  });
  records.push(
    report(`${name} IG 50 steps x 2 images vs 50 forwards`, tIg, tFifty, {
      goal: 3,
      baselineLabel: '50 forwards',
    }),
  );
  const load = await time(async () => (await loadOnnxModel(path)).dispose(), {
    runs: 3,
    warmup: 1,
  });
  console.log(`${name} load: ${load.median.toFixed(0)} ms`);
  x.dispose();
  model.dispose();
  for (const s of Object.values(sessions)) await s.release();
}
console.log('results', writeResults('onnx', records));
