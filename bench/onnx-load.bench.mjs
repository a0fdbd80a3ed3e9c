// loadOnnxModel's time in a fresh process (first touch of WASM memory included) for the current
// packages/onnx/dist against a snapshot's (cli-startup.bench.mjs snapshot DIR), alternating
// child processes, median of the runs, `uptime` load printed.
//
//   node bench/onnx-load.bench.mjs --base /tmp/cli-base [--runs 9] [--threads 1]
//        [--model /tmp/interp-e2e-ig/resnet18.onnx]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median, writeResults } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};

if (process.argv[2] === 'child') {
  const [, , , onnxDist, model, threads] = process.argv;
  const core = await import(pathToFileURL(join(repo, 'packages/core/dist/index.js')).href);
  await core.setupBackend('wasm', { threads: Number(threads) });
  const { loadOnnxModel } = await import(pathToFileURL(join(onnxDist, 'index.js')).href);
  const t0 = performance.now();
  const m = await loadOnnxModel(model);
  const ms = performance.now() - t0;
  m.dispose();
  console.log(JSON.stringify({ ms }));
  process.exit(0);
}

const base = arg('base');
const runs = Number(arg('runs', '9'));
const threads = arg('threads', '1');
const model = arg('model', '/tmp/interp-e2e-ig/resnet18.onnx');
const dists = {
  base: join(resolve(base), 'packages/onnx/dist'),
  ours: join(repo, 'packages/onnx/dist'),
};
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
const times = { base: [], ours: [] };
const loads = [load()];
for (let r = 0; r < runs; r++) {
  for (const arm of r % 2 === 0 ? ['base', 'ours'] : ['ours', 'base']) {
    const c = spawnSync(
      process.execPath,
      [fileURLToPath(import.meta.url), 'child', dists[arm], model, threads],
      {
        encoding: 'utf8',
      },
    );
    if (c.status !== 0) throw new Error(c.stderr);
    times[arm].push(JSON.parse(c.stdout.trim().split('\n').pop()).ms);
  }
  loads.push(load());
}
const [o, b] = [median(times.ours), median(times.base)];
console.log(
  `loadOnnxModel(${model}), ${threads} thread(s): ours ${o.toFixed(0)} ms, base ${b.toFixed(0)} ms, ratio ${(o / b).toFixed(2)}x (median of ${runs}); load ${loads.join(' ')}`,
);
writeResults('onnx-load', [
  { label: `loadOnnxModel ${threads}t`, oursMs: o, baselineMs: b, ratio: o / b, times, loads },
]);
