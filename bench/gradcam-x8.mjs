// Warm GradCAM against the plain forward, 1 and 8 images at 224 x 224, interleaved in one run
// (medians): nsfwjs's Keras MobileNetV2 (LayersModel, NHWC; forward = model.predict) and
// torchvision's ResNet-18 ONNX export (seeded random weights; forward = the graph's predict).
// GradCAM runs with its default target (each item's predicted class, as real-size.bench.mjs and
// Captum's peer do), given the model (`gradcam`: a LayersModel's first pass is core's folded
// forward) and given its model graph (`viaGraph`: the first pass walks the layers, as before the
// folded forward); the two maps are compared (largest difference over the largest value), the
// median process CPU time of each job printed too. Then per-kernel totals (tf.profile) of one
// call each. With GC_CAPTUM=1, Captum's LayerGradCam on torchvision's architecture
// (bench/captum-real-size.py, warm median of 3, same threads) runs right after ours for each
// size, and the ratios to it are printed.
// Runs from the packages' sources, bundled by esbuild (no build needed):
//   node bench/gradcam-x8.mjs
// Env: GC_THREADS (default 2), GC_N=1,8, GC_MODELS=nsfwjs_mobilenet_v2,resnet18 (or mobilenet_v2:
// torchvision's ONNX export), GC_RUNS=5,
// PROFILE_KERNELS=0 (skip the per-kernel tables), PROFILE_ROWS (kernels listed), GC_CAPTUM=1,
// PYTHON (default /usr/bin/python3), CAPTUM_PATH (default /tmp/captum).
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { bundled } from './bundled.mjs';
import { kernelTable } from './kernel-table.mjs';
import { timeInterleaved } from './lib.mjs';
import { loadNsfwjsMobileNetV2 } from './nsfwjs-mobilenet-v2.mjs';

const here = bundled(import.meta.url);

const { GradCAM } = await import('@interp/attribution');
const { setupBackend, getBackendInfo, toModelGraph } = await import('@interp/core');
const { loadOnnxModel } = await import('@interp/onnx');
const tf = await import('@tensorflow/tfjs-core');
const tfl = await import('@tensorflow/tfjs-layers');
const { modelWithRandomWeights } = await import(
  '../packages/onnx/scripts/random-external-data.mjs'
);

const NSFWJS = 'nsfwjs_mobilenet_v2';
const threads = Number(process.env.GC_THREADS ?? 2);
const sizes = (process.env.GC_N ?? '1,8').split(',').map(Number);
const names = (process.env.GC_MODELS ?? `${NSFWJS},resnet18`).split(',');
const runs = Number(process.env.GC_RUNS ?? 5);
await setupBackend('wasm', { threads });
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(`backend ${JSON.stringify(getBackendInfo())}, load ${load()}`);

/** Captum's warm GradCAM median (ms) on torchvision's `name` (MobileNetV2 for nsfwjs's), or undefined. */
function captumGradCAM(name, n) {
  const peer = name === NSFWJS ? 'mobilenet_v2' : name;
  const script = join(here, 'captum-real-size.py');
  const r = spawnSync(
    process.env.PYTHON ?? '/usr/bin/python3',
    [script, peer, String(n), String(threads), 'gradcam'],
    {
      encoding: 'utf8',
      env: { ...process.env, PYTHONPATH: process.env.CAPTUM_PATH ?? '/tmp/captum' },
    },
  );
  if (r.status !== 0) {
    console.log(
      `  captum skipped: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`,
    );
    return undefined;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()).warm.gradcam;
}

async function loadModel(name) {
  if (name === NSFWJS) return loadNsfwjsMobileNetV2(tf, tfl, here);
  const models = join(here, '..', 'packages', 'onnx', 'test-models');
  return loadOnnxModel(await modelWithRandomWeights(join(models, `${name}.onnx`), 1));
}

for (const name of names) {
  const model = await loadModel(name);
  const graph = toModelGraph(model);
  const cam = new GradCAM(model);
  const viaGraph = new GradCAM(graph);
  for (const n of sizes) {
    const shape = graph.layout === 'NHWC' ? [n, 224, 224, 3] : [n, 3, 224, 224];
    const x = tf.tensor(
      Float32Array.from({ length: n * 3 * 224 * 224 }, (_, i) => Math.sin(i * 0.37)),
      shape,
    );
    const attribute = (c) => async () => {
      const s = await c.attribute(x);
      await s.data();
      return s;
    };
    const jobs = {
      forward: async () => {
        const y = tf.tidy(() => graph.predict(x));
        await y.data();
        return y;
      },
      viaGraph: attribute(viaGraph),
      gradcam: attribute(cam),
    };
    const [ours, before] = [await jobs.gradcam(), await jobs.viaGraph()];
    const [a, b] = [await ours.data(), await before.data()];
    const largest = b.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const diff = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    tf.dispose([ours, before]);
    // The process's CPU time of each call too (waiting for a core on the shared machine is left out).
    const cpu = Object.keys(jobs).map(() => []);
    const fns = Object.values(jobs).map((fn, k) => async () => {
      const start = process.cpuUsage();
      tf.dispose(await fn());
      const used = process.cpuUsage(start);
      cpu[k].push((used.user + used.system) / 1000);
    });
    const medians = await timeInterleaved(fns, { runs, warmup: 1, beforeEach: globalThis.gc });
    const cpuMedians = cpu.map((xs) => {
      const s = xs.slice(1).sort((a, b) => a - b);
      return s[Math.floor(s.length / 2)];
    });
    const f = medians[0].median;
    console.log(
      `${name} (layer ${cam.layerName}) x${n} threads ${threads}: ${Object.keys(jobs)
        .map(
          (k, i) =>
            `${k} ${medians[i].median.toFixed(1)} ms (${(medians[i].median / f).toFixed(2)}x fwd)`,
        )
        .join(
          ', ',
        )}; gradcam/viaGraph ${(medians[2].median / medians[1].median).toFixed(2)}; maps differ by ${(diff / largest).toExponential(1)} of the largest; load ${load()}`,
    );
    console.log(
      `  CPU time (median): ${Object.keys(jobs)
        .map(
          (k, i) =>
            `${k} ${cpuMedians[i].toFixed(1)} ms (${(cpuMedians[i] / cpuMedians[0]).toFixed(2)}x fwd)`,
        )
        .join(', ')}`,
    );
    const captum = process.env.GC_CAPTUM === '1' ? captumGradCAM(name, n) : undefined;
    if (captum !== undefined) {
      console.log(
        `  vs Captum ${captum.toFixed(1)} ms: gradcam ${(medians[2].median / captum).toFixed(2)}x, viaGraph ${(medians[1].median / captum).toFixed(2)}x, forward ${(f / captum).toFixed(2)}x; load ${load()}`,
      );
    }
    if (process.env.PROFILE_KERNELS !== '0') {
      for (const [job, fn] of Object.entries(jobs)) {
        console.log(`  ${job}: ${await kernelTable(tf, fn)}`);
      }
    }
    x.dispose();
  }
  // A LayersModel keeps its weights apart from its graph (an ONNX model is one).
  graph.dispose();
  if (model !== graph) model.dispose();
}
console.log(`tensors left: ${tf.memory().numTensors}`);
// The WASM backend's pthread workers keep Node alive at 2 threads: the run would hang at the end.
process.exit(0);
