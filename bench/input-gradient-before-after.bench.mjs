// MobileNetV2's input gradient against its forward pass, with the input-gradient kernels as they
// were at BENCH_BEFORE ('before') and as in the working tree ('after'), all in one process per
// thread count: the two kernel sets are swapped in tfjs's kernel registry between calls, so the
// forward, the gradient before and the gradient after are timed round-robin under the same load.
// Models (MODELS): onnx = torchvision's MobileNetV2 ONNX export (seeded random weights, 3 x 224 x
// 224; targetInputGradient's tape-free 'graph' path), layers = nsfwjs 4.3.0's Keras MobileNetV2
// LayersModel ('layers' path), graph = nsfwjs's MobileNetV2 GraphModel ('graph' path), at 1 and 8
// images, on 1 and 2 threads (a child process per thread count). Printed per case: medians of
// wall time and process CPU time (both threads; waiting for a core does not count, so it moves
// far less with a shared machine's load), the ratios gradient / forward before and after, after /
// before, and the largest difference between the two gradients relative to their largest value.
// The 'before' kernels are bundled (esbuild) from BENCH_FILES as at BENCH_BEFORE (git show) with
// everything else from the working tree; the script itself runs from the packages' sources.
//   BENCH_BEFORE=<commit> node bench/input-gradient-before-after.bench.mjs
// Env: BENCH_BEFORE (default HEAD)  BENCH_MODELS=onnx,layers,graph  BENCH_THREADS=1,2  BENCH_N=1,8
//      BENCH_RUNS=6 (timed rounds: each job opens a round as often, each gradient follows the other
//      as often; multiples of 6 keep that exact)  BENCH_FILES (comma-separated repo paths)
//      BENCH_KERNELS (comma-separated kernel configs swapped, from the kernels' files; see KERNELS)
//      BENCH_ONE_THREAD_KERNELS=1 (also time 'after' with parallel-kernel.ts's helper off; then
//      BENCH_RUNS a multiple of 8 keeps the order balanced)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEsbuild, SOURCE_BUNDLE } from './bundle-at.mjs';
import { bundled } from './bundled.mjs';
import { CHILD_OUT, runPerThreadCount } from './lib.mjs';
import { loadNsfwjsMobileNetV2, loadNsfwjsMobileNetV2Graph } from './nsfwjs-mobilenet-v2.mjs';

const here = bundled(import.meta.url);
const root = join(here, '..');
const self = fileURLToPath(import.meta.url);
const BEFORE = process.env.BENCH_BEFORE ?? 'HEAD';
const THREADS = (process.env.BENCH_THREADS ?? '1,2').split(',').map(Number);
const MODELS = (process.env.BENCH_MODELS ?? 'onnx,layers,graph').split(',');
const SIZES = (process.env.BENCH_N ?? '1,8').split(',').map(Number);
const RUNS = Math.max(6, Number(process.env.BENCH_RUNS ?? 6));
const ONE_THREAD_KERNELS = process.env.BENCH_ONE_THREAD_KERNELS === '1';
const FILES = (
  process.env.BENCH_FILES ??
  [
    'packages/core/src/kernels/depthwise-input-grad-simd.ts',
    'packages/core/src/kernels/depthwise-conv2d-native-backprop-input-wasm.ts',
    'packages/core/src/kernels/col2im-simd.ts',
    'packages/core/src/kernels/conv2d-backprop-input-wasm.ts',
    'packages/core/src/kernels/capped-relu-grad-simd.ts',
    'packages/core/src/kernels/capped-relu-grad-wasm.ts',
  ].join(',')
).split(',');
/** Kernel config exports swapped: `file:export`, from packages/core/src/kernels. */
const KERNELS = (
  process.env.BENCH_KERNELS ??
  [
    'depthwise-conv2d-native-backprop-input-wasm.ts:depthwiseConv2dNativeBackpropInputWasm',
    'conv2d-backprop-input-wasm.ts:conv2dBackpropInputWasm',
    'capped-relu-grad-wasm.ts:cappedReluGradWasm',
  ].join(',')
).split(',');
const load = () => loadavg()[0].toFixed(2);
/**
 * Modules whose state the 'before' kernels must share with the working tree's, by file name under
 * packages/core/src/kernels: derived-weight-cache's weight set and cache (a second copy knows no
 * weights, so its kernels re-derived flipped filters and XNNPACK re-packed them on every call:
 * 'before' measured ~0.8x 'after' in a null test with identical kernels) and parallel-kernel's
 * helper worker (one, not one per copy). The child puts the
 * bundle's own instances (the same as @interp/core's: one bundle, one path) on globalThis.
 */
