// Our SIMD kernels split across the main thread and a helper worker (core's
// kernels/parallel-kernel.ts) against the same kernels on the main thread alone
// (parallelKernels.enabled = false), on the threaded wasm build (2 threads).
//
// BENCH_PART=kernels (default: both parts): the Winograd input and output transforms alone on
// ResNet-18's 3x3 stride-1 shapes at 224 px (F2 forwards, F4H input gradients; batch BENCH_BATCH,
// default 10), interleaved, median of BENCH_RUNS (default 9), results checked bit for bit; plus the
// hand-off: a small call split (minBytes 0) vs whole.
// BENCH_PART=e2e: whole-process `interp attribute --method ig --threads 2` on
// /tmp/interp-e2e-ig/resnet18.onnx (bench/e2e-ig.bench.mjs makes the files) with
// INTERP_PARALLEL_KERNELS=1 (on) and =0 (off), alternating which goes first, BENCH_PAIRS pairs
// (default 5): wall and CPU (user + sys) time, ratios, load.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { bundled } from './bundled.mjs';
import { median, report, timeInterleaved, writeResults } from './lib.mjs';

const here = bundled(import.meta.url);
const PART = process.env.BENCH_PART ?? 'kernels,e2e';
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const records = [];

if (PART.includes('kernels')) {
  const tf = await import('@tensorflow/tfjs-core');
  const { setupBackend } = await import('@interp/core');
  const { parallelKernels } = await import('../packages/core/src/kernels/parallel-kernel.ts');
  const { F2, F4H, winogradInputKernel, winogradOutputKernel } = await import(
    '../packages/core/src/kernels/winograd-simd.ts'
  );
  const RUNS = Number(process.env.BENCH_RUNS ?? 9);
  const BATCH = Number(process.env.BENCH_BATCH ?? 10);
  const info = await setupBackend('wasm', { threads: 2 });
  console.log(`wasm backend: ${info.threadCount} thread(s); load ${load()}`);
  const backend = tf.backend();
  const at = (t) => backend.getMemoryOffset(t.dataId);

  /** Times `run` with the switch on and off, interleaved, and checks `out` is the same bits. */
  async function compare(label, run, out) {
    const results = [true, false].map((enabled) => {
      parallelKernels.enabled = enabled;
      run();
      return out().slice();
    });
    const same = results[0].every((v, i) => Object.is(v, results[1][i]));
    const before = parallelKernels.helperChunks;
    const splitsBefore = parallelKernels.splits;
    const [on, off] = await timeInterleaved(
      [true, false].map((enabled) => () => {
        parallelKernels.enabled = enabled;
        run();
      }),
      { runs: RUNS, warmup: 2 },
    );
    // Process CPU (all threads) per call, each way, 2 x RUNS calls back to back.
    const cpu = [true, false].map((enabled) => {
      parallelKernels.enabled = enabled;
      const c0 = process.cpuUsage();
      for (let i = 0; i < 2 * RUNS; i++) run();
      const c1 = process.cpuUsage(c0);
      return (c1.user + c1.system) / 1000 / (2 * RUNS);
    });
    parallelKernels.enabled = true;
    const r = report(label, on, off, { baselineLabel: 'one thread' });
    const helper = parallelKernels.helperChunks - before;
    const splits = parallelKernels.splits - splitsBefore;
    console.log(
      `  bit-identical ${same}; helper chunks ${helper} of ${splits} split calls; CPU per call ${cpu[0].toFixed(2)} vs ${cpu[1].toFixed(2)} ms; load ${load()}`,
    );
    if (!same) throw new Error(`${label}: split and whole results differ`);
    records.push({ ...r, same, helperChunks: helper, splits, cpu, load: loadavg() });
  }

  const LAYERS = [
    [56, 64],
    [28, 128],
    [14, 256],
    [7, 512],
  ];
  for (const [tile, what] of [
    [F2, 'forward'],
    [F4H, 'input gradient'],
  ]) {
    for (const [size, channels] of LAYERS) {
      const tilesH = Math.ceil(size / tile.m);
      const tilesW = tilesH;
      const height = tilesH * tile.m + 2;
      const width = height;
      const tiles = BATCH * tilesH * tilesW;
      const t2 = tile.t * tile.t;
      const x = tf.randomNormal([BATCH, height, width, channels]);
      const planes = Array.from({ length: t2 }, () => tf.randomNormal([1, tiles, channels]));
      const table = tf.tensor1d(planes.map(at), 'int32');
      const bias = tf.randomNormal([channels]);
      const y = tf.zeros([BATCH, size, size, channels]);
      const shape = { tile, n: BATCH, tilesH, tilesW, channels };
      const input = winogradInputKernel(backend, { ...shape, height, width });
      const output = winogradOutputKernel(backend, {
        ...shape,
        height: size,
        width: size,
        bias: true,
        activation: 'relu',
      });
      const name = `${tile.name} ${what} ${BATCH}x${size}x${size}x${channels}`;
      await compare(
        `input transform ${name}`,
        () => input(at(table), at(x)),
        () => backend.typedArrayFromHeap(planes[t2 - 1]),
      );
      await compare(
        `output transform ${name}`,
        () => output(at(table), at(y), at(bias)),
        () => backend.typedArrayFromHeap(y),
      );
      tf.dispose([x, ...planes, table, bias, y]);
    }
  }
  // The hand-off: a call too small to pay, split anyway (minBytes 0) against whole.
  {
    const tile = F2;
    const [size, channels] = [8, 64];
    const tilesH = size / 2;
    const x = tf.randomNormal([2, size + 2, size + 2, channels]);
    const planes = Array.from({ length: 16 }, () => tf.zeros([1, 2 * tilesH * tilesH, channels]));
    const table = tf.tensor1d(planes.map(at), 'int32');
    const input = winogradInputKernel(backend, {
      tile,
      n: 2,
      tilesH,
      tilesW: tilesH,
      channels,
      height: size + 2,
      width: size + 2,
    });
    const minBytes = parallelKernels.minBytes;
    parallelKernels.minBytes = 0;
    const reps = 200;
    const [on, off] = await timeInterleaved(
      [true, false].map((enabled) => () => {
        parallelKernels.enabled = enabled;
        for (let i = 0; i < reps; i++) input(at(table), at(x));
      }),
      { runs: RUNS, warmup: 2 },
    );
    parallelKernels.minBytes = minBytes;
    parallelKernels.enabled = true;
    const perCall = (t) => ((t.median / reps) * 1000).toFixed(1);
    console.log(
      `hand-off: 2x8x8x64 F2 input transform (${4 * 64 * 2 * (100 + 16 * 16)} bytes) split ${perCall(on)} us vs whole ${perCall(off)} us per call; load ${load()}`,
    );
    records.push({
      label: 'hand-off per call (us)',
      split: on.median / reps,
      whole: off.median / reps,
    });
    tf.dispose([x, ...planes, table]);
  }
}

