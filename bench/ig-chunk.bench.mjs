// IG's chunk sizes on 224 x 224 images (issues 13 and 15), three parts (BENCH_PART):
//  ig            whole processes, as `interp attribute --method ig` runs: each child sets up the
//                WASM backend, loads the model and runs IntegratedGradients once (50 steps, 2
//                images, chunks sized by throughput), with a candidate sizing and the one before
//                it (batch-budget's `chunkSizing.force = 'before'`), at 1 and 2 threads,
//                round-robin, BENCH_RUNS times. The candidate tried in stop 27 (from 4 rows up to
//                27) was reverted and batch-budget has no `chunkSizing` hook now: without one both
//                sides run the same policy (the bench says so). It prints
//                the median whole-process and IG wall times, IG's CPU time, the peak WASM heap and
//                RSS, the ratio current / before per thread count, the load, and the
//                attributions' difference (ResNet-18: against Captum's, captum-ig.npy).
//  fixed (default)  the same children with fixed chunks (internalBatchSize = BENCH_ROWS, each a number
//                of rows: 2 images x rows/2 steps per chunk).
//  matmul        the Winograd F(2x2,3x3) matmuls of ResNet-18's four stages for a chunk of each
//                BENCH_ROWS (16 x [rows*tiles, c] x [c, c]), per row, wall and CPU, 1 and 2
//                threads (one child each), and the 2-thread / 1-thread ratios.
// Models (BENCH_MODELS): resnet18 (E2E_DIR's resnet18.onnx, x.npy, captum-ig.npy: see
// e2e-ig.bench.mjs), mobilenet_v2 (packages/onnx/test-models, seeded random weights), nsfwjs
// (nsfwjs' Keras MobileNetV2 LayersModel). Runs from the packages' sources, bundled by esbuild:
//   node bench/ig-chunk.bench.mjs
// Env: BENCH_PART, BENCH_MODELS=resnet18, BENCH_THREADS=1,2, BENCH_RUNS=5, BENCH_ROWS=2,4,6,8,12,16,24
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundled } from './bundled.mjs';
import { median, writeResults } from './lib.mjs';

const here = bundled(import.meta.url);
const self = fileURLToPath(import.meta.url);
const PART = process.env.BENCH_PART ?? 'fixed';
const MODELS = (process.env.BENCH_MODELS ?? 'resnet18').split(',');
const THREADS = (process.env.BENCH_THREADS ?? '1,2').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ROWS = (process.env.BENCH_ROWS ?? '2,4,6,8,12,16,24').split(',').map(Number);
const E2E_DIR = process.env.E2E_DIR ?? join(tmpdir(), 'interp-e2e-ig');
const load = () => loadavg()[0].toFixed(2);

/** A float32 C-order .npy: its shape and values. */
function readNpy(file) {
  const bytes = readFileSync(file);
  const h = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + h).toString('latin1');
  if (!header.includes("'<f4'")) throw new Error(`${file}: expected float32, got ${header}`);
  const shape = header
    .match(/\(([^)]*)\)/)[1]
    .split(',')
    .filter((s) => s.trim())
    .map(Number);
  const data = new Float32Array(
    bytes.buffer.slice(bytes.byteOffset + 10 + h, bytes.byteOffset + bytes.length),
  );
  return { shape, data };
}

/** Runs this script as a child with `env`; its one JSON line, and the child's wall time. */
function child(env) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--expose-gc', self], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`child ${JSON.stringify(env)} failed:\n${r.stderr}`);
  return { ...JSON.parse(r.stdout.trim().split('\n').at(-1)), wholeMs: performance.now() - t0 };
}

