// Winograd's forward tile: F(2x2,3x3) (F2, the default) against F(4x4,3x3) on 0, ±1, 1/2, -2
// (F4H) in forwards (Conv2D, FusedConv2D); the stride-1 input gradient is F4H in both. Each
// setting is a `winogradTilePolicy` spec (BENCH_TILES, default `F2/F4H,F4H/F4H,F4H%4/F4H`; the
// first is the baseline); `xnnpack` = no Winograd (XNNPACK's direct float32 convs, for scale).
//
// BENCH_PART=whole: whole-process `interp attribute --method ig --n-steps 50 --json` (built CLI)
// on e2e-ig.bench.mjs's ResNet-18 (E2E_DIR, default /tmp/interp-e2e-ig) at --threads
// BENCH_THREADS (default 2), the settings interleaved over BENCH_RUNS rounds (default 5): median
// wall and CPU (user + sys of the child) time, ratio to the first setting, and
// max |ours - captum| / max |captum| against DIR/captum-ig.npy.
//
// BENCH_PART=warm (default): in one process (packages' sources, bundled), for each model
// directory in BENCH_DIRS (default /tmp/interp-e2e-ig:resnet18; bench/winograd-deep-nets.py
// makes /tmp/interp-deep-resnet34:resnet34 and /tmp/interp-deep-vgg11gap:vgg11gap with `setup`,
// `captum` and `ref`), per setting: logits, saliency (the raw input gradient of the float64
// prediction) and GradCAM (last spatial map, no ReLU, not upsampled: Captum's LayerGradCam) of
// 8 seeded images, each as max |ours - ref| / max |ref| (and the relative L2 error) against the float64 torch references
// (DIR/*8-f64.npy); IG (2 images, 50 steps, Captum's defaults) against DIR/captum-ig.npy; then
// warm timings interleaved over the settings (medians of BENCH_RUNS, default 5; wall and process
// CPU) of the jobs in BENCH_TIMED (gradcamX1,gradcamX8,igX2: the default for the first directory;
// none for the others).
// BENCH_PART=convs: each ResNet-18 3x3 stride-1 forward conv shape alone (batch BENCH_BATCH,
// default 10), Winograd forced, the settings' forward tiles interleaved (medians of 2 x BENCH_RUNS).
// BENCH_ERRORS=0 skips the errors (timings only). BENCH_ERROR_ONLY (default xnnpack): settings whose errors (not IG's) are printed, not timed.
// Threads: BENCH_THREADS (default 2).
//   node bench/winograd-forward-tile.bench.mjs
//
// Measured (stop 28, load 5-17: CPU time is the steadier figure; F2 = F2/F4H, the default):
//   whole-process IG, ResNet-18 x2, 1 thread:  F4H CPU 0.95x, wall 1.09x; F4H%4 CPU 0.98x, wall 1.00x
//   whole-process IG, 2 threads:               F4H CPU 1.09x, wall 0.99x (32.0 vs 34.9 s CPU)
//   IG vs Captum, ResNet-18:  F2 1.35e-3, F4H 1.70e-3, F4H%4 1.18e-3 (direct float32 2.0e-3)
//   IG vs Captum, ResNet-34:  1.10e-3 for F2, F4H and F4H%4
//   vs float64, ResNet-18 (F2 / F4H / F4H%4 / xnnpack): logits 1.1e-6 / 9.7e-7 / 9.7e-7 / 8.9e-7,
//     saliency 5.0e-4 / 1.7e-2 / 1.7e-2 / 1.7e-2, GradCAM 7.6e-7 / 1.5e-6 / 1.1e-6 / 1.1e-6
//   vs float64, ResNet-34: logits 9.5e-7 / 1.7e-6 / 1.1e-6 / 1.2e-6, saliency 2.3e-2 / 3.3e-2 /
//     3.3e-2 / 1.6e-2, GradCAM 8.8e-7 / 1.9e-6 / 1.3e-6 / 1.7e-6
//   GradCAM CPU, 1 thread x1 / x8: F4H 1.05x / 0.93x, F4H%4 0.97x / 0.86x; 2 threads: F4H
//     1.40x / 1.08x, F4H%4 1.15x / 1.03x
//   one forward conv, 1 thread, batch 10, F4H CPU: 56x56x64 0.70x, 28x28x128 0.66x, 14x14x256
//     0.92x, 7x7x512 1.23x (2 threads at load 15: not readable)
//   BENCH_PART=whole BENCH_THREADS=1 node bench/winograd-forward-tile.bench.mjs
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { bundled } from './bundled.mjs';
import { median, readNpyF32, relMaxDiff, writeResults } from './lib.mjs';

