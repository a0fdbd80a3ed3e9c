// The ReLU mask of the tape-free backward (core's activationBackward('relu'), every path's: ONNX,
// GraphModel, layers): the fused InterpCappedReluGrad kernel with an infinite cap (one SIMD pass)
// against tfjs's mul(dy, step(y)) it replaces (two kernels and a temporary), timed interleaved in
// the same process on the wasm backend, median of BENCH_RUNS (default 9) samples of 10 calls,
// wall and process CPU time,, on ResNet-18's and
// MobileNetV2's largest activations at BENCH_BATCHES images (default 1,8), with the two results'
// largest difference (0: bit for bit) and the 1-minute load average. Also the fused kernel writing
// over dy (activationBackward's dySpent, the backward walks' case) against it writing a new output.
// BENCH_THREADS=2: the threaded backend (the walks run it right after XNNPACK's two-thread convs).
//   node bench/relu-mask.bench.mjs
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { bundled } from './bundled.mjs';
import { report, timeInterleaved, writeResults } from './lib.mjs';

bundled(import.meta.url);
const { setupBackend } = await import('@interp/core');
const { activationBackward } = await import('@interp/core/backward');
await setupBackend('wasm', { threads: Number(process.env.BENCH_THREADS ?? 1) });

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const REPEAT = 10;
const BATCHES = (process.env.BENCH_BATCHES ?? '1,8').split(',').map(Number);
const SHAPES = {
  'ResNet-18 stem (112x112x64)': [112, 112, 64],
  'MobileNetV2 block 1 (112x112x96)': [112, 112, 96],
};

const records = [];
for (const n of BATCHES) {
  for (const [name, shape] of Object.entries(SHAPES)) {
    const y = tf.tidy(() => tf.relu(tf.randomNormal([n, ...shape])));
    const dy = tf.randomNormal([n, ...shape]);
    const fused = () => activationBackward('relu', dy, y);
    // Over dy: the mask of a masked dy is the same pass (and the same values) every call.
    const over = () => activationBackward('relu', dy, y, true);
    const tfjs = () => tf.tidy(() => tf.mul(dy, tf.step(y)));
    const [a, b] = [fused(), tfjs()];
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
    tf.dispose([a, b]);
    // Wall time, and the process CPU time (waiting for a core on the shared machine is left out):
    // each sample is REPEAT calls (the wasm kernels run synchronously).
    const cpu = [[], [], []];
    const sample = (k, f) => () => {
      const start = process.cpuUsage();
      for (let i = 0; i < REPEAT; i++) f().dispose();
      const used = process.cpuUsage(start);
      cpu[k].push((used.user + used.system) / 1000 / REPEAT);
    };
    const [tFused, tTfjs, tOver] = (
      await timeInterleaved([sample(0, fused), sample(1, tfjs), sample(2, over)], {
        runs: RUNS,
        warmup: 2,
      })
    ).map((t) => ({ ...t, median: t.median / REPEAT, min: t.min / REPEAT }));
    const [cFused, cTfjs, cOver] = cpu.map((xs) => median(xs.slice(2)));
    const label = `ReLU mask, ${name} x${n}: fused kernel vs mul(dy, step(y))`;
    const record = report(label, tFused, tTfjs, { baselineLabel: 'tfjs ops' });
    console.log(
      `  CPU time (median): fused ${cFused.toFixed(2)} ms, tfjs ops ${cTfjs.toFixed(2)} ms, ratio ${(cFused / cTfjs).toFixed(2)}x; largest difference ${diff}; load ${loadavg()[0].toFixed(2)}`,
    );
    const overRecord = report(`  over dy, ${name} x${n}`, tOver, tFused, {
      baselineLabel: 'new output',
    });
    console.log(
      `  CPU time (median): over dy ${cOver.toFixed(2)} ms, new output ${cFused.toFixed(2)} ms, ratio ${(cOver / cFused).toFixed(2)}x; load ${loadavg()[0].toFixed(2)}`,
    );
    records.push({
      ...record,
      overDyMs: overRecord.oursMs,
      overDyCpuMs: cOver,
      n,
      oursCpuMs: cFused,
      baselineCpuMs: cTfjs,
      maxDiff: diff,
      loadAvg1m: loadavg()[0],
    });
    tf.dispose([y, dy]);
  }
}
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

console.log(`tensors left: ${tf.memory().numTensors}`);
console.log('results', writeResults('relu-mask', records));
// The threaded backend's pthread workers would keep the process alive.
process.exit(0);
