import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { bundled } from './bundled.mjs';
import { kernelTable } from './kernel-table.mjs';
import { CHILD_OUT, report, runPerThreadCount, timeInterleaved } from './lib.mjs';
import { loadNsfwjsMobileNetV2Graph } from './nsfwjs-mobilenet-v2.mjs';

const here = bundled(import.meta.url);
const self = fileURLToPath(import.meta.url);
const THREADS = (process.env.BENCH_THREADS ?? '1,2').split(',').map(Number);
const SIZES = (process.env.BENCH_N ?? '1,8').split(',').map(Number);
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 5));
const GOAL = Number(process.env.BENCH_GOAL ?? 2.5);
const load = () => loadavg()[0].toFixed(2);

if (CHILD_OUT === undefined) {
  console.log('results', runPerThreadCount(self, 'graph-model-input-gradient', THREADS));
} else {
  const { setupBackend, getBackendInfo, targetInputGradient } = await import('@interp/core');
  const tf = await import('@tensorflow/tfjs-core');
  const { loadGraphModel } = await import('@tensorflow/tfjs-converter');
  const [threads] = THREADS;
  await setupBackend('wasm', { threads });
  console.log(`backend ${JSON.stringify(getBackendInfo())}, load ${load()}`);
  const records = [];
  const gc = globalThis.gc ?? (() => {});
  const model = await loadNsfwjsMobileNetV2Graph(tf, loadGraphModel, here);
  for (const n of SIZES) {
    // Seeded pixels in [0, 1), as nsfwjs feeds them (the graph scales them to [-1, 1] itself).
    let s = 7;
    const x = tf.tensor(
      Float32Array.from({ length: n * 224 * 224 * 3 }, () => {
        s = (s * 16807) % 2147483647;
        return s / 2147483647;
      }),
      [n, 224, 224, 3],
    );
    const target = Array.from({ length: n }, (_, i) => i % 5);
    const forward = async () => {
      const y = model.predict(x);
      await y.data();
      return y;
    };
    const gradient = (method) => async () => {
      const r = targetInputGradient(model, x, target, { method });
      const want = method === 'auto' ? 'graph' : 'tape';
      if (r.method !== want) throw new Error(`x${n}: ran '${r.method}', not '${want}'`);
      await r.gradient.data();
      return [r.gradient, r.outputs];
    };
    const ours = gradient('auto');
    const tape = gradient('tape');
    const [a, b] = [await ours(), await tape()];
    const relL2 = tf.tidy(
      () => tf.norm(tf.sub(a[0], b[0])).dataSync()[0] / tf.norm(b[0]).dataSync()[0],
    );
    tf.dispose([a, b]);
    const [tOurs, tTape, tForward] = await timeInterleaved(
      [
        async () => tf.dispose(await ours()),
        async () => tf.dispose(await tape()),
        async () => tf.dispose(await forward()),
      ],
      { runs: RUNS, warmup: 2, beforeEach: gc },
    );
    const label = `nsfwjs MobileNetV2 GraphModel x${n}, ${threads} thread(s)`;
    const vsForward = report(`${label}: input gradient vs predict`, tOurs, tForward, {
      baselineLabel: 'predict',
      goal: GOAL,
    });
    const tapeVsForward = report(`${label}: tf.grad vs predict`, tTape, tForward, {
      baselineLabel: 'predict',
    });
    const vsTape = report(`${label}: input gradient vs tf.grad`, tOurs, tTape, {
      baselineLabel: 'tf.grad',
    });
    console.log(`  gradients' relative L2 distance ${relL2.toExponential(2)}, load ${load()}`);
    for (const r of [vsForward, tapeVsForward, vsTape]) {
      records.push({ ...r, threads, n, relL2, loadAvg1m: loadavg()[0] });
    }
    if (process.env.BENCH_KERNELS !== '0') {
      console.log(`  predict: ${await kernelTable(tf, forward)}`);
      console.log(`  input gradient: ${await kernelTable(tf, ours)}`);
      console.log(`  tf.grad: ${await kernelTable(tf, tape)}`);
    }
    x.dispose();
  }
  model.dispose();
  console.log(`tensors left: ${tf.memory().numTensors}`);
  writeFileSync(CHILD_OUT, JSON.stringify({ records }));
}
// The threaded backend's pthread workers would keep the process alive.
process.exit(0);
