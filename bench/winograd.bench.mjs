// Winograd F(2x2,3x3) and F(4x4,3x3) convs (core's kernels/winograd-conv.ts: SIMD input and
// output transforms, one XNNPACK matmul per transform point) against tfjs-backend-wasm's own
// Conv2D (XNNPACK) on ResNet-18's 3x3 stride-1 layer shapes, NHWC, 'same' padding, batch 2 and 10.
// Each thread count (BENCH_THREADS, default 1,2) runs in a child process (the wasm backend's thread
// count is fixed when it starts). Both are timed interleaved in the same process (median of
// BENCH_RUNS, default 7), with the max error against the cpu backend's conv as a fraction of
// max|out| and the 1-minute load average.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { bundled } from './bundled.mjs';
import { report, timeInterleaved, writeResults } from './lib.mjs';

bundled(import.meta.url);
const { setupBackend } = await import('@interp/core');
const { markWeightData } = await import('../packages/core/src/kernels/derived-weight-cache.ts');
const { withWasmScope } = await import('../packages/core/src/kernels/wasm-kernel-scope.ts');
const { winogradConv } = await import('../packages/core/src/kernels/winograd-conv.ts');
const { F2, F4 } = await import('../packages/core/src/kernels/winograd-simd.ts');
const { winogradConvPath } = await import('../packages/core/src/kernels/winograd-conv-wasm.ts');
// The registered Conv2D is the XNNPACK baseline here; Winograd is called directly.
winogradConvPath.force = 'xnnpack';

const self = fileURLToPath(import.meta.url);
const THREADS = (process.env.BENCH_THREADS ?? '1,2').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const BATCHES = (process.env.BENCH_BATCHES ?? '2,10').split(',').map(Number);
/** [size, channels] of ResNet-18's 3x3 stride-1 convs (in = out channels); BENCH_LAYERS=28:16,... */
const LAYERS = process.env.BENCH_LAYERS?.split(',').map((l) => l.split(':').map(Number)) ?? [
  [56, 64],
  [28, 128],
  [14, 256],
  [7, 512],
];
/** BENCH_CHECK=0 skips the cpu oracle (slow at batch 10). */
const CHECK = process.env.BENCH_CHECK !== '0';
const CHILD_OUT = process.env.BENCH_WINOGRAD_CHILD_OUT;
const load = () => loadavg()[0].toFixed(2);

/** Max |result - cpu conv| / max |cpu conv| for each result (the cpu backend as the oracle). */
async function errorsAgainstCpu(x, w, results) {
  const xs = x.dataSync();
  const ws = w.dataSync();
  await tf.setBackend('cpu');
  const ref = tf.tidy(() =>
    tf.conv2d(tf.tensor4d(xs, x.shape), tf.tensor4d(ws, w.shape), 1, 'same').dataSync(),
  );
  await tf.setBackend('wasm');
  let scale = 0;
  for (const v of ref) scale = Math.max(scale, Math.abs(v));
  return results.map((r) => {
    let e = 0;
    for (let i = 0; i < r.length; i++) e = Math.max(e, Math.abs(r[i] - ref[i]));
    return e / scale;
  });
}

if (CHILD_OUT === undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'interp-winograd-bench-'));
  const records = [];
  for (const threads of THREADS) {
    const out = join(dir, `${threads}.json`);
    const child = spawnSync(process.execPath, [...process.execArgv, self], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_THREADS: String(threads), BENCH_WINOGRAD_CHILD_OUT: out },
    });
    if (child.status !== 0) throw new Error(`the ${threads}-thread run failed (${child.status})`);
    records.push(...JSON.parse(readFileSync(out, 'utf8')));
  }
  console.log(`results: ${writeResults('winograd', records)}`);
} else {
  const [threads] = THREADS;
  const info = await setupBackend('wasm', { threads });
  console.log(`wasm backend: ${info.threadCount} thread(s), simd ${info.simd}`);
  const backend = tf.backend();
  const conv2d = tf.getKernel('Conv2D', 'wasm').kernelFunc;
  const attrs = { strides: [1, 1], pad: 'same', dilations: [1, 1], dataFormat: 'NHWC' };
  const records = [];
  for (const batch of BATCHES) {
    for (const [size, channels] of LAYERS) {
      const x = tf.randomNormal([batch, size, size, channels]);
      const w = tf.mul(tf.randomNormal([3, 3, channels, channels]), Math.sqrt(2 / (9 * channels)));
      markWeightData(w.dataId);
      const xnnpack = () => conv2d({ inputs: { x, filter: w }, attrs, backend });
      const winograd = (tile) => () =>
        withWasmScope(backend, (s) =>
          s.keep(
            winogradConv(s, x, w, {
              padTop: 1,
              padLeft: 1,
              outHeight: size,
              outWidth: size,
              tile,
            }),
          ),
        );
      const fns = [xnnpack, winograd(F2), winograd(F4)];
      const outputs = fns.map((f) => f());
      const results = outputs.map((o) => backend.typedArrayFromHeap(o).slice());
      for (const o of outputs) backend.disposeData(o.dataId);
      const errors = CHECK ? await errorsAgainstCpu(x, w, results) : results.map(() => Number.NaN);
      const times = await timeInterleaved(
        fns.map((f) => () => backend.disposeData(f().dataId)),
        { runs: RUNS, warmup: 2, beforeEach: globalThis.gc },
      );
      const shape = `${batch}x${size}x${size}x${channels}->${channels}, ${threads} thread(s)`;
      for (const [k, name] of [
        [1, 'F(2,3)'],
        [2, 'F(4,3)'],
      ]) {
        const r = report(`winograd ${name} ${shape}`, times[k], times[0], {
          baselineLabel: 'xnnpack',
        });
        console.log(
          `  max error / max|out|: ${name} ${errors[k].toExponential(1)}, xnnpack ${errors[0].toExponential(1)}; load ${load()}`,
        );
        records.push({
          ...r,
          threads,
          error: errors[k],
          xnnpackError: errors[0],
          loadAvg1m: loadavg()[0],
        });
      }
      tf.dispose([x, w]);
    }
  }
  writeFileSync(CHILD_OUT, JSON.stringify(records));
}
