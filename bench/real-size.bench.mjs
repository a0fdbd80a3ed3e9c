// Attribution at real size: Saliency, Integrated Gradients (50 steps) and GradCAM on torchvision's
// ResNet-18 and MobileNetV2 (ONNX exports, seeded random weights), 224 x 224, 1 and 8 images, on
// wasm, against Captum 0.8 on PyTorch CPU with the same architectures (bench/captum-real-size.py,
// spawned in the same run; skipped with a message when python3/torch/captum are missing).
// Also nsfwjs's Keras MobileNetV2 (a LayersModel, NHWC: the tape-free input-gradient path) against
// torchvision's mobilenet_v2. Both sides use BENCH_THREADS threads (default 2: both cores).
// In-process warm and whole process (a fresh `python3` doing one call against `interp attribute
// --threads N`, the built CLI, on the model's file: since stop 29 also for the ONNX exports, whose
// whole-process runs were this file in a child mode that made the random weights in JS). Also the input gradient of
// MobileNetV2 against its forward pass (goal <= 2.5x). Each record carries the 1-minute load
// average when it was measured (the machine may be shared).
// Env: BENCH_N=1,8 (batch sizes), BENCH_MODELS (mobilenet_v2,resnet18,nsfwjs_mobilenet_v2),
// BENCH_IG8=1 (IG on 8 images too: minutes), BENCH_WHOLE=0 (no whole-process runs),
// BENCH_THREADS, BENCH_CAPTUM_IG_DEFAULT=1, PYTHON, CAPTUM_PATH.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GradCAM, IntegratedGradients, Saliency } from '@interp/attribution';
import { getBackendInfo, setupBackend, targetInputGradient } from '@interp/core';
import { loadOnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { modelWithRandomWeights } from '../packages/onnx/scripts/random-external-data.mjs';
import { report, time, timeInterleaved, writeResults } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const models = join(here, '..', 'packages', 'onnx', 'test-models');
// Each ONNX export with its seeded random weights as files, made once (see wholeProcessArgs).
const randomWeightModels = new Map();
const python = process.env.PYTHON ?? '/usr/bin/python3';
const captumPath = process.env.CAPTUM_PATH ?? '/tmp/captum';
const sizes = (process.env.BENCH_N ?? '1,8').split(',').map(Number);
const modelNames = (process.env.BENCH_MODELS ?? 'nsfwjs_mobilenet_v2,mobilenet_v2,resnet18').split(
  ',',
);
const threads = Number(process.env.BENCH_THREADS ?? 2);
const NSFWJS = 'nsfwjs_mobilenet_v2';
const cliBin = join(here, '..', 'apps', 'cli', 'dist', 'bin.js');
// Captum's default IG (all 50 steps in one batch) needs ~4 GB per image and is the slower setting
// here; BENCH_CAPTUM_IG_DEFAULT=1 times it too.
const captumIg = process.env.BENCH_CAPTUM_IG_DEFAULT ? ['ig', 'ig-ibs1'] : ['ig-ibs1'];
const STEPS = 50;

function inputData(n) {
  return Float32Array.from({ length: n * 3 * 224 * 224 }, (_, i) => Math.sin(i * 0.37));
}

/** The same values as Captum's x; NHWC for the Keras model. */
function input(n, name = '') {
  return tf.tensor(inputData(n), name === NSFWJS ? [n, 224, 224, 3] : [n, 3, 224, 224]);
}

/** nsfwjs's model.json (extracted into a cache by the repo's script). */
function nsfwjsPath() {
  const script = join(here, '..', 'scripts', 'extract-nsfwjs-models.mjs');
  const out = execFileSync(process.execPath, [script], { encoding: 'utf8' }).trim().split('\n');
  return out.find((p) => p.endsWith('/mobilenet_v2/model.json'));
}

async function loadModel(name) {
  if (name !== NSFWJS) {
    return loadOnnxModel(await modelWithRandomWeights(join(models, `${name}.onnx`), 1));
  }
  const { readFileSync } = await import('node:fs');
  const path = nsfwjsPath();
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const data = Buffer.concat(
    json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(path), p)))),
  );
  const weightData = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  return tfl.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }),
  );
}

/** Torchvision's architecture Captum runs for `name`. */
const peerName = (name) => (name === NSFWJS ? 'mobilenet_v2' : name);
const load1 = () => loadavg()[0];

function makeJob(model, job) {
  if (job === 'saliency') {
    const s = new Saliency(model);
    return (x) => s.attribute(x);
  }
  if (job === 'gradcam') {
    const c = new GradCAM(model);
    return (x) => c.attribute(x);
  }
  const ig = new IntegratedGradients(model);
  return (x) => ig.attribute(x, { nSteps: STEPS });
}

async function runOnce(fn, x) {
  const a = await fn(x);
  await a.data();
  a.dispose();
}

/** Captum's warm medians (ms) for `jobs`, or undefined (with a message) when it cannot run. */
function captum(name, n, jobs, once = false) {
  const args = [
    join(here, 'captum-real-size.py'),
    peerName(name),
    String(n),
    String(threads),
    ...(once ? ['--once'] : []),
    ...jobs,
  ];
  const t0 = performance.now();
  const r = spawnSync(python, args, {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: captumPath },
    maxBuffer: 1 << 24,
  });
  const wall = performance.now() - t0;
  if (r.status !== 0) {
    console.log(
      `captum peer skipped (${python}): ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`,
    );
    return undefined;
  }
  return { ...JSON.parse(r.stdout.trim().split('\n').pop()).warm, wall };
}

