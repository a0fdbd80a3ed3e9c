// The tape-free input gradient of ONNX models (targetInputGradient's 'auto', which runs
// OnnxModel.inputGradient) against their forward pass, in the same run: torchvision's ResNet-18 and
// MobileNetV2 exports (seeded random weights) at 1 and 8 images of 3 x 224 x 224, on 1 and 2
// threads. Forward and gradient are timed round-robin (median of BENCH_RUNS >= 5 warm runs each),
// the ratio gradient / forward printed with the 1-minute load average (and the minima, the median
// process CPU times and the least summed kernel time of BENCH_RUNS profiled calls, both steadier
// under load), then per-kernel
// totals of one call of each (tf.profile, kernel-table.mjs) to see what dominates. tfjs-wasm fixes its
// thread count per process, so each thread count runs in a child process of this one.
// Runs from the packages' sources, bundled by esbuild (no build needed):
//   node bench/onnx-input-gradient.bench.mjs
// Each job runs in both round-robin orders (half of BENCH_RUNS each: a round's first job measured
// slower).
// Env: BENCH_THREADS=1,2  BENCH_MODELS=resnet18,mobilenet_v2  BENCH_N=1,8  BENCH_RUNS=5
//      BENCH_KERNELS=0 (skip the per-kernel tables)  BENCH_GOAL=2.5 (MobileNetV2 x1's ratio goal)
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundled } from './bundled.mjs';
import { kernelTable } from './kernel-table.mjs';
import { CHILD_OUT, report, runPerThreadCount, timeInterleaved } from './lib.mjs';

const here = bundled(import.meta.url);
const self = fileURLToPath(import.meta.url);
const THREADS = (process.env.BENCH_THREADS ?? '1,2').split(',').map(Number);
const MODELS = (process.env.BENCH_MODELS ?? 'resnet18,mobilenet_v2').split(',');
const SIZES = (process.env.BENCH_N ?? '1,8').split(',').map(Number);
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 5));
const GOAL = Number(process.env.BENCH_GOAL ?? 2.5);
const load = () => loadavg()[0].toFixed(2);

