// Where the time of a warm attribution call on nsfwjs's Keras MobileNetV2 (224 x 224) goes:
// forward (model.predict), targetInputGradient, Saliency and GradCAM, x1 and x8, at PROFILE_THREADS
// threads (default 2), each timed as a median, plus per-kernel totals (tf.profile) of one call.
// Runs from the packages' sources, bundled by esbuild (no build needed):
//   node bench/profile-real-size.mjs   (bundles itself, see bundled.mjs)
// Env: PROFILE_THREADS=1|2, PROFILE_N=1,8, PROFILE_KERNELS=0 (skip per-kernel tables),
// PROFILE_JOBS=forward,inputGradient (default: all four), PROFILE_ROWS=12 (kernels listed).
import { loadavg } from 'node:os';
import { bundled } from './bundled.mjs';
import { kernelTable } from './kernel-table.mjs';
import { time } from './lib.mjs';
import { loadNsfwjsMobileNetV2 } from './nsfwjs-mobilenet-v2.mjs';

const here = bundled(import.meta.url);

const { GradCAM, Saliency } = await import('@interp/attribution');
const { setupBackend, getBackendInfo, targetInputGradient } = await import('@interp/core');
const tf = await import('@tensorflow/tfjs-core');
const tfl = await import('@tensorflow/tfjs-layers');

const threads = Number(process.env.PROFILE_THREADS ?? 2);
const sizes = (process.env.PROFILE_N ?? '1,8').split(',').map(Number);
await setupBackend('wasm', { threads });
console.log(`backend ${JSON.stringify(getBackendInfo())}, load ${loadavg()[0].toFixed(2)}`);

const model = await loadNsfwjsMobileNetV2(tf, tfl, here);

for (const n of sizes) {
  const x = tf.tensor(
    Float32Array.from({ length: n * 224 * 224 * 3 }, (_, i) => Math.sin(i * 0.37)),
    [n, 224, 224, 3],
  );
  const jobs = {
    forward: async () => {
      const y = model.predict(x);
      await y.data();
      return y;
    },
    inputGradient: async () => {
      const { gradient, outputs } = targetInputGradient(model, x, 0);
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
  const wanted = process.env.PROFILE_JOBS?.split(',');
  for (const name of Object.keys(jobs)) if (wanted && !wanted.includes(name)) delete jobs[name];
  const times = {};
  for (const [name, fn] of Object.entries(jobs)) {
    times[name] = (await time(async () => tf.dispose(await fn()), { runs: 5 })).median;
  }
  const f = times.forward;
  console.log(
    `x${n} threads ${threads}: ${Object.entries(times)
      .map(([k, v]) => `${k} ${v.toFixed(1)} ms (${(v / f).toFixed(2)}x fwd)`)
      .join(', ')}; load ${loadavg()[0].toFixed(2)}`,
  );
  if (process.env.PROFILE_KERNELS !== '0') {
    for (const [name, fn] of Object.entries(jobs))
      console.log(`  ${name}: ${await kernelTable(tf, fn)}`);
  }
  x.dispose();
}
console.log(`tensors left: ${tf.memory().numTensors}`);
// The WASM backend's pthread workers keep Node alive at 2 threads: the run hung after its last line.
process.exit(0);
