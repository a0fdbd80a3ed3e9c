// ONNX models on tfjs (WASM) vs onnxruntime in the same run: forward of ResNet-18 and
// MobileNetV2 from torchvision (2 x 3 x 224 x 224, seeded random weights) against two baselines
// with the same number of threads: onnxruntime-web (onnxruntime's own WASM build, the peer the goal
// names: ours within 2x) and onnxruntime-node (native AVX2 kernels, printed as a reference only).
// Integrated Gradients (50 steps, tf.grad of the target logit over batches of interpolated inputs)
// against 50 of our forward passes (goal: within 3x). ort-web fixes its thread count at its first
// session, so each thread count runs in a child process of this one (BENCH_THREADS, default 1,2);
// setupBackend's reported thread count is printed and saved with the records, and our forward at
// 2 threads is compared with ours at 1 (is the threaded build using its threads?). BENCH_IG=0
// skips IG.
// The 1-minute load average is printed and saved with each record.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { modelWithRandomWeights } from '../packages/onnx/scripts/random-external-data.mjs';
import { bundled } from './bundled.mjs';
import { report, time, timeInterleaved, writeResults } from './lib.mjs';

// Runs from the packages' sources (see bundled.mjs); the children run the same bundle.
const here = bundled(import.meta.url);
const { getBackendInfo, setupBackend, targetInputGradient } = await import('@interp/core');
const { loadOnnxModel } = await import('@interp/onnx');

const self = fileURLToPath(import.meta.url);
const models = join(here, '..', 'packages', 'onnx', 'test-models');
const STEPS = 50;
/** Interpolated inputs per tf.grad call (memory: the tape keeps every activation of the chunk). */
const CHUNK = 10;
const dims = [2, 3, 224, 224];
const THREADS = (process.env.BENCH_THREADS ?? '1,2').split(',').map(Number);
const MODELS = (process.env.BENCH_MODELS ?? 'resnet18,mobilenet_v2').split(',');
const WITH_IG = process.env.BENCH_IG !== '0';
/** Set in a child: the file its records go to. */
const CHILD_OUT = process.env.BENCH_ONNX_CHILD_OUT;

const records = [];
const gc = globalThis.gc ?? (() => {});
const load = () => loadavg()[0].toFixed(2);
const withLoad = (record) => {
  record.loadAvg1m = loadavg()[0];
  records.push(record);
};

if (CHILD_OUT === undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'interp-onnx-bench-'));
  const backends = [];
  for (const threads of THREADS) {
    const out = join(dir, `${threads}.json`);
    const child = spawnSync(process.execPath, [...process.execArgv, self], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_THREADS: String(threads), BENCH_ONNX_CHILD_OUT: out },
    });
    if (child.status !== 0) throw new Error(`the ${threads}-thread run failed (${child.status})`);
    const result = JSON.parse(readFileSync(out, 'utf8'));
    records.push(...result.records);
    backends.push(result.backend);
  }
  // Does our threaded build use its threads? Our forward at each thread count against one thread.
  for (const name of MODELS) {
    const forward = (t) =>
      records.find(
        (r) => r.label.startsWith(`${name} forward`) && r.label.includes(`, ${t} thread`),
      );
    const one = forward(1);
    for (const t of THREADS.filter((n) => n > 1)) {
      const many = forward(t);
      if (!one || !many) continue;
      report(
        `${name} forward, ours ${t} threads vs ours 1 thread`,
        { median: many.oursMs },
        {
          median: one.oursMs,
        },
        { baselineLabel: 'ours-1t' },
      );
    }
  }
  console.log('results', writeResults('onnx', records, { backends }));
} else {
  const [threads] = THREADS;
  // Before the first session: ort-web reads it once per process.
  ortWeb.env.wasm.numThreads = threads;
  await setupBackend('wasm', { threads });
  const backend = getBackendInfo();
  console.log('backend', JSON.stringify(backend), 'load', load());
  for (const name of MODELS) {
    await benchModel(name, threads);
  }
  writeFileSync(CHILD_OUT, JSON.stringify({ backend, records }));
}
// The threaded backends' pthread workers would keep the process alive.
process.exit(0);

/**
 * Times each of `fns` in a block of runs, in the order 0..n-1 then n-1..0 (so a drift in machine
 * load hits all alike), and returns each one's median over both blocks. Not round-robin:
 * onnxruntime's pool threads spin for a while after each parallel section (its default, kept so it
 * runs at its best), and with 2 threads that spinning took a core from whichever ran next, all
 * three ~1.4x slower than alone.
 */
