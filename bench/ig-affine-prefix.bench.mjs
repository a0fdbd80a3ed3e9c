// Integrated Gradients through the model's affine prefix (brief s29-A): whole processes of
// `interp attribute --model M --input X --method ig --n-steps 50 --json --threads T` (the built
// CLI) with the prefix on (default) and off (INTERP_AFFINE_PREFIX=0: every path point through
// the whole model, as before), interleaved pairs in alternating order. Prints the medians of wall
// time, CPU (user + sys of the child, /usr/bin/time) and max RSS per side, their ratios, the load
// average, and each side's attributions against Captum's (ResNet-18: E2E_DIR's captum-ig.npy,
// made by e2e-ig.bench.mjs; float32), against Captum's IG of the same model in float64
// (captum-ig-f64.npy, made here once if missing: ~1 min of Python on 1 thread) and against each
// other.
// Models (BENCH_MODELS): resnet18 (E2E_DIR's resnet18.onnx and x.npy), mobilenet_v2
// (packages/onnx/test-models with seeded random weights, 2 seeded 224 x 224 images; no Captum
// reference, on vs off only).
// BENCH_PART=inprocess: the same IG (ResNet-18, internalBatchSize BENCH_ROWS) in one process
// through the built packages, the prefix switched on and off between runs (affinePrefixes),
// BENCH_PAIRS pairs: wall and process CPU of IG alone, for a loaded machine where whole
// processes vary by more than the difference.
// Env: BENCH_PART=whole|inprocess, BENCH_MODELS=resnet18,mobilenet_v2, BENCH_PAIRS=5,
// BENCH_ON=1|all (the on side: IG's default minMacsPerOutput, or any prefix: MobileNetV2's),
// BENCH_THREADS=2, BENCH_ROWS=24, E2E_DIR, E2E_CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelWithRandomWeights } from '../packages/onnx/scripts/random-external-data.mjs';
import { median, readNpyF32, relMaxDiff, writeResults } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const cli = process.env.E2E_CLI ?? join(here, '..', 'apps', 'cli', 'dist', 'bin.js');
const dir = process.env.E2E_DIR ?? join(tmpdir(), 'interp-e2e-ig');
const MODELS = (process.env.BENCH_MODELS ?? 'resnet18,mobilenet_v2').split(',');
const PAIRS = Number(process.env.BENCH_PAIRS ?? 5);
const THREADS = process.env.BENCH_THREADS ?? '2';
// The "on" side's INTERP_AFFINE_PREFIX: 1 (the default threshold) or all (any prefix).
const ON = process.env.BENCH_ON ?? '1';
const load = () => loadavg()[0];

if (!existsSync(cli)) throw new Error(`${cli} is missing: build the CLI first`);

/** Captum's IG (50 steps, zero baseline, predicted classes) on the model in float64, as float32. */
const F64_SCRIPT = `
import sys, numpy as np, torch, torchvision
from captum.attr import IntegratedGradients
torch.set_num_threads(1)
out = sys.argv[1]
model = torchvision.models.resnet18(weights=None).eval()
model.load_state_dict(torch.load(f"{out}/resnet18.pt"))
model = model.double()
x = torch.from_numpy(np.load(f"{out}/x.npy")).double()
with torch.no_grad():
    targets = model(x).argmax(1)
a = IntegratedGradients(model).attribute(
    x, baselines=torch.zeros_like(x), target=targets, n_steps=50, internal_batch_size=10
)
np.save(f"{out}/captum-ig-f64.npy", a.detach().numpy().astype(np.float32))
`;

function float64Reference() {
  const file = join(dir, 'captum-ig-f64.npy');
  if (!existsSync(file)) {
    const env = { ...process.env, PYTHONPATH: process.env.CAPTUM ?? '/tmp/captum' };
    const r = spawnSync('/usr/bin/python3', ['-c', F64_SCRIPT, dir], { env, encoding: 'utf8' });
    if (r.status !== 0) {
      console.log(`no float64 reference: ${r.stderr.trim().split('\n').pop()}`);
      return undefined;
    }
  }
  return file;
}

/** A float32 C-order .npy of `shape` with seeded values in [-2, 2). */
function writeNpy(file, shape, seed) {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = (s / 2 ** 32) * 4 - 2;
  }
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  header = `${header.padEnd(117, ' ')}\n`;
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
  head.writeUInt16LE(header.length, 8);
  writeFileSync(
    file,
    Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer)]),
  );
}