const SHARED = ['derived-weight-cache', 'parallel-kernel'];
const SHARED_KEY = '__inputGradientBeforeAfterShared';

/** Bundles the KERNELS' configs with FILES as at BEFORE into one module; returns its path. */
async function bundleBeforeKernels() {
  const { build } = await loadEsbuild(root);
  const literal = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const kernels = join(root, 'packages', 'core', 'src', 'kernels');
  const entry = KERNELS.map((k, i) => {
    const [file, name] = k.split(':');
    return `export { ${name} as k${i} } from ${JSON.stringify(join(kernels, file))};`;
  }).join('\n');
  const outfile = join(here, 'node_modules', '.cache', 'before-after', 'kernels-before.mjs');
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    stdin: { contents: entry, resolveDir: kernels, loader: 'ts' },
    ...SOURCE_BUNDLE,
    outfile,
    plugins: [
      {
        name: 'shared-modules',
        setup(b) {
          const names = SHARED.join('|');
          b.onResolve({ filter: new RegExp(`/(${names})\\.js$`) }, (args) => ({
            path: args.path.replace(/^.*\//, '').replace(/\.js$/, ''),
            namespace: 'shared',
          }));
          b.onLoad({ filter: /.*/, namespace: 'shared' }, (args) => {
            const source = readFileSync(join(kernels, `${args.path}.ts`), 'utf8');
            const names = [...source.matchAll(/^export (?:function|const) (\w+)/gm)].map(
              (m) => m[1],
            );
            const m = `globalThis.${SHARED_KEY}[${JSON.stringify(args.path)}]`;
            return {
              contents: names.map((e) => `export const ${e} = ${m}.${e};`).join('\n'),
              loader: 'js',
            };
          });
        },
      },
      {
        name: 'files-at-commit',
        setup(b) {
          for (const file of FILES) {
            const path = join(root, file);
            let contents;
            try {
              contents = execFileSync('git', ['-C', root, 'show', `${BEFORE}:${file}`], {
                encoding: 'utf8',
                stdio: ['ignore', 'pipe', 'ignore'],
              });
            } catch {
              continue; // a file new since BEFORE: the working tree's
            }
            b.onLoad({ filter: new RegExp(`^${literal(path)}$`) }, () => ({
              contents,
              loader: 'ts',
              resolveDir: dirname(path),
            }));
          }
        },
      },
    ],
  });
  return outfile;
}

