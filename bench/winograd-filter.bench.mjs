// Winograd's one-time per-weight work (core's kernels/winograd-conv.ts, winograd-filter-simd.ts) on
// ResNet-18's 3x3 stride-1 filter shapes, timed interleaved in one process (median of BENCH_RUNS,
// default 7) with the 1-minute load average:
// 1. the filter transform U = G g G^T: the SIMD pass writing the t * t planes into the heap
//    against the JS transform it replaced (Float64 accumulators, then one heap copy per plane;
//    copied below as the baseline), F(2x2,3x3) and F(4x4,3x3);
// 2. flipFilter's channel swap (the input gradient's filter): SIMD 4x4 block transposes against
//    the scalar JS loop it replaced (copied below);
// 3. XNNPACK's first BatchMatMul per transformed plane (operator creation + weight packing, which
//    tfjs-backend-wasm caches per B tensor) against a call with the operator cached, batch 2;
// 4. the first touch of fresh wasm heap pages against a second write of them (the fresh bytes
//    every kept weight costs, whatever computes it);
// 5. with BENCH_E2E_OLD and BENCH_E2E_NEW (two interp CLI entry points, e.g. esbuild bundles of
//    apps/cli/dist/bin.js before and after), whole-process `interp attribute --method saliency
//    --threads 2` on /tmp/interp-e2e-ig (resnet18.onnx, x.npy), the two runs interleaved,
//    BENCH_E2E_RUNS (default 5) each.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { bundled } from './bundled.mjs';
import { median, report, timeInterleaved, writeResults } from './lib.mjs';

bundled(import.meta.url);
const { setupBackend } = await import('@interp/core');
const { WasmKernelScope } = await import('../packages/core/src/kernels/wasm-kernel-scope.ts');
const { winogradFilter } = await import('../packages/core/src/kernels/winograd-conv.ts');
const { F2, F4 } = await import('../packages/core/src/kernels/winograd-simd.ts');

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const THREADS = Number(process.env.BENCH_THREADS ?? 2);
const E2E_RUNS = Number(process.env.BENCH_E2E_RUNS ?? 5);
/** ResNet-18's 3x3 stride-1 convs: [channels (in = out), feature map side, convs]; BENCH_CHANNELS=512,... keeps some. */
const CHANNELS = process.env.BENCH_CHANNELS?.split(',').map(Number);
const LAYERS = [
  [64, 56, 4],
  [128, 28, 3],
  [256, 14, 3],
  [512, 7, 3],
].filter(([c]) => CHANNELS === undefined || CHANNELS.includes(c));
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** The replaced transform (winograd-conv.ts before the SIMD kernel): JS planes, then heap copies. */
function oldWinogradFilter(s, filter, tile) {
  const [, , c, k] = filter.shape;
  const src = s.heap(filter);
  const { t, g } = tile;
  const plane = c * k;
  const planes = [];
  for (let xi = 0; xi < t; xi++) {
    for (let nu = 0; nu < t; nu++) {
      const acc = new Float64Array(plane);
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) {
          const coef = g[xi][a] * g[nu][b];
          if (coef === 0) continue;
          const at = (a * 3 + b) * plane;
          for (let e = 0; e < plane; e++) acc[e] += coef * src[at + e];
        }
      }
      planes.push(Float32Array.from(acc));
    }
  }
  return planes.map((p) => {
    const out = s.make([1, c, k], 'float32');
    s.heap(out).set(p);
    return out;
  });
}

/** The replaced flipFilter swap path (wasm-kernel-scope.ts): a scalar transposing loop. */
function oldFlipSwap(s, filter) {
  const [fh, fw, a, b] = filter.shape;
  const out = s.make([fh, fw, b, a], 'float32');
  const src = s.heap(filter);
  const dst = s.heap(out);
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      const from = ((fh - 1 - i) * fw + (fw - 1 - j)) * a * b;
      const to = (i * fw + j) * a * b;
      for (let p = 0; p < a; p++) {
        for (let q = 0; q < b; q++) dst[to + q * a + p] = src[from + p * b + q];
      }
    }
  }
  return out;
}

const info = await setupBackend('wasm', { threads: THREADS });
console.log(`wasm backend: ${info.threadCount} thread(s), simd ${info.simd}; load ${load()}`);
const backend = tf.backend();
const batchMatMul = tf.getKernel('BatchMatMul', 'wasm').kernelFunc;
const records = [];
const totals = { old: 0, new: 0, oldFlip: 0, newFlip: 0, firstCall: 0, cached: 0 };