const ms = (v) => ({ median: v, min: v, max: v, runs: 1 });

await setupBackend('wasm', { threads });
console.log('backend', JSON.stringify(getBackendInfo()), 'load', loadavg().join(' '));
const records = [];
const gc = globalThis.gc ?? (() => {});

for (const name of modelNames) {
  const model = await loadModel(name);
  for (const n of sizes) {
    const x = input(n, name);
    const jobs = ['saliency', 'gradcam', ...(n === 1 || process.env.BENCH_IG8 ? ['ig'] : [])];
    const peer = captum(
      name,
      n,
      jobs.flatMap((j) => (j === 'ig' ? captumIg : [j])),
    );
    for (const job of jobs) {
      const fn = makeJob(model, job);
      const ours = await time(() => runOnce(fn, x), { runs: job === 'ig' ? 1 : 3, warmup: 1 });
      if (peer === undefined) {
        console.log(`${name} ${job} x${n}: ours ${ours.median.toFixed(0)} ms`);
        continue;
      }
      const theirs = job === 'ig' ? Math.min(peer.ig ?? Infinity, peer['ig-ibs1']) : peer[job];
      records.push({
        ...report(
          `${name} ${job} x${n} warm vs Captum (${threads} threads, faster setting)`,
          ours,
          ms(theirs),
          {
            goal: job === 'saliency' ? undefined : 1,
            baselineLabel: 'captum',
          },
        ),
        load1: load1(),
      });
    }
    x.dispose();
  }
  // Whole process, one image: a fresh node doing setup + load + one call vs a fresh python.
  for (const job of process.env.BENCH_WHOLE === '0' ? [] : ['saliency', 'gradcam', 'ig']) {
    const args = await wholeProcessArgs(name, job);
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const oursWall = performance.now() - t0;
    if (r.status !== 0) {
      console.log(`${name} ${job} whole process failed: ${r.stderr.trim().split('\n').pop()}`);
      continue;
    }
    const peer = captum(name, 1, [job === 'ig' ? 'ig-ibs1' : job], true);
    if (peer === undefined) continue;
    records.push({
      ...report(`${name} ${job} x1 whole process vs Captum`, ms(oursWall), ms(peer.wall), {
        goal: job === 'saliency' ? undefined : 1,
        baselineLabel: 'captum',
      }),
      load1: load1(),
    });
  }
  if (name === NSFWJS || name === 'mobilenet_v2') {
    // Input gradient of the top class vs the forward pass, one image, interleaved; both through
    // targetInputGradient, whose tape-free path is the LayersModel's own or the ONNX graph's.
    const x = input(1, name);
    const forward = async () => {
      const y = tf.tidy(() => model.predict(x));
      await y.data();
      y.dispose();
    };
    const gradient = async () => {
      const r = targetInputGradient(model, x, 0);
      const want = name === NSFWJS ? 'layers' : 'graph';
      if (r.method !== want) throw new Error(`${name}: input gradient took ${r.method}`);
      await r.gradient.data();
      tf.dispose([r.gradient, r.outputs]);
    };
    const [tg, tf1] = await timeInterleaved([gradient, forward], {
      runs: 5,
      warmup: 1,
      beforeEach: gc,
    });
    records.push({
      ...report(`${name} input gradient vs forward x1`, tg, tf1, {
        goal: 2.5,
        baselineLabel: 'forward',
      }),
      load1: load1(),
    });
    x.dispose();
  }
  model.dispose();
}
console.log('results', writeResults('real-size', records, { threads, cores: getBackendInfo() }));
// The threaded backend's workers keep the event loop alive.
process.exit(0);

/** A float32 .npy file (format 1.0): what `interp attribute --input` reads. */
function npy(data, shape) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')},), }`;
  header += `${' '.repeat(63 - ((10 + header.length) % 64))}\n`;
  const head = Buffer.alloc(10);
  Buffer.from('\x93NUMPY', 'latin1').copy(head);
  head[6] = 1;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer)]);
}

/**
 * A fresh process doing one call, as a user runs it: `interp attribute` (the built CLI) on the
 * model's file and a one-image .npy (NHWC for the LayersModel, NCHW for the ONNX exports). The
 * files are written before the clock starts: the ONNX exports' seeded random weights once per
 * model, as external data beside a copy of the graph (making them is not part of what a user's
 * process does).
 */
async function wholeProcessArgs(name, job) {
  const file = join(tmpdir(), `interp-real-size-${name}-x1.npy`);
  writeFileSync(file, npy(inputData(1), name === NSFWJS ? [1, 224, 224, 3] : [1, 3, 224, 224]));
  if (name !== NSFWJS && !randomWeightModels.has(name)) {
    randomWeightModels.set(name, await modelWithRandomWeights(join(models, `${name}.onnx`), 1));
  }
  const model = name === NSFWJS ? nsfwjsPath() : randomWeightModels.get(name);
  return [
    cliBin,
    'attribute',
    '--model',
    model,
    '--input',
    file,
    '--method',
    job,
    ...(job === 'ig' ? ['--n-steps', String(STEPS)] : []),
    '--threads',
    String(threads),
    '--json',
  ];
}
