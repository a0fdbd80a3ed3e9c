// A Gemm classifier head under tf.grad (what GradCAM differentiates on an ONNX model): the ONNX
// executor's Gemm node (its customGrad: dY times B as stored) against the tfjs ops it ran before
// (matMul by the kept transposed B, whose tfjs gradient multiplies dY by it with transposeB), in
// the same run on the wasm backend, interleaved, median of BENCH_RUNS (default 11) samples of 5
// calls, for MobileNetV2's (1280 -> 1000) and ResNet-18's (512 -> 1000) heads at 1 and 8 rows,
// with the largest difference of the two gradients and the 1-minute load average.
//   node bench/gemm-tape-gradient.bench.mjs
// Env: BENCH_THREADS (default 1), BENCH_RUNS.
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { bundled } from './bundled.mjs';
import { report, timeInterleaved, writeResults } from './lib.mjs';

bundled(import.meta.url);
const { setupBackend } = await import('@interp/core');
const { loadOnnxModel } = await import('@interp/onnx');
const { buildModel, randomNormal } = await import('../packages/onnx/src/test-onnx-builder.ts');
await setupBackend('wasm', { threads: Number(process.env.BENCH_THREADS ?? 1) });

const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const REPEAT = 5;
const records = [];
for (const [name, k] of [
  ['MobileNetV2 head', 1280],
  ['ResNet-18 head', 512],
]) {
  const n = 1000;
  const bData = randomNormal(n * k, 1);
  const cData = randomNormal(n, 2);
  const model = await loadOnnxModel(
    buildModel({
      nodes: [{ op: 'Gemm', inputs: ['x', 'b', 'c'], outputs: ['y'], attrs: { transB: 1 } }],
      input: { name: 'x', dims: ['n', k] },
      output: { name: 'y' },
      initializers: [
        { name: 'b', dims: [n, k], data: bData },
        { name: 'c', dims: [n], data: cData },
      ],
    }),
  );
  // Before: the kept transposed B ([k, n]) and tfjs's matMul gradient.
  const bT = tf.tidy(() => tf.transpose(tf.tensor2d(bData, [n, k])));
  const c = tf.tensor1d(cData);
  for (const rows of [1, 8]) {
    const x = tf.tensor2d(randomNormal(rows * k, 3), [rows, k]);
    const r = tf.tensor2d(randomNormal(rows * n, 4), [rows, n]);
    const ours = () => tf.grad((a) => tf.sum(tf.mul(model.run(a).output, r)))(x);
    const before = () => tf.grad((a) => tf.sum(tf.mul(tf.add(tf.matMul(a, bT), c), r)))(x);
    const [ga, gb] = [ours(), before()];
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(ga, gb))).dataSync()[0]);
    tf.dispose([ga, gb]);
    const sample = (f) => () => {
      for (let i = 0; i < REPEAT; i++) f().dispose();
    };
    const [tOurs, tBefore] = (
      await timeInterleaved([sample(ours), sample(before)], { runs: RUNS, warmup: 2 })
    ).map((t) => ({ ...t, median: t.median / REPEAT, min: t.min / REPEAT }));
    const label = `Gemm under tf.grad, ${name} x${rows}: ours vs tfjs matMul gradient`;
    const record = report(label, tOurs, tBefore, { baselineLabel: 'before' });
    console.log(`  largest difference ${diff}; load ${loadavg()[0].toFixed(2)}`);
    records.push({ ...record, rows, maxDiff: diff, loadAvg1m: loadavg()[0] });
    tf.dispose([x, r]);
  }
  tf.dispose([bT, c]);
  model.dispose();
}
console.log(`tensors left: ${tf.memory().numTensors}`);
console.log('results', writeResults('gemm-tape-gradient', records));