const PART = process.env.BENCH_PART ?? 'warm';
const TILES = (process.env.BENCH_TILES ?? 'F2/F4H,F4H/F4H,F4H%4/F4H').split(',').filter(Boolean);
// Settings whose errors are printed but which are not timed (default xnnpack: the direct conv).
const ERROR_ONLY = (process.env.BENCH_ERROR_ONLY ?? 'xnnpack').split(',').filter(Boolean);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const THREADS = Number(process.env.BENCH_THREADS ?? 2);
const load = () => loadavg()[0].toFixed(2);
/** ||a - ref|| / ||ref|| (L2). */
function relL2(a, ref) {
  let d = 0;
  let s = 0;
  for (let i = 0; i < ref.length; i++) {
    d += (a[i] - ref[i]) ** 2;
    s += ref[i] ** 2;
  }
  return Math.sqrt(d / s);
}
/** Both errors of `a` against `ref`. */
const errors = (a, ref) => ({ max: relMaxDiff(a, ref), l2: relL2(a, ref) });
const fmt = ({ max, l2 }) => `${max.toExponential(2)} (L2 ${l2.toExponential(1)})`;

if (PART === 'whole') {
  const here = dirname(new URL(import.meta.url).pathname);
  const cli = join(here, '..', 'apps', 'cli', 'dist', 'bin.js');
  const dir = process.env.E2E_DIR ?? '/tmp/interp-e2e-ig';
  const theirs = readNpyF32(join(dir, 'captum-ig.npy'));
  /** The reaped children's user + sys CPU seconds (/proc/self/stat cutime, cstime). */
  const childCpu = () => {
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(f[13]) + Number(f[14])) / 100;
  };
  const runOnce = (tile) => {
    const env = { ...process.env };
    delete env.INTERP_WINOGRAD;
    delete env.INTERP_WINOGRAD_TILE;
    if (tile === 'xnnpack') env.INTERP_WINOGRAD = '0';
    else env.INTERP_WINOGRAD_TILE = tile;
    const args = [cli, 'attribute', '--model', join(dir, 'resnet18.onnx'), '--input'];
    args.push(join(dir, 'x.npy'), '--method', 'ig', '--n-steps', '50', '--json');
    args.push('--threads', String(THREADS));
    const [c0, t0] = [childCpu(), performance.now()];
    const r = spawnSync(process.execPath, args, { env, maxBuffer: 1 << 30, encoding: 'utf8' });
    const [s, cpu] = [(performance.now() - t0) / 1000, childCpu() - c0];
    if (r.status !== 0) throw new Error(`${tile}: interp attribute failed:\n${r.stderr}`);
    return { s, cpu, err: relMaxDiff(JSON.parse(r.stdout).attributions.flat(4), theirs) };
  };
  const samples = new Map(TILES.map((t) => [t, []]));
  for (let round = 0; round < RUNS; round++) {
    for (const tile of TILES) {
      const r = runOnce(tile);
      samples.get(tile).push(r);
      console.log(
        `round ${round} ${tile}: ${r.s.toFixed(1)} s, CPU ${r.cpu.toFixed(1)} s, err ${r.err.toExponential(2)}, load ${load()}`,
      );
    }
  }
  const [baseS, baseCpu] = ['s', 'cpu'].map((k) => median(samples.get(TILES[0]).map((r) => r[k])));
  const records = TILES.map((tile) => {
    const [s, cpu] = ['s', 'cpu'].map((k) => median(samples.get(tile).map((r) => r[k])));
    const err = Math.max(...samples.get(tile).map((r) => r.err));
    const wins = samples.get(tile).filter((r, i) => r.s < samples.get(TILES[0])[i].s).length;
    console.log(
      `${tile}: wall ${s.toFixed(1)} s (${(s / baseS).toFixed(2)}x, faster in ${wins}/${RUNS} rounds), CPU ${cpu.toFixed(1)} s (${(cpu / baseCpu).toFixed(2)}x), IG vs Captum ${err.toExponential(2)}`,
    );
    return {
      label: `whole-process IG ResNet-18 x2, 50 steps, ${THREADS} thread(s), tile ${tile}`,
      oursMs: s * 1000,
      baselineMs: baseS * 1000,
      baselineLabel: TILES[0],
      ratio: s / baseS,
      cpuRatio: cpu / baseCpu,
      maxRelDiff: err,
      loadAvg1m: loadavg()[0],
    };
  });
  console.log('results', writeResults(`winograd-forward-tile-whole-${THREADS}t`, records));
  process.exit(0);
}

