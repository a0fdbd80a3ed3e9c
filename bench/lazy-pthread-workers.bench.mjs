// Start-up of the threaded WASM build in Node with only the pthread workers XNNPACK runs on booted
// (core's lazyPthreadWorkers, on by default) against tfjs's own 8 workers (the flag off), each in
// fresh processes, the two ways interleaved (eager, lazy, lazy, eager, ...), median of the runs,
// `uptime` load printed beside the figures:
// - `setupBackend('wasm', { threads })`: its wall time and the process's CPU time during it (every
//   thread's, workers included), and the real Node workers booted (counted by wrapping
//   worker_threads.Worker);
// - the whole `interp attribute --method saliency --json --threads 2` process (built CLI), wall and
//   CPU, with both ways' stdout compared.
//
//   node bench/lazy-pthread-workers.bench.mjs [--runs 7] [--threads 2] [--parts setup,cli]
//        [--model /tmp/interp-e2e-ig/resnet18.onnx --input /tmp/interp-e2e-ig/x.npy]
//
// Both ways run the same built core (packages/core/dist): a preload module sets the flag from
// BENCH_LAZY before anything else imports core, and writes the process's CPU time at exit.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median, writeResults } from './lib.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const flagModule = pathToFileURL(join(repo, 'packages/core/dist/lazy-pthread-workers.js')).href;
const coreModule = pathToFileURL(join(repo, 'packages/core/dist/index.js')).href;

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
}
const runs = Number(arg('runs', '7'));
const threads = Number(arg('threads', '2'));
const parts = arg('parts', 'setup,cli').split(',');
const model = arg('model', '/tmp/interp-e2e-ig/resnet18.onnx');
const input = arg('input', '/tmp/interp-e2e-ig/x.npy');

const dir = mkdtempSync(join(tmpdir(), 'lazy-pthread-bench-'));
// Same module URL as core's own import of it, so the flag set here is the one setupBackend reads.
const preload = join(dir, 'preload.mjs');
writeFileSync(
  preload,
  `import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { lazyPthreadWorkers } from ${JSON.stringify(flagModule)};
lazyPthreadWorkers.enabled = process.env.BENCH_LAZY === '1';
const workerThreads = createRequire(import.meta.url)('node:worker_threads');
globalThis.__booted = 0;
workerThreads.Worker = class extends workerThreads.Worker {
  constructor(...args) { super(...args); globalThis.__booted++; }
};
process.on('exit', () => {
  const c = process.cpuUsage();
  writeFileSync(process.env.BENCH_OUT, JSON.stringify({ ...globalThis.__bench, booted: globalThis.__booted, cpuMs: (c.user + c.system) / 1000 }));
});
`,
);
const setupScript = join(dir, 'setup.mjs');
writeFileSync(
  setupScript,
  `import { setupBackend } from ${JSON.stringify(coreModule)};
const c0 = process.cpuUsage();
const t0 = performance.now();
const info = await setupBackend('wasm', { threads: ${threads} });
const wallMs = performance.now() - t0;
const c = process.cpuUsage(c0);
if (info.threadCount !== ${threads}) throw new Error('threadCount ' + info.threadCount);
globalThis.__bench = { setupWallMs: wallMs, setupCpuMs: (c.user + c.system) / 1000 };
process.exit(0);
`,
);

function load() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
}

function runOnce(lazy, argv) {
  const out = join(dir, 'out.json');
  rmSync(out, { force: true });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(preload).href, ...argv], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { ...process.env, BENCH_LAZY: lazy ? '1' : '0', BENCH_OUT: out },
    timeout: 300_000,
  });
  const wallMs = performance.now() - t0;
  if (r.status !== 0)
    throw new Error(`${argv.join(' ')} exited ${r.status} ${r.signal}: ${r.stderr}`);
  return { wallMs, stdout: r.stdout, ...JSON.parse(readFileSync(out, 'utf8')) };
}

const fmt = (xs) => xs.map((t) => t.toFixed(0)).join(' ');

function compare(label, argv, metrics) {
  const samples = { eager: [], lazy: [] };
  const loads = [];
  let same = true;
  for (let r = 0; r < runs; r++) {
    loads.push(load());
    const order = r % 2 === 0 ? [false, true] : [true, false];
    const out = {};
    for (const lazy of order) {
      const s = runOnce(lazy, argv);
      samples[lazy ? 'lazy' : 'eager'].push(s);
      out[lazy] = s.stdout;
    }
    same &&= out.true === out.false;
  }
  loads.push(load());
  const booted = (arm) => [...new Set(samples[arm].map((s) => s.booted))].join('/');
  console.log(
    `${label} (median of ${runs}; workers booted: lazy ${booted('lazy')}, eager ${booted('eager')}; ` +
      `stdout ${same ? 'identical' : 'DIFFERS'}; load ${loads.join(' ')})`,
  );
  const record = {
    label,
    runs,
    loads,
    same,
    booted: { lazy: booted('lazy'), eager: booted('eager') },
  };
  for (const m of metrics) {
    const [l, e] = ['lazy', 'eager'].map((arm) => samples[arm].map((s) => s[m]));
    const ratio = median(l) / median(e);
    // Each run's two ways ran back to back: their ratio is less swayed by load that drifts.
    const paired = median(l.map((x, i) => x / e[i]));
    console.log(
      `  ${m}: lazy ${median(l).toFixed(0)} ms, eager ${median(e).toFixed(0)} ms, ratio ${ratio.toFixed(3)}x, ` +
        `median paired ratio ${paired.toFixed(3)}x (lazy ${fmt(l)}; eager ${fmt(e)})`,
    );
    record[m] = { lazyMs: median(l), eagerMs: median(e), ratio, paired, lazy: l, eager: e };
  }
  return record;
}

const records = [];
try {
  if (parts.includes('setup')) {
    records.push(
      compare(
        `setupBackend('wasm', { threads: ${threads} }), fresh process`,
        [setupScript],
        ['setupWallMs', 'setupCpuMs', 'wallMs', 'cpuMs'],
      ),
    );
  }
  if (parts.includes('cli')) {
    const bin = join(repo, 'apps/cli/dist/bin.js');
    const argv = [bin, 'attribute', '--model', model, '--input', input, '--method', 'saliency'];
    argv.push('--json', '--threads', String(threads));
    records.push(
      compare(`interp attribute --method saliency --threads ${threads}, whole process`, argv, [
        'wallMs',
        'cpuMs',
      ]),
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
writeResults('lazy-pthread-workers', records, { threads, model, input });