/** Runs `body` in a fresh scope and frees everything it made. */
const scoped = (body) => () => {
  const s = new WasmKernelScope(backend);
  try {
    body(s);
  } finally {
    s.dispose();
  }
};

const maxDiff = (xs, ys) => {
  let d = 0;
  for (let i = 0; i < xs.length; i++) d = Math.max(d, Math.abs(xs[i] - ys[i]));
  return d;
};

{
  // First touch of fresh wasm heap pages (the kernel maps and zeroes each page) against a second
  // write of the same bytes: what every weight kept for the first time (planes, XNNPACK's packed
  // copies, flipped filters) pays on top of its computation.
  const mb = 64;
  const wasm = backend.wasm;
  const t0 = performance.now();
  const pointer = wasm._malloc(mb << 20);
  const bytes = () => new Float32Array(wasm.HEAPU8.buffer, pointer, (mb << 20) / 4);
  const t1 = performance.now();
  bytes().fill(1);
  const t2 = performance.now();
  bytes().fill(2);
  const t3 = performance.now();
  wasm._free(pointer);
  const first = { median: t2 - t1, min: t2 - t1, max: t2 - t1, runs: 1 };
  const second = { median: t3 - t2, min: t3 - t2, max: t3 - t2, runs: 1 };
  const r = report(`${mb} MB of the wasm heap written again`, second, first, {
    baselineLabel: 'first touch',
  });
  console.log(`  malloc (memory growth) ${(t1 - t0).toFixed(1)} ms; load ${load()}`);
  records.push({ ...r, loadAvg1m: loadavg()[0] });
}

for (const [channels, size, convs] of LAYERS) {
  const w = tf.mul(tf.randomNormal([3, 3, channels, channels]), Math.sqrt(2 / (9 * channels)));
  const shape = `[3, 3, ${channels}, ${channels}]`;
  for (const [name, tile] of [
    ['F(2,3)', F2],
    ['F(4,3)', F4],
  ]) {
    // Same numbers (the old one rounds once from float64, the new one accumulates in float32).
    const s = new WasmKernelScope(backend);
    const olds = oldWinogradFilter(s, w, tile).map((p) => s.heap(p).slice());
    const news = winogradFilter(s, w, tile).map((p) => s.heap(p).slice());
    const diff = Math.max(...olds.map((p, a) => maxDiff(p, news[a])));
    s.dispose();
    const [oldT, newT] = await timeInterleaved(
      [scoped((s) => oldWinogradFilter(s, w, tile)), scoped((s) => winogradFilter(s, w, tile))],
      { runs: RUNS, warmup: 2, beforeEach: globalThis.gc },
    );
    const r = report(`filter transform ${name} ${shape}`, newT, oldT, { baselineLabel: 'JS' });
    console.log(`  max |new - old| ${diff.toExponential(1)}; load ${load()}`);
    records.push({ ...r, maxDiff: diff, loadAvg1m: loadavg()[0] });
    if (tile === F2) {
      totals.old += convs * oldT.median;
      totals.new += convs * newT.median;
    }
  }
  {
    const s = new WasmKernelScope(backend);
    const diff = maxDiff(s.heap(oldFlipSwap(s, w)), s.heap(s.flipFilter(w, true)));
    s.dispose();
    const [oldT, newT] = await timeInterleaved(
      [scoped((s) => oldFlipSwap(s, w)), scoped((s) => s.flipFilter(w, true))],
      { runs: RUNS, warmup: 2, beforeEach: globalThis.gc },
    );
    const r = report(`flipFilter swap ${shape}`, newT, oldT, { baselineLabel: 'JS' });
    console.log(`  max |new - old| ${diff}; load ${load()}`);
    records.push({ ...r, maxDiff: diff, loadAvg1m: loadavg()[0] });
    totals.oldFlip += convs * oldT.median;
    totals.newFlip += convs * newT.median;
  }
  {
    // One F(2x2,3x3) plane's matmul, batch 2: a fresh B tensor each call (tfjs-backend-wasm creates
    // the XNNPACK operator and packs B) against the same B again (its operator cached).
    const tiles = 2 * Math.ceil(size / 2) ** 2;
    const a = tf.randomNormal([1, tiles, channels]);
    const plane = tf.randomNormal([1, channels, channels]);
    const run = (b) =>
      backend.disposeData(batchMatMul({ inputs: { a, b }, attrs: {}, backend }).dataId);
    const fresh = () => {
      const b = tf.clone(plane);
      run(b);
      b.dispose();
    };
    const cached = () => run(plane);
    const [firstT, cachedT] = await timeInterleaved([fresh, cached], {
      runs: RUNS,
      warmup: 2,
      beforeEach: globalThis.gc,
    });
    const r = report(
      `XNNPACK matmul [1, ${tiles}, ${channels}] x [1, ${channels}, ${channels}] cached`,
      cachedT,
      firstT,
      { baselineLabel: 'first call' },
    );
    console.log(
      `  operator creation + packing ~${(firstT.median - cachedT.median).toFixed(2)} ms per plane; load ${load()}`,
    );
    records.push({ ...r, loadAvg1m: loadavg()[0] });
    totals.firstCall += convs * 16 * firstT.median;
    totals.cached += convs * 16 * cachedT.median;
    tf.dispose([a, plane]);
  }
  w.dispose();
}