if (PART.includes('e2e')) {
  const DIR = process.env.BENCH_E2E_DIR ?? '/tmp/interp-e2e-ig';
  const PAIRS = Number(process.env.BENCH_PAIRS ?? 5);
  const cli = join(here, '..', 'apps', 'cli', 'dist', 'bin.js');
  const model = join(DIR, 'resnet18.onnx');
  if (!existsSync(model) || !existsSync(cli))
    throw new Error(`needs ${model} (bench/e2e-ig.bench.mjs makes it) and ${cli} (build the CLI)`);
  const args = [
    cli,
    'attribute',
    '--model',
    model,
    '--input',
    join(DIR, 'x.npy'),
    '--method',
    'ig',
    '--n-steps',
    '50',
    '--json',
    '--threads',
    '2',
  ];
  /** One whole process: wall and CPU seconds (from /usr/bin/time when present, else wall only). */
  function runOnce(on) {
    const env = { ...process.env };
    env.INTERP_PARALLEL_KERNELS = on ? '1' : '0';
    const t0 = performance.now();
    const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', process.execPath, ...args], {
      env,
      encoding: 'utf8',
      maxBuffer: 2 ** 28,
    });
    const wall = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`interp attribute failed: ${r.stderr.slice(-2000)}`);
    const [user, sys, rssKb] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
    return { wall, cpu: user + sys, rssMb: rssKb / 1024, out: r.stdout };
  }
  const runs = { on: [], off: [] };
  let reference;
  for (let p = 0; p < PAIRS; p++) {
    const order = p % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
    for (const which of order) {
      const r = runOnce(which === 'on');
      reference ??= r.out;
      runs[which].push(r);
      console.log(
        `pair ${p + 1} ${which}: wall ${r.wall.toFixed(2)} s, cpu ${r.cpu.toFixed(2)} s, max rss ${r.rssMb.toFixed(0)} MB, same output as the first run ${r.out === reference}; load ${load()}`,
      );
    }
  }
  for (const key of ['wall', 'cpu']) {
    const on = median(runs.on.map((r) => r[key]));
    const off = median(runs.off.map((r) => r[key]));
    const ratios = runs.on.map((r, i) => (r[key] / runs.off[i][key]).toFixed(3)).join(' ');
    console.log(
      `e2e ${key}: split ${on.toFixed(2)} s, one thread ${off.toFixed(2)} s, ratio ${(on / off).toFixed(3)}x (per pair ${ratios}); load ${load()}`,
    );
    records.push({ label: `e2e ${key}`, on, off, ratio: on / off, load: loadavg() });
  }
}

console.log(`results: ${writeResults('parallel-kernels', records)}`);