async function setup(name) {
  if (name === 'resnet18') {
    const model = join(dir, 'resnet18.onnx');
    if (!existsSync(model)) throw new Error(`${model} is missing: run bench/e2e-ig.bench.mjs once`);
    return {
      model,
      input: join(dir, 'x.npy'),
      captum: join(dir, 'captum-ig.npy'),
      float64: float64Reference(),
    };
  }
  if (name === 'mobilenet_v2') {
    const model = await modelWithRandomWeights(
      join(here, '..', 'packages', 'onnx', 'test-models', 'mobilenet_v2.onnx'),
      1,
    );
    const input = join(dirname(model), 'x.npy');
    writeNpy(input, [2, 3, 224, 224], 7);
    return { model, input, captum: undefined, float64: undefined };
  }
  throw new Error(`unknown model ${name}`);
}

/** One whole process; wall (ms), CPU (s), max RSS (MB) and the attributions. */
function runOnce({ model, input }, prefix) {
  const timeFile = join(tmpdir(), `ig-affine-prefix-time-${process.pid}.txt`);
  const args = ['-f', '%U %S %M', '-o', timeFile, process.execPath, cli, 'attribute'];
  args.push('--model', model, '--input', input, '--method', 'ig', '--n-steps', '50');
  args.push('--json', '--threads', THREADS);
  const env = { ...process.env, INTERP_AFFINE_PREFIX: prefix ? ON : '0' };
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', args, { env, maxBuffer: 1 << 30, encoding: 'utf8' });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`interp attribute failed:\n${r.stderr}`);
  const [user, sys, rssKb] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ');
  rmSync(timeFile, { force: true });
  const attributions = Float32Array.from(JSON.parse(r.stdout).attributions.flat(4));
  return { wall, cpu: Number(user) + Number(sys), rss: Number(rssKb) / 1024, attributions };
}

/** IG in this process, prefix on and off in alternating order (BENCH_PART=inprocess). */
async function inProcess() {
  const packages = join(here, '..', 'packages');
  const { setupBackend } = await import(join(packages, 'core', 'dist', 'index.js'));
  const { loadOnnxModel } = await import(join(packages, 'onnx', 'dist', 'index.js'));
  const { IntegratedGradients } = await import(join(packages, 'attribution', 'dist', 'index.js'));
  const { affinePrefixes } = await import(
    join(packages, 'attribution', 'dist', 'internal', 'path-gradient-sum.js')
  );
  const tf = await import('@tensorflow/tfjs-core');
  await setupBackend('wasm', { threads: Number(THREADS) });
  const rows = Number(process.env.BENCH_ROWS ?? 24);
  const model = await loadOnnxModel(join(dir, 'resnet18.onnx'));
  const x = tf.tensor(readNpyF32(join(dir, 'x.npy')), [2, 3, 224, 224]);
  const ig = new IntegratedGradients(model);
  const once = async (on) => {
    affinePrefixes.enabled = on;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const a = await ig.attribute(x, { target: [238, 238], nSteps: 50, internalBatchSize: rows });
    await a.data();
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    a.dispose();
    return { wall, cpu: (cpu.user + cpu.system) / 1e6 };
  };
  await once(true);
  await once(false);
  const runs = { on: [], off: [] };
  for (let p = 0; p < PAIRS; p++) {
    for (const side of p % 2 === 0 ? ['on', 'off'] : ['off', 'on']) {
      const r = await once(side === 'on');
      runs[side].push(r);
      console.log(
        `inprocess pair ${p + 1} prefix ${side}: IG ${(r.wall / 1000).toFixed(2)} s, CPU ${r.cpu.toFixed(2)} s, load ${load().toFixed(2)}`,
      );
    }
  }
  const med = (side, key) => median(runs[side].map((r) => r[key]));
  const pairRatios = runs.on.map((r, i) => r.wall / runs.off[i].wall);
  const record = {
    label: `resnet18 IG 50 steps x 2 images in process, ${rows} rows per chunk, ${THREADS} thread(s): affine prefix on vs off`,
    wallOnMs: med('on', 'wall'),
    wallOffMs: med('off', 'wall'),
    wallRatio: med('on', 'wall') / med('off', 'wall'),
    medianPairWallRatio: median(pairRatios),
    cpuOnS: med('on', 'cpu'),
    cpuOffS: med('off', 'cpu'),
    cpuRatio: med('on', 'cpu') / med('off', 'cpu'),
    load: load(),
  };
  console.log(
    `${record.label}: IG ${(record.wallOnMs / 1000).toFixed(2)} vs ${(record.wallOffMs / 1000).toFixed(2)} s (${record.wallRatio.toFixed(3)}x; median of pair ratios ${record.medianPairWallRatio.toFixed(3)}), CPU ${record.cpuOnS.toFixed(2)} vs ${record.cpuOffS.toFixed(2)} s (${record.cpuRatio.toFixed(3)}x), load ${record.load.toFixed(2)}`,
  );
  x.dispose();
  model.dispose();
  return record;
}

