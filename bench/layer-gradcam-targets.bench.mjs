// LayerGradCam with its default target (each item's predicted class) on torchvision's ONNX
// MobileNetV2 and ResNet-18 exports (seeded random weights), 224 x 224: the predicted classes read
// off the pass that takes the layer's activation (now) against a forward pass for them first and
// then that pass (before: the same work as predict, argmax, attribute with those targets), timed
// interleaved in one process with the plain forward, median of BENCH_RUNS (default 7), wall and
// process CPU time, the two maps' largest difference and the 1-minute load average.
//   node bench/layer-gradcam-targets.bench.mjs
// Env: BENCH_THREADS (default 2), BENCH_N=1,8, BENCH_MODELS=mobilenet_v2,resnet18, BENCH_RUNS.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { bundled } from './bundled.mjs';
import { median, report, timeInterleaved, writeResults } from './lib.mjs';

const here = bundled(import.meta.url);
const { LayerGradCam, GradCAM } = await import('@interp/attribution');
const { setupBackend } = await import('@interp/core');
const { loadOnnxModel } = await import('@interp/onnx');
const { modelWithRandomWeights } = await import(
  '../packages/onnx/scripts/random-external-data.mjs'
);
const tf = await import('@tensorflow/tfjs-core');
await setupBackend('wasm', { threads: Number(process.env.BENCH_THREADS ?? 2) });

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const SIZES = (process.env.BENCH_N ?? '1,8').split(',').map(Number);
const MODELS = (process.env.BENCH_MODELS ?? 'mobilenet_v2,resnet18').split(',');
const records = [];
for (const name of MODELS) {
  const model = await loadOnnxModel(
    await modelWithRandomWeights(
      join(here, '..', 'packages', 'onnx', 'test-models', `${name}.onnx`),
      1,
    ),
  );
  // GradCAM's default layer (the last 2-D feature map).
  const layer = new GradCAM(model).layerName;
  const cam = new LayerGradCam(model, { layer });
  for (const n of SIZES) {
    const x = tf.tensor(
      Float32Array.from({ length: n * 3 * 224 * 224 }, (_, i) => Math.sin(i * 0.37)),
      [n, 3, 224, 224],
    );
    const now = () => cam.attribute(x);
    const before = async () => {
      const best = tf.tidy(() => tf.argMax(model.predict(x), 1));
      const target = Int32Array.from(await best.data());
      best.dispose();
      return cam.attribute(x, { target });
    };
    const forward = async () => model.predict(x);
    const [a, b] = [await now(), await before()];
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
    tf.dispose([a, b]);
    const cpu = [[], [], []];
    const fns = [now, before, forward].map((fn, k) => async () => {
      const start = process.cpuUsage();
      const r = await fn();
      await r.data();
      r.dispose();
      const used = process.cpuUsage(start);
      cpu[k].push((used.user + used.system) / 1000);
    });
    const [tNow, tBefore, tForward] = await timeInterleaved(fns, { runs: RUNS, warmup: 1 });
    const [cNow, cBefore, cForward] = cpu.map((xs) => median(xs.slice(1)));
    const record = report(
      `LayerGradCam default target, ${name} x${n}: now vs before`,
      tNow,
      tBefore,
      {
        baselineLabel: 'before',
      },
    );
    console.log(
      `  CPU time (median): now ${cNow.toFixed(1)} ms, before ${cBefore.toFixed(1)} ms (${(cNow / cBefore).toFixed(2)}x); forward ${tForward.median.toFixed(1)} ms wall, ${cForward.toFixed(1)} ms CPU: now ${(cNow / cForward).toFixed(2)}x, before ${(cBefore / cForward).toFixed(2)}x of it; maps differ by ${diff}; load ${loadavg()[0].toFixed(2)}`,
    );
    records.push({
      ...record,
      n,
      oursCpuMs: cNow,
      baselineCpuMs: cBefore,
      forwardCpuMs: cForward,
      maxDiff: diff,
      loadAvg1m: loadavg()[0],
    });
    x.dispose();
  }
  model.dispose();
}
console.log(`tensors left: ${tf.memory().numTensors}`);
console.log('results', writeResults('layer-gradcam-targets', records));
process.exit(0);
