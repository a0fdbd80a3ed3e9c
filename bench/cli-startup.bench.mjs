// Whole-process `interp attribute` timings: the current build (apps/cli/dist, packages/onnx/dist)
// against a snapshot of an earlier build, interleaved in the same run (base, ours, ours, base, ...),
// median of the runs, `uptime` load printed beside the figures. Checks that both print the same
// stdout.
//
//   node bench/cli-startup.bench.mjs snapshot /tmp/cli-base     # copy the current builds
//   ...change, rebuild...
//   node bench/cli-startup.bench.mjs --base /tmp/cli-base [--runs 5] [--cases saliency-2,ig-1]
//        [--model /tmp/interp-e2e-ig/resnet18.onnx --input /tmp/interp-e2e-ig/x.npy]
//        [--args "--threads 2"]    (extra arguments for both arms; cases name their own)
//        [--ours DIR]              (another snapshot instead of the current build)
//
// A case is <method>-<threads> (threads 1, 2, auto, or `default` for no --threads); IG runs its
// 50 default steps. A snapshot holds copies of apps/cli and packages/onnx (package.json and dist)
// whose node_modules link to the live packages, so the base arm runs the old CLI and ONNX loader
// over the same core, attribution and tfjs.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, writeResults } from './lib.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SNAPSHOT = ['apps/cli', 'packages/onnx'];

function snapshot(dir) {
  rmSync(dir, { recursive: true, force: true });
  for (const pkg of SNAPSHOT) {
    const from = join(repo, pkg);
    const to = join(dir, pkg);
    mkdirSync(join(to, 'node_modules'), { recursive: true });
    cpSync(join(from, 'package.json'), join(to, 'package.json'));
    cpSync(join(from, 'dist'), join(to, 'dist'), { recursive: true });
    for (const entry of readdirSync(join(from, 'node_modules'))) {
      if (entry.startsWith('.')) continue;
      if (entry !== '@interp') {
        symlinkSync(join(from, 'node_modules', entry), join(to, 'node_modules', entry));
        continue;
      }
      mkdirSync(join(to, 'node_modules/@interp'));
      for (const name of readdirSync(join(from, 'node_modules/@interp'))) {
        const copied = join(dir, 'packages', name);
        const target = SNAPSHOT.includes(`packages/${name}`)
          ? copied
          : join(repo, 'packages', name);
        symlinkSync(target, join(to, 'node_modules/@interp', name));
      }
    }
  }
  console.log(`snapshot of ${SNAPSHOT.join(', ')} in ${dir}`);
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
}

function load() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
}

function runOnce(bin, argv) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, ...argv], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${bin} ${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

function bench() {
  const baseDir = arg('base');
  if (!baseDir || !existsSync(join(baseDir, 'apps/cli/dist/bin.js'))) {
    throw new Error('--base DIR: a snapshot made with `snapshot DIR`');
  }
  const runs = Number(arg('runs', '5'));
  const model = arg('model', '/tmp/interp-e2e-ig/resnet18.onnx');
  const input = arg('input', '/tmp/interp-e2e-ig/x.npy');
  const extra = (arg('args', '') ?? '').split(' ').filter(Boolean);
  const cases = arg('cases', 'saliency-2,saliency-1').split(',');
  const bins = {
    base: join(baseDir, 'apps/cli/dist/bin.js'),
    ours: join(resolve(arg('ours', repo)), 'apps/cli/dist/bin.js'),
  };
  const records = [];
  for (const c of cases) {
    const [method, threads] = c.split('-');
    const argv = ['attribute', '--model', model, '--input', input, '--method', method, '--json'];
    if (threads !== 'default') argv.push('--threads', threads);
    argv.push(...extra);
    const times = { base: [], ours: [] };
    const loads = [];
    let same = true;
    for (let r = 0; r < runs; r++) {
      loads.push(load());
      const order = r % 2 === 0 ? ['base', 'ours'] : ['ours', 'base'];
      const out = {};
      for (const arm of order) {
        const { ms, stdout } = runOnce(bins[arm], argv);
        times[arm].push(ms);
        out[arm] = stdout;
      }
      same &&= out.base === out.ours;
    }
    loads.push(load());
    const [b, o] = [median(times.base), median(times.ours)];
    console.log(
      `${c}: ours ${o.toFixed(0)} ms, base ${b.toFixed(0)} ms, ratio ${(o / b).toFixed(3)}x ` +
        `(median of ${runs}; ours ${times.ours.map((t) => t.toFixed(0)).join(' ')}; base ` +
        `${times.base.map((t) => t.toFixed(0)).join(' ')}); stdout ${same ? 'identical' : 'DIFFERS'}; ` +
        `load ${loads.join(' ')}`,
    );
    records.push({ label: c, oursMs: o, baselineMs: b, ratio: o / b, same, loads, times });
  }
  writeResults('cli-startup', records, { model, input, extra, base: baseDir, ours: bins.ours });
}

if (process.argv[2] === 'snapshot') snapshot(resolve(process.argv[3]));
else bench();
