// WASM threads in Node, in one process: forward and Integrated Gradients (50 steps, batches of
// 10 interpolated inputs, tf.grad of the target logit) of torchvision's ResNet-18 ONNX export on
// 1 x 3 x 224 x 224, with one thread and with two (setupBackend re-creates the WASM backend, so
// the model is loaded again after each switch), and onnxruntime-node's forward with 1 and 2
// threads in the same run. The 1 / 2 rounds alternate twice so both see the same machine load;
// IG's attributions of both thread counts are compared (they must be identical).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupBackend } from '@interp/core';
import { loadOnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { modelWithRandomWeights } from '../packages/onnx/scripts/random-external-data.mjs';
import { report, time, writeResults } from './lib.mjs';

const models = join(fileURLToPath(import.meta.url), '..', '..', 'packages', 'onnx', 'test-models');
const STEPS = 50;
const CHUNK = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const dims = [1, 3, 224, 224];
const gc = globalThis.gc ?? (() => {});

const path = await modelWithRandomWeights(join(models, 'resnet18.onnx'), 1);
const data = Float32Array.from({ length: 3 * 224 * 224 }, (_, i) => Math.sin(i * 0.37));

async function measure(threads) {
  const info = await setupBackend('wasm', { threads });
  const model = await loadOnnxModel(path);
  const x = tf.tensor(data, dims);
  const forward = async () => {
    const y = tf.tidy(() => model.predict(x));
    await y.data();
    y.dispose();
  };
  const target = (await tf.tidy(() => tf.argMax(model.predict(x), -1)).data())[0];
  let attribution;
  const integratedGradients = async () => {
    let total = tf.zerosLike(x);
    for (let start = 0; start < STEPS; start += CHUNK) {
      const next = tf.tidy(() => {
        const alphas = tf.reshape(tf.div(tf.range(start + 1, start + CHUNK + 1), STEPS), [
          CHUNK,
          1,
          1,
          1,
        ]);
        const score = (t) => tf.sum(tf.slice(model.predict(t), [0, target], [CHUNK, 1]));
        return tf.add(total, tf.sum(tf.grad(score)(tf.mul(alphas, x)), 0, true));
      });
      total.dispose();
      total = next;
    }
    const a = tf.tidy(() => tf.mul(x, tf.div(total, STEPS)));
    attribution = await a.data();
    tf.dispose([a, total]);
  };
  gc();
  const tForward = await time(forward, { runs: 7, warmup: 2 });
  gc();
  const tIg = await time(integratedGradients, { runs: 1, warmup: 1 });
  x.dispose();
  model.dispose();
  return { threadCount: info.threadCount, tForward, tIg, attribution };
}

const sessions = {};
for (const threads of [1, 2]) {
  sessions[threads] = await ort.InferenceSession.create(path, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
}
const feeds = { [sessions[1].inputNames[0]]: new ort.Tensor('float32', data, dims) };

const records = [];
for (let round = 1; round <= ROUNDS; round++) {
  const one = await measure(false);
  const two = await measure(2);
  const ort1 = await time(() => sessions[1].run(feeds), { runs: 7, warmup: 2 });
  const ort2 = await time(() => sessions[2].run(feeds), { runs: 7, warmup: 2 });
  let maxDiff = 0;
  for (let i = 0; i < one.attribution.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(one.attribution[i] - two.attribution[i]));
  }
  console.log(
    `round ${round}: thread counts ${one.threadCount} and ${two.threadCount}; IG attributions max |1t - 2t| = ${maxDiff}`,
  );
  const tag = `(round ${round})`;
  records.push(
    report(`resnet18 forward 1x3x224x224, 2 threads vs 1 ${tag}`, two.tForward, one.tForward, {
      baselineLabel: '1 thread',
    }),
    report(`resnet18 IG 50 steps, 2 threads vs 1 ${tag}`, two.tIg, one.tIg, {
      baselineLabel: '1 thread',
    }),
    report(`resnet18 forward, ours 2 threads vs onnxruntime 2 threads ${tag}`, two.tForward, ort2, {
      baselineLabel: 'ort-2t',
    }),
    report(`resnet18 forward, ours 1 thread vs onnxruntime 1 thread ${tag}`, one.tForward, ort1, {
      baselineLabel: 'ort-1t',
    }),
  );
  records.push({ label: `IG max abs difference 1 vs 2 threads ${tag}`, maxDiff });
}
for (const s of Object.values(sessions)) await s.release();
console.log('results', writeResults('threads', records));