const records = [];
if (process.env.BENCH_PART === 'inprocess') {
  records.push(await inProcess());
  console.log('results', writeResults('ig-affine-prefix-inprocess', records, { threads: THREADS }));
  process.exit(0);
}
for (const name of MODELS) {
  const files = await setup(name);
  const runs = { on: [], off: [] };
  const loads = [];
  for (let p = 0; p < PAIRS; p++) {
    const order = p % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
    for (const side of order) {
      const r = runOnce(files, side === 'on');
      runs[side].push(r);
      loads.push(load());
      console.log(
        `${name} pair ${p + 1} prefix ${side}: wall ${(r.wall / 1000).toFixed(2)} s, CPU ${r.cpu.toFixed(2)} s, RSS ${r.rss.toFixed(0)} MB, load ${load().toFixed(2)}`,
      );
    }
  }
  const med = (side, key) => median(runs[side].map((r) => r[key]));
  const captum = files.captum && existsSync(files.captum) ? readNpyF32(files.captum) : undefined;
  const accuracy = (side) => (captum ? relMaxDiff(runs[side][0].attributions, captum) : undefined);
  const exact = files.float64 ? readNpyF32(files.float64) : undefined;
  const error = (side) => (exact ? relMaxDiff(runs[side][0].attributions, exact) : undefined);
  const record = {
    label: `${name} IG 50 steps x 2 images, whole process, ${THREADS} thread(s): affine prefix on (INTERP_AFFINE_PREFIX=${ON}) vs off`,
    pairs: PAIRS,
    wallOnMs: med('on', 'wall'),
    wallOffMs: med('off', 'wall'),
    wallRatio: med('on', 'wall') / med('off', 'wall'),
    cpuOnS: med('on', 'cpu'),
    cpuOffS: med('off', 'cpu'),
    cpuRatio: med('on', 'cpu') / med('off', 'cpu'),
    rssOnMb: med('on', 'rss'),
    rssOffMb: med('off', 'rss'),
    onVsOff: relMaxDiff(runs.on[0].attributions, runs.off[0].attributions),
    onVsCaptum: accuracy('on'),
    offVsCaptum: accuracy('off'),
    onVsFloat64: error('on'),
    offVsFloat64: error('off'),
    captumVsFloat64: captum && exact ? relMaxDiff(captum, exact) : undefined,
    loadMin: Math.min(...loads),
    loadMax: Math.max(...loads),
  };
  records.push(record);
  console.log(
    `${record.label}: wall ${(record.wallOnMs / 1000).toFixed(2)} vs ${(record.wallOffMs / 1000).toFixed(2)} s (${record.wallRatio.toFixed(3)}x), CPU ${record.cpuOnS.toFixed(2)} vs ${record.cpuOffS.toFixed(2)} s (${record.cpuRatio.toFixed(3)}x), RSS ${record.rssOnMb.toFixed(0)} vs ${record.rssOffMb.toFixed(0)} MB; on vs off ${record.onVsOff.toExponential(2)}${captum ? `; max |ours - captum| / max |captum|: on ${record.onVsCaptum.toExponential(2)}, off ${record.offVsCaptum.toExponential(2)}` : ''}${exact ? `; against Captum in float64: on ${record.onVsFloat64.toExponential(2)}, off ${record.offVsFloat64.toExponential(2)}, Captum float32 ${record.captumVsFloat64?.toExponential(2)}` : ''}; load ${record.loadMin.toFixed(2)}-${record.loadMax.toFixed(2)}`,
  );
}
console.log('results', writeResults('ig-affine-prefix', records, { cli, threads: THREADS }));