if (CHILD_OUT === undefined) {
  process.env.BENCH_BEFORE_KERNELS = await bundleBeforeKernels();
  console.log(
    `before: ${FILES.join(', ')} as at ${BEFORE}; after: the working tree; load ${load()}`,
  );
  console.log('results', runPerThreadCount(self, 'input-gradient-before-after', THREADS));
} else {
  const { setupBackend, getBackendInfo, targetInputGradient } = await import('@interp/core');
  const tf = await import('@tensorflow/tfjs-core');
  globalThis[SHARED_KEY] = {
    'derived-weight-cache': await import('../packages/core/src/kernels/derived-weight-cache.ts'),
    'parallel-kernel': await import('../packages/core/src/kernels/parallel-kernel.ts'),
  };
  const [threads] = THREADS;
  await setupBackend('wasm', { threads });
  console.log(`backend ${JSON.stringify(getBackendInfo())}, load ${load()}`);
  const before = Object.values(await import(process.env.BENCH_BEFORE_KERNELS));
  // The working tree's configs, read off the registry once an 'after' gradient has run (the
  // capped-ReLU kernel registers itself when first used).
  let after;
  const use = (set) => {
    for (const k of set) {
      if (tf.getKernel(k.kernelName, 'wasm') !== undefined)
        tf.unregisterKernel(k.kernelName, 'wasm');
      tf.registerKernel(k);
    }
  };
  const gc = globalThis.gc ?? (() => {});
  const records = [];
  for (const name of MODELS) {
    const { model, input, method, target, dispose } = await loadModel(name, tf);
    for (const n of SIZES) {
      const x = input(n);
      const forward = async () => {
        const y = model.predict(x);
        await y.data();
        return y;
      };
      const gradient = (which) => async () => {
        if (which === 'before') {
          after ??= before.flatMap((k) => {
            const config = tf.getKernel(k.kernelName, 'wasm');
            return config === undefined ? [] : [{ ...config }];
          });
          use(before);
        } else if (after !== undefined) use(after);
        const r = targetInputGradient(model, x, target(n));
        if (r.method !== method) throw new Error(`${name}: ran '${r.method}', not '${method}'`);
        await r.gradient.data();
        return [r.gradient, r.outputs];
      };
      const jobs = [gradient('before'), gradient('after'), forward];
      // 'after' with parallel-kernel.ts's helper off too (our kernels whole on the main thread).
      const { parallelKernels } = globalThis[SHARED_KEY]['parallel-kernel'];
      if (ONE_THREAD_KERNELS) {
        const afterGradient = jobs[1];
        jobs.push(async () => {
          parallelKernels.enabled = false;
          try {
            return await afterGradient();
          } finally {
            parallelKernels.enabled = true;
          }
        });
      }
      // Same numbers? (before vs after: the largest difference relative to the largest value)
      const ga = await jobs[1]();
      const gb = await jobs[0]();
      const [vb, va] = [await gb[0].data(), await ga[0].data()];
      let diff = 0;
      let largest = 0;
      for (let i = 0; i < vb.length; i++) {
        diff = Math.max(diff, Math.abs(vb[i] - va[i]));
        largest = Math.max(largest, Math.abs(vb[i]));
      }
      tf.dispose([gb, ga]);
      const wall = jobs.map(() => []);
      const cpu = jobs.map(() => []);
      const timed = jobs.map((fn, k) => async () => {
        gc();
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        tf.dispose(await fn());
        wall[k].push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu[k].push((c.user + c.system) / 1000);
      });
      for (let r = 0; r < 2; r++) for (const fn of timed) await fn(); // warm-up
      for (const xs of [...wall, ...cpu]) xs.length = 0;
      // Round-robin, the order rotated each round (the job opening a round measured slower), and
      // before -> after -> forward cycles alternate with after -> before -> forward ones: a
      // gradient run right after the other gradient reuses its freed heap blocks (warm pages), so
      // a fixed cycle favoured whichever came second (~0.8x in a null test of identical kernels).
      const order = jobs.map((_, k) => k);
      const swapped = [1, 0, ...order.slice(2)];
      for (let r = 0; r < RUNS; r++) {
        const cycle = r % 2 === 0 ? order : swapped;
        const shift = Math.floor(r / 2);
        for (let k = 0; k < cycle.length; k++) await timed[cycle[(k + shift) % cycle.length]]();
      }
      const [wb, wa, wf, wo] = wall.map(median);
      const [cb, ca, cf, co] = cpu.map(median);
      const label = `${name} MobileNetV2 x${n}, ${threads} thread(s)`;
      console.log(
        `${label}: wall forward ${wf.toFixed(1)} ms, gradient before ${wb.toFixed(1)} ms (${(wb / wf).toFixed(2)}x), after ${wa.toFixed(1)} ms (${(wa / wf).toFixed(2)}x); after/before ${(wa / wb).toFixed(3)}x; load ${load()}`,
      );
      console.log(
        `  CPU time: forward ${cf.toFixed(1)} ms, gradient before ${cb.toFixed(1)} ms (${(cb / cf).toFixed(2)}x), after ${ca.toFixed(1)} ms (${(ca / cf).toFixed(2)}x); after/before ${(ca / cb).toFixed(3)}x; max |after - before| / max |before| ${(diff / largest).toExponential(2)}`,
      );
      // The least of RUNS profiled calls (tf.profile's kernel times; the least disturbed call of a
      // shared machine): in all, and in the kernels the change is about.
      const least = async (fn) => {
        const best = new Map();
        for (let r = 0; r < RUNS; r++) {
          gc();
          const info = await tf.profile(async () => tf.dispose(await fn()));
          const sums = new Map([['all', 0]]);
          for (const k of info.kernels) {
            if (k.name.endsWith('__op')) continue;
            sums.set('all', sums.get('all') + k.kernelTimeMs);
            sums.set(k.name, (sums.get(k.name) ?? 0) + k.kernelTimeMs);
          }
          for (const [name, ms] of sums) best.set(name, Math.min(best.get(name) ?? ms, ms));
        }
        return best;
      };
      const [kb, ka, kf] = [await least(jobs[0]), await least(jobs[1]), await least(forward)];
      const names = ['all', ...before.map((k) => k.kernelName)];
      console.log(
        `  kernel ms (least of ${RUNS} profiled calls), before -> after: ${names
          .map((k) => `${k} ${(kb.get(k) ?? 0).toFixed(1)} -> ${(ka.get(k) ?? 0).toFixed(1)}`)
          .join(
            ', ',
          )}; forward all ${kf.get('all').toFixed(1)}: ratio ${(kb.get('all') / kf.get('all')).toFixed(2)}x -> ${(ka.get('all') / kf.get('all')).toFixed(2)}x; load ${load()}`,
      );
      if (ONE_THREAD_KERNELS) {
        console.log(
          `  after with our kernels on one thread (parallel kernels off): wall ${wo.toFixed(1)} ms (${(wo / wf).toFixed(2)}x), CPU ${co.toFixed(1)} ms (${(co / cf).toFixed(2)}x)`,
        );
      }
      records.push({
        model: name,
        n,
        threads,
        runs: RUNS,
        wall: { forward: wf, before: wb, after: wa, afterOneThreadKernels: wo },
        cpu: { forward: cf, before: cb, after: ca, afterOneThreadKernels: co },
        ratio: { before: wb / wf, after: wa / wf, cpuBefore: cb / cf, cpuAfter: ca / cf },
        relMaxDiff: diff / largest,
        leastKernelMs: {
          before: Object.fromEntries(kb),
          after: Object.fromEntries(ka),
          forward: kf.get('all'),
        },
        loadAvg1m: loadavg()[0],
      });
      use(after);
      x.dispose();
    }
    dispose();
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

/** Seeded pixels in [0, 1) (nsfwjs's input range), or sin(i * 0.37) for the ONNX export. */
function pixels(length, seeded) {
  if (!seeded) return Float32Array.from({ length }, (_, i) => Math.sin(i * 0.37));
  let s = 7;
  return Float32Array.from({ length }, () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  });
}

async function loadModel(name, tf) {
  if (name === 'onnx') {
    const { loadOnnxModel } = await import('@interp/onnx');
    const { modelWithRandomWeights } = await import(
      '../packages/onnx/scripts/random-external-data.mjs'
    );
    const file = join(root, 'packages', 'onnx', 'test-models', 'mobilenet_v2.onnx');
    const model = await loadOnnxModel(await modelWithRandomWeights(file, 1));
    return {
      model,
      input: (n) => tf.tensor(pixels(n * 3 * 224 * 224, false), [n, 3, 224, 224]),
      method: 'graph',
      target: () => 0,
      dispose: () => model.dispose(),
    };
  }
  if (name === 'layers') {
    const tfl = await import('@tensorflow/tfjs-layers');
    const model = await loadNsfwjsMobileNetV2(tf, tfl, here);
    return {
      model,
      input: (n) => tf.tensor(pixels(n * 224 * 224 * 3, false), [n, 224, 224, 3]),
      method: 'layers',
      target: () => 0,
      dispose: () => model.dispose(),
    };
  }
  if (name === 'graph') {
    const { loadGraphModel } = await import('@tensorflow/tfjs-converter');
    const model = await loadNsfwjsMobileNetV2Graph(tf, loadGraphModel, here);
    return {
      model,
      input: (n) => tf.tensor(pixels(n * 224 * 224 * 3, true), [n, 224, 224, 3]),
      method: 'graph',
      target: (n) => Array.from({ length: n }, (_, i) => i % 5),
      dispose: () => model.dispose(),
    };
  }
  throw new Error(`unknown model ${name} (onnx, layers, graph)`);
}
