// Where the time of a warm attribution call on torchvision's ResNet-18 / MobileNetV2 ONNX exports
// (224 x 224, seeded random weights) goes: forward, targetInputGradient (auto and tape), Saliency
// and GradCAM, each a median of 3 warm runs, plus per-kernel totals (tf.profile) of one call.
// Runs from the packages' sources, bundled by esbuild (no build needed):
//   node bench/profile-onnx.mjs   (bundles itself, see bundled.mjs)
// Env: PROFILE_THREADS=1|2 (default 2), PROFILE_N=1,8, PROFILE_MODELS=resnet18,mobilenet_v2,
// PROFILE_KERNELS=0 (skip per-kernel tables), PROFILE_JOBS=forward,auto,... (a subset).
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { bundled } from './bundled.mjs';
import { kernelTable } from './kernel-table.mjs';
import { time } from './lib.mjs';

const here = bundled(import.meta.url);

const { GradCAM, Saliency } = await import('@interp/attribution');
const { setupBackend, getBackendInfo, targetInputGradient } = await import('@interp/core');
const { loadOnnxModel } = await import('@interp/onnx');
const { modelWithRandomWeights } = await import(
  '../packages/onnx/scripts/random-external-data.mjs'
);
const tf = await import('@tensorflow/tfjs-core');

const threads = Number(process.env.PROFILE_THREADS ?? 2);
const sizes = (process.env.PROFILE_N ?? '1,8').split(',').map(Number);
const names = (process.env.PROFILE_MODELS ?? 'resnet18,mobilenet_v2').split(',');
const only = process.env.PROFILE_JOBS?.split(',');
await setupBackend('wasm', { threads });
console.log(`backend ${JSON.stringify(getBackendInfo())}, load ${loadavg()[0].toFixed(2)}`);

const modelsDir = join(here, '..', 'packages', 'onnx', 'test-models');
for (const name of names) {
  const model = await loadOnnxModel(
    await modelWithRandomWeights(join(modelsDir, `${name}.onnx`), 1),
  );
  for (const n of sizes) {
    const x = tf.tensor(
      Float32Array.from({ length: n * 3 * 224 * 224 }, (_, i) => Math.sin(i * 0.37)),
      [n, 3, 224, 224],
    );
    const jobs = {
      forward: async () => {
        const y = model.predict(x);
        await y.data();
        return y;
      },
      auto: async () => {
        const { gradient, outputs, method } = targetInputGradient(model, x, 0);
        await gradient.data();
        jobs.auto.method = method;
        return [gradient, outputs];
      },
      tape: async () => {
        const { gradient, outputs } = targetInputGradient(model, x, 0, { method: 'tape' });
        await gradient.data();
        return [gradient, outputs];
      },
      saliency: async () => {
        const s = await new Saliency(model).attribute(x, { target: 0 });
        await s.data();
        return s;
      },
      gradcam: async () => {
        const s = await new GradCAM(model).attribute(x, { target: 0 });
        await s.data();
        return s;
      },
    };
    const times = {};
    for (const [job, fn] of Object.entries(jobs)) {
      if (only && !only.includes(job)) continue;
      times[job] = (await time(async () => tf.dispose(await fn()), { runs: 3 })).median;
    }
    const f = times.forward ?? Number.NaN;
    console.log(
      `${name} x${n} threads ${threads}: ${Object.entries(times)
        .map(([k, v]) => `${k} ${v.toFixed(0)} ms (${(v / f).toFixed(1)}x fwd)`)
        .join(', ')}; auto ran '${jobs.auto.method}'; load ${loadavg()[0].toFixed(2)}`,
    );
    if (process.env.PROFILE_KERNELS !== '0') {
      for (const [job, fn] of Object.entries(jobs)) {
        if (only && !only.includes(job)) continue;
        console.log(`  ${job}: ${await kernelTable(tf, fn)}`);
      }
    }
    x.dispose();
  }
  model.dispose();
}
console.log(`tensors left: ${tf.memory().numTensors}`);
// The threaded backend's pthread worker keeps the event loop alive: exit explicitly.
process.exit(0);