/** Child: one whole IG (BENCH_CHILD_SIZING 'before' | 'current' | a fixed row count). */
async function igChild() {
  const { IntegratedGradients } = await import('@interp/attribution');
  const { setupBackend } = await import('@interp/core');
  const budget = await import('../packages/attribution/src/internal/batch-budget.ts');
  const tf = await import('@tensorflow/tfjs-core');
  const threads = Number(process.env.BENCH_CHILD_THREADS);
  const model = process.env.BENCH_CHILD_MODEL;
  const sizing = process.env.BENCH_CHILD_SIZING;
  await setupBackend('wasm', { threads });
  let m;
  let x;
  let reference;
  if (model === 'nsfwjs') {
    const tfl = await import('@tensorflow/tfjs-layers');
    const { loadNsfwjsMobileNetV2 } = await import('./nsfwjs-mobilenet-v2.mjs');
    m = await loadNsfwjsMobileNetV2(tf, tfl, here);
    x = tf.tensor(
      Float32Array.from({ length: 2 * 224 * 224 * 3 }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.37)),
      [2, 224, 224, 3],
    );
  } else {
    const { loadOnnxModel } = await import('@interp/onnx');
    if (model === 'resnet18') {
      m = await loadOnnxModel(readFileSync(join(E2E_DIR, 'resnet18.onnx')));
      const xin = readNpy(join(E2E_DIR, 'x.npy'));
      x = tf.tensor(xin.data, xin.shape);
      const captum = join(E2E_DIR, 'captum-ig.npy');
      if (existsSync(captum)) reference = readNpy(captum).data;
    } else {
      const { modelWithRandomWeights } = await import(
        '../packages/onnx/scripts/random-external-data.mjs'
      );
      const file = join(here, '..', 'packages', 'onnx', 'test-models', `${model}.onnx`);
      m = await loadOnnxModel(await modelWithRandomWeights(file, 1));
      x = tf.tensor(
        Float32Array.from({ length: 2 * 3 * 224 * 224 }, (_, i) => Math.sin(i * 0.37)),
        [2, 3, 224, 224],
      );
    }
  }
  const options = { nSteps: 50 };
  if (sizing === 'before' && !budget.chunkSizing)
    console.error('batch-budget has no chunkSizing hook: "before" runs the current sizing');
  if (sizing === 'before' && budget.chunkSizing) budget.chunkSizing.force = 'before';
  else if (sizing !== 'current') options.internalBatchSize = Number(sizing);
  const ig = new IntegratedGradients(m);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const a = await ig.attribute(x, options);
  const values = await a.data();
  const igMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  let maxRel;
  if (reference) {
    let big = 0;
    let diff = 0;
    for (let i = 0; i < reference.length; i++) {
      big = Math.max(big, Math.abs(reference[i]));
      diff = Math.max(diff, Math.abs(reference[i] - values[i]));
    }
    maxRel = diff / big;
  }
  // A checksum to compare the sizings' attributions across processes (float summation order).
  let l1 = 0;
  for (const v of values) l1 += Math.abs(v);
  console.log(
    JSON.stringify({
      igMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      heapMB: tf.backend().wasm.HEAPU8.buffer.byteLength / 2 ** 20,
      rssMB: process.resourceUsage().maxRSS / 1024,
      maxRel,
      l1,
    }),
  );
}

/** Child: ResNet-18's Winograd matmuls for each chunk size of BENCH_ROWS. */
async function matmulChild() {
  const { setupBackend } = await import('@interp/core');
  const tf = await import('@tensorflow/tfjs-core');
  const threads = Number(process.env.BENCH_CHILD_THREADS);
  await setupBackend('wasm', { threads });
  // F(2x2,3x3) tiles per side of a 224 x 224 image's stages (56, 28, 14, 7 pixels) and channels.
  const stages = [
    [28, 64],
    [14, 128],
    [7, 256],
    [4, 512],
  ];
  const out = {};
  for (const rows of ROWS) {
    for (const [t, c] of stages) {
      const a = tf.randomNormal([1, rows * t * t, c]);
      const b = tf.randomNormal([1, c, c]);
      const run = () => tf.dispose(Array.from({ length: 16 }, () => tf.matMul(a, b)));
      run();
      const wall = [];
      const cpu = [];
      for (let r = 0; r < Math.max(5, RUNS); r++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        run();
        wall.push((performance.now() - t0) / rows);
        const u = process.cpuUsage(c0);
        cpu.push((u.user + u.system) / 1000 / rows);
      }
      out[`${rows}:${t}x${t}x${c}`] = { wall: median(wall), cpu: median(cpu) };
      tf.dispose([a, b]);
    }
  }
  console.log(JSON.stringify({ stages: out }));
}

if (process.env.BENCH_CHILD_MODEL) {
  await igChild();
  process.exit(0);
} else if (process.env.BENCH_CHILD_MATMUL) {
  await matmulChild();
  process.exit(0);
}

