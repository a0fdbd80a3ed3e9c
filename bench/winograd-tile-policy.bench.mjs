// IG on ResNet-18 in one process (built dist), alternating between the two Winograd tile policies
// of BENCH_TILES (default F2/F4H,F2/F4H%4; INTERP_WINOGRAD_TILE specs), warm, BENCH_RUNS pairs
// (default 5), BENCH_ROWS-row chunks (default 13), BENCH_THREADS threads (default 2): steady-state
// wall and CPU, no one-time costs. Was ig-heap.bench.mjs's 'tiles' part.
// Measured (stop 29, 13-row chunks, 2 threads, load 4.2-5.8): F2/F4H%4 / F2/F4H IG 0.997x (faster
// in 3 of 5), CPU 0.994x: the input gradient's F2 at 14x14 and 7x7 costs no compute; its gain is
// the 75 MB of packed filters never touched.
//   node bench/winograd-tile-policy.bench.mjs
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, readNpyF32 } from './lib.mjs';

const ROWS = [Number(process.env.BENCH_ROWS ?? 13)];
const THREADS = [Number(process.env.BENCH_THREADS ?? 2)];
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const E2E_DIR = process.env.E2E_DIR ?? join(tmpdir(), 'interp-e2e-ig');
const load = () => loadavg()[0].toFixed(2);

/**
 * 'tiles' part: in one process (built dist), IG on ResNet-18 (BENCH_ROWS[0]-row chunks) alternating
 * between the Winograd tile policies of BENCH_TILES (two INTERP_WINOGRAD_TILE specs), each warmed
 * once (both policies' packed filters then stay cached): steady-state wall and CPU, no one-time
 * costs.
 */
async function tilesInProcess() {
  const tf = await import('@tensorflow/tfjs-core');
  const { setupBackend } = await import('@interp/core');
  const { loadOnnxModel } = await import('@interp/onnx');
  const { IntegratedGradients } = await import('@interp/attribution');
  const { winogradConvPath, winogradTilePolicy } = await import(
    '../packages/core/dist/kernels/winograd-conv-wasm.js'
  );
  await setupBackend('wasm', { threads: THREADS[0] });
  const m = await loadOnnxModel(join(E2E_DIR, 'resnet18.onnx'));
  const x = tf.tensor(readNpyF32(join(E2E_DIR, 'x.npy')), [2, 3, 224, 224]);
  const specs = (process.env.BENCH_TILES ?? 'F2/F4H,F2/F4H%4').split(',');
  const times = new Map(specs.map((spec) => [spec, []]));
  const once = async (spec) => {
    winogradConvPath.tile = winogradTilePolicy(spec);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const a = await new IntegratedGradients(m).attribute(x, {
      nSteps: 50,
      internalBatchSize: ROWS[0],
    });
    await a.data();
    a.dispose();
    const cpu = process.cpuUsage(cpu0);
    return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
  };
  for (const spec of specs) await once(spec);
  for (let run = 0; run < RUNS; run++) {
    for (const spec of run % 2 ? [...specs].reverse() : specs) {
      const o = await once(spec);
      times.get(spec).push(o);
      console.log(
        `  ${spec}: IG ${(o.ms / 1000).toFixed(2)} s, CPU ${(o.cpuMs / 1000).toFixed(2)} s; load ${load()}`,
      );
    }
  }
  const [base, other] = specs.map((spec) => times.get(spec));
  const med = (xs, k) => median(xs.map((o) => o[k]));
  const faster = other.filter((o, i) => o.ms < base[i].ms).length;
  console.log(
    `${specs[1]} / ${specs[0]} (median of ${RUNS}, ${ROWS[0]}-row chunks, ${THREADS[0]} threads): IG ${(med(other, 'ms') / 1000).toFixed(2)} / ${(med(base, 'ms') / 1000).toFixed(2)} s (${(med(other, 'ms') / med(base, 'ms')).toFixed(3)}x, faster in ${faster} of ${RUNS}), CPU ${(med(other, 'cpuMs') / med(base, 'cpuMs')).toFixed(3)}x; load ${load()}`,
  );
}

await tilesInProcess();
process.exit(0);