if (CHILD_OUT === undefined) {
  console.log('results', runPerThreadCount(self, 'onnx-input-gradient', THREADS));
} else {
  const { setupBackend, getBackendInfo, targetInputGradient } = await import('@interp/core');
  const { loadOnnxModel } = await import('@interp/onnx');
  const { modelWithRandomWeights } = await import(
    '../packages/onnx/scripts/random-external-data.mjs'
  );
  const tf = await import('@tensorflow/tfjs-core');
  const [threads] = THREADS;
  await setupBackend('wasm', { threads });
  console.log(`backend ${JSON.stringify(getBackendInfo())}, load ${load()}`);
  const records = [];
  const gc = globalThis.gc ?? (() => {});
  const modelsDir = join(here, '..', 'packages', 'onnx', 'test-models');
  for (const name of MODELS) {
    const model = await loadOnnxModel(
      await modelWithRandomWeights(join(modelsDir, `${name}.onnx`), 1),
    );
    for (const n of SIZES) {
      const x = tf.tensor(
        Float32Array.from({ length: n * 3 * 224 * 224 }, (_, i) => Math.sin(i * 0.37)),
        [n, 3, 224, 224],
      );
      const forward = async () => {
        const y = model.predict(x);
        await y.data();
        return y;
      };
      // targetInputGradient's 'auto' (the tape-free backward, method 'graph'), target 0.
      const gradient = async () => {
        const r = targetInputGradient(model, x, 0);
        if (r.method !== 'graph')
          throw new Error(`${name}: ran '${r.method}', not the tape-free path`);
        await r.gradient.data();
        return [r.gradient, r.outputs];
      };
      // The process's CPU time of each call too: waiting for a core (the machine is shared) does
      // not count there, so it moves far less with the load than wall time does.
      const cpu = [[], []];
      const withCpu = (k, fn) => async () => {
        const start = process.cpuUsage();
        tf.dispose(await fn());
        const used = process.cpuUsage(start);
        cpu[k].push((used.user + used.system) / 1000);
      };
      // Round-robin in both orders, half the runs each: the job that opens a round measured ~10%
      // slower at 1 image (the same gradient timed first vs last against another: 1.13x vs 0.98x).
      const jobs = [withCpu(0, gradient), withCpu(1, forward)];
      const wall = jobs.map(() => []);
      const timed = jobs.map((fn, k) => async () => {
        const t0 = performance.now();
        await fn();
        wall[k].push(performance.now() - t0);
      });
      await timeInterleaved(timed, { runs: 0, warmup: 2, beforeEach: gc });
      for (const xs of [...wall, ...cpu]) xs.length = 0;
      const half = Math.ceil(RUNS / 2);
      await timeInterleaved(timed, { runs: half, warmup: 0, beforeEach: gc });
      await timeInterleaved([...timed].reverse(), { runs: half, warmup: 0, beforeEach: gc });
      const [tGrad, tForward] = wall.map((xs) => ({
        median: median(xs),
        min: Math.min(...xs),
        max: Math.max(...xs),
        runs: xs.length,
      }));
      const [cGrad, cForward] = cpu.map((xs) => median(xs));
      const label = `${name} x${n}, ${threads} thread(s): input gradient vs forward`;
      const record = report(label, tGrad, tForward, {
        baselineLabel: 'forward',
        ...(name === 'mobilenet_v2' && n === 1 ? { goal: GOAL } : {}),
      });
      // Minima as well: on a shared machine the least disturbed run is also worth seeing.
      console.log(
        `  min: gradient ${tGrad.min.toFixed(1)} ms, forward ${tForward.min.toFixed(1)} ms, ratio ${(tGrad.min / tForward.min).toFixed(2)}x; load ${load()}`,
      );
      console.log(
        `  CPU time (median): gradient ${cGrad.toFixed(1)} ms, forward ${cForward.toFixed(1)} ms, ratio ${(cGrad / cForward).toFixed(2)}x`,
      );
      // The load on a shared machine moves wall times by 2x; the summed kernel times of the least
      // disturbed of RUNS profiled calls move far less (JS time between kernels is left out).
      const [kGrad, kForward] = [
        await leastKernelMs(tf, gradient, RUNS),
        await leastKernelMs(tf, forward, RUNS),
      ];
      console.log(
        `  kernels (least of ${RUNS} profiled calls): gradient ${kGrad.toFixed(1)} ms, forward ${kForward.toFixed(1)} ms, ratio ${(kGrad / kForward).toFixed(2)}x`,
      );
      records.push({
        ...record,
        oursMinMs: tGrad.min,
        forwardMinMs: tForward.min,
        oursCpuMs: cGrad,
        forwardCpuMs: cForward,
        oursKernelMs: kGrad,
        forwardKernelMs: kForward,
        threads,
        loadAvg1m: loadavg()[0],
      });
      if (process.env.BENCH_KERNELS !== '0') {
        console.log(`  forward: ${await kernelTable(tf, forward)}`);
        console.log(`  gradient: ${await kernelTable(tf, gradient)}`);
      }
      x.dispose();
    }
    model.dispose();
  }
  console.log(`tensors left: ${tf.memory().numTensors}`);
  writeFileSync(CHILD_OUT, JSON.stringify({ records }));
}
// The threaded backend's pthread workers would keep the process alive.
process.exit(0);

function median(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The smallest total kernel time of `runs` profiled calls of `fn` (op-level entries left out). */
async function leastKernelMs(tf, fn, runs) {
  let least = Number.POSITIVE_INFINITY;
  for (let r = 0; r < runs; r++) {
    const info = await tf.profile(async () => tf.dispose(await fn()));
    // tf.profile lists a fused op (fusedConv2d__op) besides its kernel (FusedConv2D).
    const ms = info.kernels
      .filter((k) => !k.name.endsWith('__op'))
      .reduce((sum, k) => sum + k.kernelTimeMs, 0);
    least = Math.min(least, ms);
  }
  return least;
}
