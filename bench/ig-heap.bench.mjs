// Memory of IG's chunks on the ONNX path (issue 13), the tape-free input gradient as of now
// ('current') against the same files at BENCH_BEFORE ('before', default 53dd745: every forward
// value held until the walk ended), everything else from the working tree. Two parts (BENCH_PART):
//  heap (default)  ResNet-18 / MobileNetV2 ONNX at 224 x 224: model.inputGradient on a chunk of
//                  each BENCH_ROWS rows, twice, one fresh child per chunk size and side (the WASM
//                  heap never shrinks). Per chunk: the WASM heap's byteLength after both calls,
//                  the peak of tf.memory().numBytes during the second call over the bytes live
//                  before it (sampled as each tensor is made), and the live bytes when the
//                  forward pass ended; per row: the slope between the smallest and largest sizes;
//                  current / before.
//  ig              IntegratedGradients (50 steps) on ResNet-18's two E2E_DIR images with fixed
//                  chunks of each BENCH_ROWS rows (internalBatchSize), one fresh child per side
//                  (under /usr/bin/time): peak WASM heap, IG's wall time, the whole process's
//                  wall, CPU, system time, max RSS and minor faults, interleaved BENCH_RUNS times.
//                  Fixed chunks keep the sides comparable (the CLI's throughput-sized chunks
//                  follow the load).
//  cli             whole processes of `interp attribute --method ig --n-steps 50 --json` on
//                  ResNet-18 (E2E_DIR's files, see e2e-ig.bench.mjs) with the CLI bundled both
//                  ways (bundle-at.mjs), BENCH_THREADS, interleaved BENCH_RUNS times (the order
//                  alternating): median wall, CPU (user + sys), system time, max RSS and minor
//                  faults (/usr/bin/time), current / before ratios, load.
//  (The two Winograd tile policies warm in one process: bench/winograd-tile-policy.bench.mjs.)
//   node bench/ig-heap.bench.mjs
// Env: BENCH_PART, BENCH_MODELS=resnet18,mobilenet_v2, BENCH_ROWS=1,6,10, BENCH_THREADS=2,
// BENCH_RUNS=5, BENCH_BEFORE=53dd745, BENCH_FILES (default: the tape-free gradient's files),
// BENCH_ENV_BEFORE, BENCH_ENV_CURRENT (see sideEnv)
// Measured (stop 29, BENCH_BEFORE=13d86c7, BENCH_FILES: core's winograd-conv.ts,
// winograd-conv-wasm.ts, derived-weight-cache.ts, conv2d-backprop-input-wasm.ts: Winograd
// temporaries freed once read, packed filters given back, F2 input gradients at 14x14 and 7x7),
// 2 threads, 5 interleaved pairs: cli (load 3.3-4.2) whole 23.70 vs 25.48 s (0.930x, faster in
// 5 of 5), CPU 0.933x, sys 0.879x, max RSS 633 vs 751 MB (0.843x), minor faults 172k vs 202k
// (0.849x); ig, 13 rows (load 5-8): max RSS 0.89x, minor faults 0.90x, walls load-bound.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesAtCommit, loadEsbuild, SOURCE_BUNDLE } from './bundle-at.mjs';
import { median, readNpyF32 } from './lib.mjs';

