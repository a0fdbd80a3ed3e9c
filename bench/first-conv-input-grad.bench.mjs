// core's wasm Conv2DBackpropInput on first-layer convs (3 input channels): ResNet-18's 7x7
// stride 2 pad 3 (224 -> 112, 64 filters) and MobileNetV2's 3x3 stride 2 'same' (224 -> 112, 32
// filters), at BENCH_BATCHES images (default 1,8). The matmul + col2im path with col2im adding
// whole filter rows as contiguous spans, stepping through the rows of windows inside the input
// (col2im-simd.ts, the default) against the same path with spans row by row
// (col2imPath.force = 'rows') and tap by tap ('taps', the first kernel), with the forward conv
// for scale: all timed
// interleaved in the same process, median of BENCH_RUNS (default 7), with the largest difference
// between the two gradients as a fraction of max|dx| and the 1-minute load average.
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { bundled } from './bundled.mjs';
import { report, timeInterleaved, writeResults } from './lib.mjs';

bundled(import.meta.url);
const { setupBackend } = await import('@interp/core');
const { col2imPath } = await import('../packages/core/src/kernels/col2im-simd.ts');
await setupBackend('wasm');

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const BATCHES = (process.env.BENCH_BATCHES ?? '1,8').split(',').map(Number);
const shapes = [
  {
    name: 'ResNet-18 7x7/2 pad 3, 3 -> 64',
    filter: [7, 7, 3, 64],
    pad: [
      [0, 0],
      [3, 3],
      [3, 3],
      [0, 0],
    ],
  },
  { name: 'MobileNetV2 3x3/2 same, 3 -> 32', filter: [3, 3, 3, 32], pad: 'same' },
];

const records = [];
for (const n of BATCHES) {
  for (const s of shapes) {
    const xShape = [n, 224, 224, 3];
    const x = tf.randomNormal(xShape);
    const w = tf.randomNormal(s.filter);
    const y = tf.conv2d(x, w, 2, s.pad);
    const dy = tf.randomNormal(y.shape);
    const attrs = { strides: 2, pad: s.pad, dataFormat: 'NHWC', inputShape: xShape };
    const grad = () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, attrs);
    const on = (force) => () => {
      col2imPath.force = force;
      try {
        grad().dispose();
      } finally {
        col2imPath.force = undefined;
      }
    };
    const spans = grad();
    col2imPath.force = 'taps';
    const taps = grad();
    col2imPath.force = undefined;
    const err = tf.tidy(
      () => tf.div(tf.max(tf.abs(tf.sub(spans, taps))), tf.max(tf.abs(taps))).dataSync()[0],
    );
    tf.dispose([spans, taps]);
    const forward = () => tf.conv2d(x, w, 2, s.pad).dispose();
    const [ours, rows, base, fwd] = await timeInterleaved(
      [on(undefined), on('rows'), on('taps'), forward],
      { runs: RUNS },
    );
    const label = `${s.name}, ${n} image(s)`;
    const rec = report(label, ours, base, { baselineLabel: 'col2im tap by tap' });
    const vsRows = report(`  same`, ours, rows, { baselineLabel: 'spans row by row' });
    const load = loadavg()[0];
    const ofFwd = (t) => (t.median / fwd.median).toFixed(2);
    console.log(
      `  forward conv ${fwd.median.toFixed(1)} ms: default ${ofFwd(ours)}x, rows ${ofFwd(rows)}x, taps ${ofFwd(base)}x of it; max diff ${err.toExponential(1)} of max|dx|; load ${load.toFixed(1)}`,
    );
    records.push({
      ...rec,
      rowsMs: rows.median,
      ratioVsRows: vsRows.ratio,
      forwardMs: fwd.median,
      relDiff: err,
      load,
    });
    tf.dispose([x, w, y, dy]);
  }
}
writeResults('first-conv-input-grad', records);
