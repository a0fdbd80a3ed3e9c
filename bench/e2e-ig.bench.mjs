// End to end, whole processes: `interp attribute --model resnet18.onnx --method ig` (50 steps,
// the built CLI, WASM) on 2 images vs Captum's IntegratedGradients (50 steps, batches of 10) on
// the same torchvision ResNet-18 in a Python process (Debian's /usr/bin/python3 with torch,
// Captum from /tmp/captum), with torch on 1 thread and on 2. Setup (untimed, once): seeded random
// weights and images, exported by e2e-ig-captum.py. Every run's attributions are compared with
// Captum's. Needs the CLI built (apps/cli/dist). Env: E2E_DIR (work folder), CAPTUM (Captum's
// source), E2E_CLI (another interp entry point to time instead, e.g. a bundle of an earlier build
// for a before/after comparison in one run).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpyF32, writeResults } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const cli = process.env.E2E_CLI ?? join(here, '..', 'apps', 'cli', 'dist', 'bin.js');
const python = '/usr/bin/python3';
const script = join(here, 'e2e-ig-captum.py');
const dir = process.env.E2E_DIR ?? join(tmpdir(), 'interp-e2e-ig');
const pythonEnv = { ...process.env, PYTHONPATH: process.env.CAPTUM ?? '/tmp/captum' };

/** Runs a command to completion; its wall time in ms and stdout. Fails loudly on a non-zero exit. */
function run(command, args, env = process.env) {
  const t0 = performance.now();
  const r = spawnSync(command, args, { env, maxBuffer: 1 << 30, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${r.stderr}`);
  return { ms, stdout: r.stdout };
}

if (!existsSync(join(dir, 'resnet18.onnx'))) {
  mkdirSync(dir, { recursive: true });
  run(python, [script, 'setup', dir], pythonEnv);
}
if (!existsSync(cli)) throw new Error(`${cli} is missing: build the CLI first`);
const help = run(process.execPath, [cli, 'attribute', '--help']).stdout;
const threadFlag = help.includes('--threads') ? ['--threads', '2'] : [];

const args = [
  cli,
  'attribute',
  '--model',
  join(dir, 'resnet18.onnx'),
  '--input',
  join(dir, 'x.npy'),
];
const records = [];
const load = () => loadavg()[0];
// Both thread counts write the same --json (its cost is part of the whole process).
const ourRuns = [];
for (const [label, flags] of [
  // --threads 1 explicitly: without the flag the CLI picks every core for work this large.
  ['1 WASM thread', threadFlag.length > 0 ? ['--threads', '1'] : []],
  ...(threadFlag.length > 0 ? [['2 WASM threads', threadFlag]] : []),
]) {
  const r = run(process.execPath, [
    ...args,
    '--method',
    'ig',
    '--n-steps',
    '50',
    '--json',
    ...flags,
  ]);
  const attributions = JSON.parse(r.stdout).attributions.flat(4);
  console.log(
    `ours (interp attribute, ${label}): ${(r.ms / 1000).toFixed(1)} s, load ${load().toFixed(2)}`,
  );
  ourRuns.push({ label, ms: r.ms, attributions });
}
if (threadFlag.length === 0) {
  console.log('interp attribute has no --threads yet: ours runs on 1 WASM thread only');
}
for (const threads of [1, 2]) {
  const captum = run(python, [script, 'captum', dir, String(threads)], pythonEnv);
  const theirs = readNpyF32(join(dir, 'captum-ig.npy'));
  console.log(
    `captum (torch ${threads} thread(s)): ${(captum.ms / 1000).toFixed(1)} s, load ${load().toFixed(2)}; ${captum.stdout.trim()}`,
  );
  for (const mine of ourRuns) {
    let maxAbs = 0;
    let maxDiff = 0;
    for (let i = 0; i < theirs.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(theirs[i]));
      maxDiff = Math.max(maxDiff, Math.abs(theirs[i] - mine.attributions[i]));
    }
    const ratio = mine.ms / captum.ms;
    console.log(
      `e2e IG ResNet-18 x 2 images, ours ${mine.label} vs captum ${threads} thread(s): ratio ${ratio.toFixed(2)}x; max |ours - captum| / max |captum| = ${(maxDiff / maxAbs).toExponential(2)}`,
    );
    records.push({
      label: `e2e IG 50 steps ResNet-18 x 2, interp attribute ${mine.label} vs captum torch ${threads}t`,
      oursMs: mine.ms,
      baselineMs: captum.ms,
      baselineLabel: `captum-${threads}t`,
      ratio,
      maxRelDiff: maxDiff / maxAbs,
      loadAvg1m: load(),
    });
  }
}
console.log('results', writeResults('e2e-ig', records, { cli }));