const MB = 2 ** 20;
const self = fileURLToPath(import.meta.url);
const PART = process.env.BENCH_PART ?? 'heap';
const MODELS = (process.env.BENCH_MODELS ?? 'resnet18,mobilenet_v2').split(',');
const ROWS = (process.env.BENCH_ROWS ?? '1,6,10').split(',').map(Number);
const THREADS = (process.env.BENCH_THREADS ?? '2').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BEFORE = process.env.BENCH_BEFORE ?? '53dd745';
const E2E_DIR = process.env.E2E_DIR ?? join(tmpdir(), 'interp-e2e-ig');
// The files of the change (BENCH_FILES, comma-separated): as at BENCH_BEFORE for 'before'.
const CHANGED = process.env.BENCH_FILES?.split(',').filter(Boolean) ?? [
  'packages/onnx/src/tape-free-gradient.ts',
  'packages/onnx/src/onnx-model.ts',
  'packages/onnx/src/ops/conv.ts',
  'packages/core/src/backward-walk.ts',
];
const load = () => loadavg()[0].toFixed(2);
// Extra environment per side's children ('ig' and 'cli' parts): BENCH_ENV_BEFORE /
// BENCH_ENV_CURRENT, comma-separated K=V (e.g. INTERP_WINOGRAD_TILE=F2/F4H%4): with BENCH_FILES
// empty both sides run the same code and differ only in it.
const sideEnv = (side) =>
  Object.fromEntries(
    (process.env[`BENCH_ENV_${side.toUpperCase()}`] ?? '')
      .split(',')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
const TIME_FORMAT = '%e %U %S %M %R';
/** /usr/bin/time's line (TIME_FORMAT, the last of `stderr`) as ms, MB and faults. */
function timed(stderr) {
  const [elapsed, user, sys, rssKB, faults] = stderr
    .trim()
    .split('\n')
    .at(-1)
    .split(' ')
    .map(Number);
  return {
    wallMs: elapsed * 1000,
    processCpuMs: (user + sys) * 1000,
    sysMs: sys * 1000,
    rssMB: rssKB / 1024,
    faults,
  };
}

/** Child: one IG of ResNet-18 on x.npy with fixed chunks of BENCH_CHILD_ROWS rows. */
async function igChild() {
  const tf = await import('@tensorflow/tfjs-core');
  const { setupBackend } = await import('@interp/core');
  const { loadOnnxModel } = await import('@interp/onnx');
  const { IntegratedGradients } = await import('@interp/attribution');
  await setupBackend('wasm', { threads: Number(process.env.BENCH_CHILD_THREADS) });
  const m = await loadOnnxModel(readFileSync(join(E2E_DIR, 'resnet18.onnx')));
  const x = tf.tensor(readNpyF32(join(E2E_DIR, 'x.npy')), [2, 3, 224, 224]);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const a = await new IntegratedGradients(m).attribute(x, {
    nSteps: 50,
    internalBatchSize: Number(process.env.BENCH_CHILD_ROWS),
  });
  let l1 = 0;
  for (const v of await a.data()) l1 += Math.abs(v);
  const cpu = process.cpuUsage(cpu0);
  console.log(
    JSON.stringify({
      heapMB: tf.backend().wasm.HEAPU8.buffer.byteLength / MB,
      igMs: performance.now() - t0,
      cpuMs: (cpu.user + cpu.system) / 1000,
      l1,
    }),
  );
}

async function heapChild() {
  const tf = await import('@tensorflow/tfjs-core');
  const { setupBackend } = await import('@interp/core');
  const { loadOnnxModel } = await import('@interp/onnx');
  const bench = process.env.BENCH_DIR;
  await setupBackend('wasm', { threads: Number(process.env.BENCH_CHILD_THREADS) });
  const model = process.env.BENCH_CHILD_MODEL;
  const rows = Number(process.env.BENCH_CHILD_ROWS);
  let m;
  if (model === 'resnet18') {
    m = await loadOnnxModel(readFileSync(join(E2E_DIR, 'resnet18.onnx')));
  } else {
    const { modelWithRandomWeights } = await import(
      '../packages/onnx/scripts/random-external-data.mjs'
    );
    const file = join(bench, '..', 'packages', 'onnx', 'test-models', `${model}.onnx`);
    m = await loadOnnxModel(await modelWithRandomWeights(file, 1));
  }
  const engine = tf.engine();
  const track = engine.trackTensor.bind(engine);
  let peak = 0;
  engine.trackTensor = (a, backend) => {
    track(a, backend);
    peak = Math.max(peak, engine.state.numBytes);
  };
  let forwardEnd = 0;
  const execute = m.execute.bind(m);
  m.execute = (...args) => {
    const r = execute(...args);
    forwardEnd = engine.state.numBytes;
    return r;
  };
  const x = tf.tensor(
    Float32Array.from({ length: rows * 3 * 224 * 224 }, (_, i) => Math.sin(i * 0.37)),
    [rows, 3, 224, 224],
  );
  const seed = (out) => tf.oneHot(tf.argMax(out, 1), out.shape[1]);
  let l1 = 0;
  for (let call = 0; call < 2; call++) {
    const before = engine.state.numBytes;
    peak = before;
    const r = m.inputGradient(x, seed);
    peak -= before;
    forwardEnd -= before;
    l1 = 0;
    for (const v of await r.gradient.data()) l1 += Math.abs(v);
    tf.dispose([r.outputs, r.gradient]);
  }
  console.log(
    JSON.stringify({
      heapMB: tf.backend().wasm.HEAPU8.buffer.byteLength / MB,
      peakMB: peak / MB,
      forwardEndMB: forwardEnd / MB,
      l1,
    }),
  );
}

/** Bundles `entry` (source conditions, tfjs and onnxruntime external) with CHANGED at `commit`. */
async function bundleAt(entry, outfile, commit) {
  const root = resolve(dirname(self), '..');
  const { build } = await loadEsbuild(root);
  const overlay = filesAtCommit(root, commit, CHANGED);
  await build({
    entryPoints: [entry],
    ...SOURCE_BUNDLE,
    outfile,
    plugins: [overlay],
  });
  return outfile;
}

if (process.env.BENCH_CHILD_IG) {
  await igChild();
  process.exit(0);
}
if (process.env.BENCH_CHILD_MODEL) {
  await heapChild();
  process.exit(0);
}
const here = dirname(self);
const cache = join(here, 'node_modules', '.cache');
const sides = ['before', 'current'];
if (PART === 'heap') {
  const bundles = {
    before: await bundleAt(self, join(cache, 'ig-heap-before.mjs'), BEFORE),
    current: await bundleAt(self, join(cache, 'ig-heap-current.mjs'), undefined),
  };
  for (const threads of THREADS) {
    for (const model of MODELS) {
      const got = { before: new Map(), current: new Map() };
      for (const rows of ROWS) {
        for (const side of sides) {
          const r = spawnSync(process.execPath, [bundles[side]], {
            cwd: here,
            env: {
              ...process.env,
              BENCH_DIR: here,
              BENCH_CHILD_MODEL: model,
              BENCH_CHILD_ROWS: String(rows),
              BENCH_CHILD_THREADS: String(threads),
            },
            encoding: 'utf8',
            maxBuffer: 1 << 30,
          });
          if (r.status !== 0) throw new Error(`child ${model} ${rows} failed:\n${r.stderr}`);
          const o = JSON.parse(r.stdout.trim().split('\n').at(-1));
          got[side].set(rows, o);
          console.log(
            `  ${model} ${rows} rows ${threads}t ${side}: heap ${o.heapMB.toFixed(0)} MB, peak live tensors ${o.peakMB.toFixed(1)} MB, at the forward's end ${o.forwardEndMB.toFixed(1)} MB; load ${load()}`,
          );
        }
        const [b, c] = sides.map((s) => got[s].get(rows));
        console.log(
          `${model} ${rows} rows ${threads}t current / before: heap ${c.heapMB.toFixed(0)} / ${b.heapMB.toFixed(0)} MB (${(c.heapMB / b.heapMB).toFixed(2)}x), peak live tensors ${c.peakMB.toFixed(1)} / ${b.peakMB.toFixed(1)} MB (${(c.peakMB / b.peakMB).toFixed(2)}x), gradient L1 ${c.l1 === b.l1 ? 'identical' : `differs by ${(Math.abs(c.l1 - b.l1) / b.l1).toExponential(1)}`}`,
        );
      }
      const [lo, hi] = [ROWS[0], ROWS.at(-1)];
      if (lo !== hi) {
        const slope = (side, f) => (f(got[side].get(hi)) - f(got[side].get(lo))) / (hi - lo);
        const cells = ['heapMB', 'peakMB'].map((k) => {
          const [b, c] = sides.map((s) => slope(s, (o) => o[k]));
          return `${k === 'heapMB' ? 'heap' : 'peak live tensors'} ${c.toFixed(1)} / ${b.toFixed(1)} MB (${(c / b).toFixed(2)}x)`;
        });
        console.log(
          `${model} ${threads}t per row (${lo} to ${hi} rows) current / before: ${cells.join(', ')}; load ${load()}`,
        );
      }
    }
  }
} else if (PART === 'ig') {
  const bundles = {
    before: await bundleAt(self, join(cache, 'ig-heap-before.mjs'), BEFORE),
    current: await bundleAt(self, join(cache, 'ig-heap-current.mjs'), undefined),
  };
  for (const threads of THREADS) {
    for (const rows of ROWS) {
      const samples = { before: [], current: [] };
      for (let run = 0; run < RUNS; run++) {
        for (const side of run % 2 ? [...sides].reverse() : sides) {
          const r = spawnSync(
            '/usr/bin/time',
            ['-f', TIME_FORMAT, process.execPath, bundles[side]],
            {
              cwd: here,
              env: {
                ...process.env,
                BENCH_DIR: here,
                ...sideEnv(side),
                BENCH_CHILD_IG: '1',
                BENCH_CHILD_ROWS: String(rows),
                BENCH_CHILD_THREADS: String(threads),
              },
              encoding: 'utf8',
              maxBuffer: 1 << 30,
            },
          );
          if (r.status !== 0) throw new Error(`child ig ${rows} failed:\n${r.stderr}`);
          const o = { ...JSON.parse(r.stdout.trim().split('\n').at(-1)), ...timed(r.stderr) };
          samples[side].push(o);
          console.log(
            `  resnet18 IG ${rows} rows ${threads}t ${side}: heap ${o.heapMB.toFixed(0)} MB, IG ${(o.igMs / 1000).toFixed(2)} s; whole process ${(o.wallMs / 1000).toFixed(2)} s, CPU ${(o.processCpuMs / 1000).toFixed(2)} s (sys ${(o.sysMs / 1000).toFixed(2)}), max RSS ${o.rssMB.toFixed(0)} MB, minor faults ${o.faults}; load ${load()}`,
          );
        }
      }
      const med = (side, k) => median(samples[side].map((o) => o[k]));
      const [b, c] = sides.map((s) => samples[s][0]);
      const cell = (k, unit, scale = 1, digits = 2) =>
        `${(med('current', k) / scale).toFixed(digits)} / ${(med('before', k) / scale).toFixed(digits)}${unit} (${(med('current', k) / med('before', k)).toFixed(3)}x)`;
      console.log(
        `resnet18 IG ${rows} rows ${threads}t current / before (median of ${RUNS}): heap ${cell('heapMB', ' MB', 1, 0)}, IG ${cell('igMs', ' s', 1000)}; whole process ${cell('wallMs', ' s', 1000)}, CPU ${cell('processCpuMs', ' s', 1000)}, sys ${cell('sysMs', ' s', 1000)}, max RSS ${cell('rssMB', ' MB', 1, 0)}, minor faults ${cell('faults', 'k', 1000, 1)}; attributions ${c.l1 === b.l1 ? 'identical' : 'differ'} (L1); load ${load()}`,
      );
    }
  }
} else {
  const bundles = {
    before: await bundleAt(
      join(here, '..', 'apps', 'cli', 'src', 'bin.ts'),
      join(cache, 'ig-heap-cli-before.mjs'),
      BEFORE,
    ),
    current: await bundleAt(
      join(here, '..', 'apps', 'cli', 'src', 'bin.ts'),
      join(cache, 'ig-heap-cli-current.mjs'),
      undefined,
    ),
  };
  for (const threads of THREADS) {
    const samples = { before: [], current: [] };
    for (let run = 0; run < RUNS; run++) {
      for (const side of run % 2 ? [...sides].reverse() : sides) {
        const t0 = performance.now();
        const r = spawnSync(
          '/usr/bin/time',
          [
            '-f',
            TIME_FORMAT,
            process.execPath,
            bundles[side],
            'attribute',
            '--model',
            join(E2E_DIR, 'resnet18.onnx'),
            '--input',
            join(E2E_DIR, 'x.npy'),
            '--method',
            'ig',
            '--n-steps',
            '50',
            '--json',
            '--threads',
            String(threads),
          ],
          { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, ...sideEnv(side) } },
        );
        const wallMs = performance.now() - t0;
        if (r.status !== 0) throw new Error(`cli ${side} failed:\n${r.stderr}`);
        const t = timed(r.stderr);
        const s = { ...t, cpuMs: t.processCpuMs, spawnMs: wallMs, out: r.stdout };
        samples[side].push(s);
        console.log(
          `  resnet18 IG ${threads}t ${side}: whole ${(s.wallMs / 1000).toFixed(2)} s, CPU ${(s.cpuMs / 1000).toFixed(2)} s (sys ${(s.sysMs / 1000).toFixed(2)}), max RSS ${s.rssMB.toFixed(0)} MB, minor faults ${s.faults}; load ${load()}`,
        );
      }
    }
    const sum = (side, k) => median(samples[side].map((s) => s[k]));
    const same = samples.before[0].out === samples.current[0].out;
    const cell = (k, unit, scale = 1, digits = 2) =>
      `${(sum('current', k) / scale).toFixed(digits)} / ${(sum('before', k) / scale).toFixed(digits)}${unit} (${(sum('current', k) / sum('before', k)).toFixed(3)}x)`;
    console.log(
      `resnet18 IG ${threads}t current / before (median of ${RUNS}): whole ${cell('wallMs', ' s', 1000)}, CPU ${cell('cpuMs', ' s', 1000)}, sys ${cell('sysMs', ' s', 1000)}, max RSS ${cell('rssMB', ' MB', 1, 0)}, minor faults ${cell('faults', '', 1000, 1)}k; JSON ${same ? 'identical' : 'differs'}; load ${load()}`,
    );
  }
}
