// core's wasm MaxPoolGrad (and the fused max-pool + ReLU gradient) on ResNet-18's stem pool
// (3x3, stride 2, pad 1 on 112x112x64): the general SIMD kernel (max-pool-grad-simd.ts) against
// the JS loop it replaces for that shape (maxPoolGradPath.force = 'js'), timed interleaved in the
// same process, median of BENCH_RUNS (default 7), at BENCH_BATCHES images (default 1,8), with the
// largest difference between the two results and the 1-minute load average.
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { bundled } from './bundled.mjs';
import { report, timeInterleaved, writeResults } from './lib.mjs';

bundled(import.meta.url);
const { setupBackend } = await import('@interp/core');
const { MAX_POOL_RELU_GRAD, maxPoolGradPath, maxPoolReluGradWasm } = await import(
  '../packages/core/src/kernels/max-pool-grad-wasm.ts'
);
await setupBackend('wasm');
if (tf.getKernel(MAX_POOL_RELU_GRAD, 'wasm') === undefined) tf.registerKernel(maxPoolReluGradWasm);

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const BATCHES = (process.env.BENCH_BATCHES ?? '1,8').split(',').map(Number);
const attrs = { filterSize: [3, 3], strides: [2, 2], pad: 1 };

const records = [];
for (const n of BATCHES) {
  const x = tf.relu(tf.randomNormal([n, 112, 112, 64]));
  const dy = tf.randomNormal([n, 56, 56, 64]);
  for (const kernel of ['MaxPoolGrad', MAX_POOL_RELU_GRAD]) {
    const run = () => tf.engine().runKernel(kernel, { dy, input: x, output: x }, attrs);
    const on = (force) => () => {
      maxPoolGradPath.force = force;
      try {
        run().dispose();
      } finally {
        maxPoolGradPath.force = undefined;
      }
    };
    const simd = run();
    maxPoolGradPath.force = 'js';
    const js = run();
    maxPoolGradPath.force = undefined;
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(simd, js))).dataSync()[0]);
    tf.dispose([simd, js]);
    const [ours, base] = await timeInterleaved([on(undefined), on('js')], { runs: RUNS });
    const rec = report(`${kernel} 3x3/2 pad 1, ${n}x112x112x64`, ours, base, {
      baselineLabel: 'JS loop',
    });
    console.log(`  max |simd - js| = ${diff}, load ${loadavg()[0].toFixed(1)}`);
    records.push({ ...rec, maxDiff: diff, load: loadavg()[0] });
  }
  tf.dispose([x, dy]);
}
writeResults('max-pool-grad', records);