bundled(import.meta.url);
const { GradCAM, IntegratedGradients } = await import('@interp/attribution');
const { setupBackend, targetInputGradient } = await import('@interp/core');
const { loadOnnxModel } = await import('@interp/onnx');
const tf = await import('@tensorflow/tfjs-core');
const { winogradConvPath, winogradTilePolicy } = await import(
  '../packages/core/src/kernels/winograd-conv-wasm.ts'
);
await setupBackend('wasm', { threads: THREADS });
console.log(`threads ${THREADS}, load ${load()}`);

const use = (tile) => {
  winogradConvPath.force = tile === 'xnnpack' ? 'xnnpack' : undefined;
  if (tile !== 'xnnpack') winogradConvPath.tile = winogradTilePolicy(tile);
};
if (PART === 'convs') {
  // One forward conv per ResNet-18 3x3 stride-1 shape (NHWC, same padding, batch BENCH_BATCH,
  // default 10: an IG chunk), Winograd forced, each setting's forward tile, interleaved.
  const batch = Number(process.env.BENCH_BATCH ?? 10);
  for (const [size, ch] of [
    [56, 64],
    [28, 128],
    [14, 256],
    [7, 512],
  ]) {
    const x = tf.randomNormal([batch, size, size, ch]);
    const w = tf.variable(tf.randomNormal([3, 3, ch, ch], 0, 0.05));
    const wall = TILES.map(() => []);
    const cpu = TILES.map(() => []);
    for (let r = 0; r < 2 * RUNS + 2; r++) {
      for (const [k, tile] of TILES.entries()) {
        use(tile);
        winogradConvPath.force = 'winograd';
        const [t0, c0] = [performance.now(), process.cpuUsage()];
        const y = tf.conv2d(x, w, 1, 'same');
        await y.data();
        const c = process.cpuUsage(c0);
        y.dispose();
        if (r < 2) continue;
        wall[k].push(performance.now() - t0);
        cpu[k].push((c.user + c.system) / 1000);
      }
    }
    const [w0, c0] = [median(wall[0]), median(cpu[0])];
    const line = TILES.map((tile, k) => {
      const [wm, cm] = [median(wall[k]), median(cpu[k])];
      return `${tile} ${wm.toFixed(1)} ms (${(wm / w0).toFixed(2)}x), CPU ${(cm / c0).toFixed(2)}x`;
    });
    console.log(`conv ${batch}x${size}x${size}x${ch}: ${line.join('; ')}; load ${load()}`);
    tf.dispose([x, w]);
  }
  winogradConvPath.force = undefined;
  process.exit(0);
}
const dirs = (process.env.BENCH_DIRS ?? '/tmp/interp-e2e-ig:resnet18').split(',');
const records = [];
for (const [index, entry] of dirs.entries()) {
  const [dir, arch] = entry.split(':');
  const npy = (name) => readNpyF32(join(dir, name));
  const model = await loadOnnxModel(join(dir, `${arch}.onnx`));
  const x8 = tf.tensor(npy('x8.npy'), [8, 3, 224, 224]);
  const x2 = tf.tensor(npy('x.npy'), [2, 3, 224, 224]);
  const ref = { logits: npy('logits8-f64.npy'), saliency: npy('saliency8-f64.npy') };
  ref.gradcam = npy('gradcam8-f64.npy');
  const captumIg = npy('captum-ig.npy');
  const targets = [];
  for (let i = 0; i < 8; i++) {
    const row = ref.logits.subarray(i * 1000, (i + 1) * 1000);
    targets.push(row.indexOf(Math.max(...row)));
  }
  const ig = new IntegratedGradients(model);
  const cam = new GradCAM(model);
  const camOpts = { relu: false, upsample: false };
  const x1 = tf.slice(x8, [0, 0, 0, 0], [1, 3, 224, 224]);
  const jobs = {
    gradcamX1: () => cam.attribute(x1, { ...camOpts, target: targets.slice(0, 1) }),
    gradcamX8: () => cam.attribute(x8, { ...camOpts, target: targets }),
    igX2: () => ig.attribute(x2, { nSteps: 50 }),
  };
  const errorPass = process.env.BENCH_ERRORS === '0' ? [] : [...TILES, ...ERROR_ONLY];
  for (const tile of errorPass) {
    use(tile);
    const logits = tf.tidy(() => model.predict(x8));
    const { gradient, outputs } = targetInputGradient(model, x8, targets);
    const map = await jobs.gradcamX8();
    const withIg = !ERROR_ONLY.includes(tile);
    const attributions = withIg ? await jobs.igX2() : tf.zeros([2, 3, 224, 224]);
    const e = {
      logits: errors(await logits.data(), ref.logits),
      saliency: errors(await gradient.data(), ref.saliency),
      gradcam: errors(await map.data(), ref.gradcam),
      ig: withIg ? errors(await attributions.data(), captumIg) : { max: NaN, l2: NaN },
    };
    tf.dispose([logits, gradient, outputs, map, attributions]);
    console.log(
      `${arch} ${tile}: vs float64 logits ${fmt(e.logits)}, saliency ${fmt(e.saliency)}, GradCAM ${fmt(e.gradcam)}; IG vs Captum ${fmt(e.ig)}; load ${load()}`,
    );
    records.push({ label: `${arch} ${tile} errors`, ...e });
  }
  const timed = (process.env.BENCH_TIMED ?? (index === 0 ? Object.keys(jobs).join(',') : ''))
    .split(',')
    .filter(Boolean);
  for (const job of timed) {
    const runs = job === 'igX2' ? RUNS : 2 * RUNS + 1;
    const wall = TILES.map(() => []);
    const cpu = TILES.map(() => []);
    for (let r = 0; r < runs + 1; r++) {
      for (const [k, tile] of TILES.entries()) {
        use(tile);
        globalThis.gc?.();
        const [t0, c0] = [performance.now(), process.cpuUsage()];
        tf.dispose(await jobs[job]());
        const c = process.cpuUsage(c0);
        if (r === 0) continue; // warm-up round
        wall[k].push(performance.now() - t0);
        cpu[k].push((c.user + c.system) / 1000);
      }
    }
    const [w0, c0] = [median(wall[0]), median(cpu[0])];
    const line = TILES.map((tile, k) => {
      const [w, c] = [median(wall[k]), median(cpu[k])];
      records.push({
        label: `${arch} ${job} ${THREADS}t tile ${tile}`,
        oursMs: w,
        baselineMs: w0,
        baselineLabel: TILES[0],
        ratio: w / w0,
        cpuMs: c,
        cpuRatio: c / c0,
        loadAvg1m: loadavg()[0],
      });
      return `${tile} ${w.toFixed(0)} ms (${(w / w0).toFixed(2)}x), CPU ${c.toFixed(0)} ms (${(c / c0).toFixed(2)}x)`;
    });
    console.log(`${arch} ${job} ${THREADS}t: ${line.join('; ')}; load ${load()}`);
  }
  tf.dispose([x1, x8, x2]);
  model.dispose();
}
console.log(`tensors left: ${tf.memory().numTensors}`);
console.log('results', writeResults(`winograd-forward-tile-warm-${THREADS}t`, records));
// The WASM backend's pthread workers keep Node alive at 2 threads.
process.exit(0);