console.log(
  `ResNet-18, per direction (13 convs): F(2,3) filter transforms ${totals.new.toFixed(1)} ms (JS ${totals.old.toFixed(1)} ms), flip+swap ${totals.newFlip.toFixed(1)} ms (JS ${totals.oldFlip.toFixed(1)} ms), the 16 planes' first matmuls ${totals.firstCall.toFixed(1)} ms (cached ${totals.cached.toFixed(1)} ms); load ${load()}`,
);

const OLD = process.env.BENCH_E2E_OLD;
const NEW = process.env.BENCH_E2E_NEW;
if (OLD !== undefined && NEW !== undefined) {
  const dir = process.env.E2E_DIR ?? '/tmp/interp-e2e-ig';
  const model = `${dir}/resnet18.onnx`;
  const input = `${dir}/x.npy`;
  if (!existsSync(model) || !existsSync(input)) throw new Error(`no ${model} / ${input}`);
  const args = ['attribute', '--model', model, '--input', input, '--method', 'saliency'];
  // Wall time and, as the machine is shared, CPU time (user + sys, from /usr/bin/time).
  const cpu = new Map([
    [OLD, []],
    [NEW, []],
  ]);
  /** [sys s, max RSS MB, minor page faults] per run. */
  const memory = new Map([
    [OLD, []],
    [NEW, []],
  ]);
  const e2e = (cli) => () => {
    const r = spawnSync(
      '/usr/bin/time',
      ['-f', 'cpu %U %S %M %R', process.execPath, cli, ...args, '--json', '--threads', '2'],
      { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`${cli} failed: ${r.stderr}`);
    const [, user, sys, rss, faults] = r.stderr.match(/cpu ([\d.]+) ([\d.]+) (\d+) (\d+)/);
    cpu.get(cli).push(1000 * (Number(user) + Number(sys)));
    memory.get(cli).push([Number(sys), Number(rss) / 1024, Number(faults)]);
  };
  const [oldT, newT] = await timeInterleaved([e2e(OLD), e2e(NEW)], { runs: E2E_RUNS, warmup: 0 });
  const r = report('whole-process interp attribute --method saliency, 2 threads', newT, oldT, {
    baselineLabel: 'before',
  });
  console.log(
    `  before ${oldT.min.toFixed(0)}-${oldT.max.toFixed(0)} ms, after ${newT.min.toFixed(0)}-${newT.max.toFixed(0)} ms; load ${load()}`,
  );
  const cpuOf = (cli) => {
    const xs = cpu.get(cli);
    return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs.length };
  };
  const rc = report('  its CPU time (user + sys)', cpuOf(NEW), cpuOf(OLD), {
    baselineLabel: 'before',
  });
  const medians = (cli) => [0, 1, 2].map((i) => median(memory.get(cli).map((m) => m[i])));
  const [before, after] = [medians(OLD), medians(NEW)];
  console.log(
    `  medians: sys ${before[0].toFixed(2)} -> ${after[0].toFixed(2)} s, max RSS ${before[1].toFixed(0)} -> ${after[1].toFixed(0)} MB, minor page faults ${before[2]} -> ${after[2]}; load ${load()}`,
  );
  records.push({ ...rc, loadAvg1m: loadavg()[0], sysRssFaults: { before, after } });
  records.push({ ...r, loadAvg1m: loadavg()[0] });
}
console.log(`results: ${writeResults('winograd-filter', records)}`);
// The threaded backend's pthread workers would keep the process alive.
process.exit(0);