const records = [];
if (PART === 'matmul') {
  const byThreads = {};
  for (const threads of THREADS) {
    byThreads[threads] = child({
      BENCH_CHILD_MATMUL: '1',
      BENCH_CHILD_THREADS: String(threads),
    }).stages;
  }
  for (const key of Object.keys(byThreads[THREADS[0]])) {
    const cells = THREADS.map(
      (t) =>
        `${t}t ${byThreads[t][key].wall.toFixed(2)} ms/row (CPU ${byThreads[t][key].cpu.toFixed(2)})`,
    );
    const [one, two] = THREADS.map((t) => byThreads[t][key]);
    const ratio = two ? two.wall / one.wall : undefined;
    console.log(
      `matmuls rows:stage ${key}: ${cells.join(', ')}${ratio ? `; wall 2t/1t ${ratio.toFixed(2)}x, CPU ${(two.cpu / one.cpu).toFixed(2)}x` : ''}; load ${load()}`,
    );
    records.push({ label: `winograd matmuls ${key}`, ...byThreads, ratio });
  }
} else {
  const sizings = PART === 'fixed' ? ROWS.map(String) : ['before', 'current'];
  for (const model of MODELS) {
    const samples = new Map();
    for (let run = 0; run < RUNS; run++) {
      for (const threads of THREADS) {
        for (const sizing of sizings) {
          const r = child({
            BENCH_CHILD_MODEL: model,
            BENCH_CHILD_THREADS: String(threads),
            BENCH_CHILD_SIZING: sizing,
          });
          r.load = loadavg()[0];
          const key = `${threads}:${sizing}`;
          samples.set(key, [...(samples.get(key) ?? []), r]);
          console.log(
            `  ${model} ${threads}t ${sizing}: whole ${(r.wholeMs / 1000).toFixed(1)} s, IG ${(r.igMs / 1000).toFixed(1)} s (CPU ${(r.cpuMs / 1000).toFixed(1)} s), heap ${r.heapMB.toFixed(0)} MB, RSS ${r.rssMB.toFixed(0)} MB${r.maxRel === undefined ? '' : `, vs Captum ${r.maxRel.toExponential(2)}`}, load ${load()}`,
          );
        }
      }
    }
    for (const threads of THREADS) {
      const summary = {};
      for (const sizing of sizings) {
        const rs = samples.get(`${threads}:${sizing}`);
        summary[sizing] = {
          wholeMs: median(rs.map((r) => r.wholeMs)),
          igMs: median(rs.map((r) => r.igMs)),
          cpuMs: median(rs.map((r) => r.cpuMs)),
          heapMB: Math.max(...rs.map((r) => r.heapMB)),
          rssMB: Math.max(...rs.map((r) => r.rssMB)),
          l1: rs[0].l1,
          maxRel: rs[0].maxRel,
          load: median(rs.map((r) => r.load)),
        };
        const s = summary[sizing];
        console.log(
          `${model} IG ${threads}t ${sizing}: median whole ${(s.wholeMs / 1000).toFixed(1)} s, IG ${(s.igMs / 1000).toFixed(1)} s, CPU ${(s.cpuMs / 1000).toFixed(1)} s; peak heap ${s.heapMB.toFixed(0)} MB, RSS ${s.rssMB.toFixed(0)} MB; load ${s.load.toFixed(2)}`,
        );
      }
      if (PART !== 'fixed') {
        const [b, c] = [summary.before, summary.current];
        const ratio = c.igMs / b.igMs;
        console.log(
          `${model} IG ${threads}t current / before: IG ${ratio.toFixed(2)}x, whole ${(c.wholeMs / b.wholeMs).toFixed(2)}x, CPU ${(c.cpuMs / b.cpuMs).toFixed(2)}x; |L1 difference| ${(Math.abs(c.l1 - b.l1) / b.l1).toExponential(1)}; load ${load()}`,
        );
        records.push({
          label: `IG 50 steps ${model} x2, ${threads} thread(s), chunks current vs before`,
          oursMs: c.igMs,
          baselineMs: b.igMs,
          baselineLabel: 'before (1 to 6 rows)',
          ratio,
          summary,
        });
      } else {
        records.push({ label: `IG 50 steps ${model} x2, ${threads} thread(s), fixed`, summary });
      }
    }
  }
}
console.log('results', writeResults(`ig-chunk-${PART}`, records));