async function timeInBlocks(fns, { runs = 5, warmup = 2 } = {}) {
  const samples = fns.map(() => []);
  const order = [...fns.keys(), ...[...fns.keys()].reverse()];
  for (const k of order) {
    for (let r = 0; r < warmup + runs; r++) {
      gc();
      const t0 = performance.now();
      await fns[k]();
      if (r >= warmup) samples[k].push(performance.now() - t0);
    }
  }
  return samples.map((xs) => {
    xs.sort((a, b) => a - b);
    return { median: xs[Math.floor(xs.length / 2)], min: xs[0], max: xs.at(-1), runs: xs.length };
  });
}

async function benchModel(name, threads) {
  const path = await modelWithRandomWeights(join(models, `${name}.onnx`), 1);
  const model = await loadOnnxModel(path);
  const data = Float32Array.from({ length: 2 * 3 * 224 * 224 }, (_, i) => Math.sin(i * 0.37));
  const x = tf.tensor(data, dims);
  const session = await ort.InferenceSession.create(path, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  // ort-web does not read files next to the model by itself: its external data goes in by name.
  const webSession = await ortWeb.InferenceSession.create(path, {
    executionProviders: ['wasm'],
    externalData: [{ path: `${basename(path)}.data`, data: `${path}.data` }],
  });
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', data, dims) };
  const webFeeds = { [webSession.inputNames[0]]: new ortWeb.Tensor('float32', data, dims) };
  const ours = async () => {
    const y = tf.tidy(() => model.predict(x));
    await y.data();
    y.dispose();
  };
  const ortWebForward = async () => {
    await webSession.run(webFeeds);
  };
  const ortForward = async () => {
    await session.run(feeds);
  };
  const [tOurs, tWeb, tOrt] = await timeInBlocks([ours, ortWebForward, ortForward]);
  const label = `${name} forward 2x3x224x224, ${threads} thread(s)`;
  withLoad(
    report(`${label} vs onnxruntime-web (WASM) same`, tOurs, tWeb, {
      goal: 2,
      baselineLabel: `ort-web-${threads}t`,
    }),
  );
  withLoad(
    report(`${label} vs onnxruntime-node (native, reference)`, tOurs, tOrt, {
      baselineLabel: `ort-node-${threads}t`,
    }),
  );
  await webSession.release();
  if (!WITH_IG) {
    x.dispose();
    model.dispose();
    await session.release();
    return;
  }

  // IG of each image's predicted class, zero baseline, right Riemann sum over STEPS alphas.
  const targets = Array.from(await tf.tidy(() => tf.argMax(model.predict(x), -1)).data());
  // method 'tape': tf.grad through the graph (before); 'auto': the tape-free backward (after).
  const integratedGradients = async (images = 2, steps = STEPS, method = 'auto') => {
    const attributions = [];
    for (let b = 0; b < images; b++) {
      const image = tf.slice(x, [b, 0, 0, 0], [1, 3, 224, 224]);
      let total = tf.zerosLike(image);
      for (let start = 0; start < steps; start += CHUNK) {
        const next = tf.tidy(() => {
          const alphas = tf.reshape(tf.div(tf.range(start + 1, start + CHUNK + 1), STEPS), [
            CHUNK,
            1,
            1,
            1,
          ]);
          const batch = tf.mul(alphas, image);
          const { gradient } = targetInputGradient(model, batch, targets[b], { method });
          return tf.add(total, tf.sum(gradient, 0, true));
        });
        total.dispose();
        total = next;
      }
      attributions.push(tf.tidy(() => tf.mul(image, tf.div(total, STEPS))));
      image.dispose();
      total.dispose();
    }
    await attributions[images - 1].data();
    tf.dispose(attributions);
  };
  const fiftyForwards = async () => {
    for (let i = 0; i < STEPS; i++) await ours();
  };
  // Warm-up: the first grad allocates the backward kernels' buffers; one chunk is enough.
  await integratedGradients(1, CHUNK, 'tape');
  await integratedGradients(1, CHUNK, 'auto');
  const [tIg, tIgTape, tFifty] = await timeInterleaved(
    [() => integratedGradients(), () => integratedGradients(2, STEPS, 'tape'), fiftyForwards],
    {
      runs: 1,
      warmup: 0,
      beforeEach: gc,
    },
  );
  withLoad(
    report(`${name} IG 50 steps x 2 images, ${threads} thread(s) vs 50 forwards`, tIg, tFifty, {
      goal: 3,
      baselineLabel: '50 forwards',
    }),
  );
  withLoad(
    report(
      `${name} IG (tf.grad) 50 steps x 2 images, ${threads} thread(s) vs 50 forwards`,
      tIgTape,
      tFifty,
      {
        baselineLabel: '50 forwards',
      },
    ),
  );
  const loading = await time(async () => (await loadOnnxModel(path)).dispose(), {
    runs: 3,
    warmup: 1,
  });
  console.log(`${name} load: ${loading.median.toFixed(0)} ms; load average ${load()}`);
  x.dispose();
  model.dispose();
  await session.release();
}
