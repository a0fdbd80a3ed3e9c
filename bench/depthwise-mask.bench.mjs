// The ReLU6 mask before MobileNetV2's stride-2 depthwise convs in the tape-free backward: core's
// convInputGradient with the mask fused into the depthwise SIMD scatter (inputActivation) against
// the depthwise input gradient followed by activationBackward('relu6') as its own pass (before),
// timed interleaved in the same process on the wasm backend (1 thread), median of BENCH_RUNS
// (default 9) samples of 5 calls, wall and process CPU time, on the four stride-2 depthwise convs
// of torchvision's MobileNetV2 at BENCH_BATCHES images (default 1,8), with the largest difference
// of the two results (0: bit for bit) and the 1-minute load average; then their sum.
//   node bench/depthwise-mask.bench.mjs
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { bundled } from './bundled.mjs';
import { report, timeInterleaved, writeResults } from './lib.mjs';

bundled(import.meta.url);
const { setupBackend } = await import('@interp/core');
const { activationBackward, convInputGradient } = await import('@interp/core/backward');
await setupBackend('wasm', { threads: 1 });

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const REPEAT = 5;
const BATCHES = (process.env.BENCH_BATCHES ?? '1,8').split(',').map(Number);
// The input of each stride-2 3x3 depthwise conv (pads 1): [height, width, channels].
const SHAPES = [
  [112, 112, 96],
  [56, 56, 144],
  [28, 28, 192],
  [14, 14, 576],
];
const spec = { kind: 'depthwise', strides: [2, 2], dilations: [1, 1] };
const pad = [
  [0, 0],
  [1, 1],
  [1, 1],
  [0, 0],
];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const records = [];
for (const n of BATCHES) {
  const sums = [0, 0, 0, 0];
  for (const [h, w, c] of SHAPES) {
    const x = tf.tidy(() => tf.relu6(tf.mul(tf.randomNormal([n, h, w, c]), 4)));
    const filter = tf.randomNormal([3, 3, c, 1]);
    const dy = tf.randomNormal([n, h / 2, w / 2, c]);
    const fused = () =>
      convInputGradient(spec, dy, x.shape, filter, pad, { activation: 'relu6', x });
    const separate = () =>
      tf.tidy(() =>
        activationBackward('relu6', convInputGradient(spec, dy, x.shape, filter, pad), x),
      );
    const [a, b] = [fused(), separate()];
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
    tf.dispose([a, b]);
    const cpu = [[], []];
    const sample = (k, f) => () => {
      const start = process.cpuUsage();
      for (let i = 0; i < REPEAT; i++) f().dispose();
      const used = process.cpuUsage(start);
      cpu[k].push((used.user + used.system) / 1000 / REPEAT);
    };
    const [tFused, tSeparate] = (
      await timeInterleaved([sample(0, fused), sample(1, separate)], { runs: RUNS, warmup: 2 })
    ).map((t) => ({ ...t, median: t.median / REPEAT, min: t.min / REPEAT }));
    const [cFused, cSeparate] = cpu.map((xs) => median(xs.slice(2)));
    const label = `depthwise input gradient + ReLU6 mask, ${h}x${w}x${c} stride 2, x${n}: fused vs own pass`;
    const record = report(label, tFused, tSeparate, { baselineLabel: 'own pass' });
    console.log(
      `  CPU time (median): fused ${cFused.toFixed(2)} ms, own pass ${cSeparate.toFixed(2)} ms, ratio ${(cFused / cSeparate).toFixed(2)}x; largest difference ${diff}; load ${loadavg()[0].toFixed(2)}`,
    );
    sums[0] += tFused.median;
    sums[1] += tSeparate.median;
    sums[2] += cFused;
    sums[3] += cSeparate;
    records.push({
      ...record,
      n,
      oursCpuMs: cFused,
      baselineCpuMs: cSeparate,
      maxDiff: diff,
      loadAvg1m: loadavg()[0],
    });
    tf.dispose([x, filter, dy]);
  }
  console.log(
    `all four, x${n}: wall ${sums[0].toFixed(2)} vs ${sums[1].toFixed(2)} ms (${(sums[0] / sums[1]).toFixed(2)}x), CPU ${sums[2].toFixed(2)} vs ${sums[3].toFixed(2)} ms (${(sums[2] / sums[3]).toFixed(2)}x); load ${loadavg()[0].toFixed(2)}`,
  );
}

console.log(`tensors left: ${tf.memory().numTensors}`);
console.log('results', writeResults('depthwise-mask', records));
