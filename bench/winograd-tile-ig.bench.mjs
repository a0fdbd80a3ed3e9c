// Winograd tile choices end to end: whole-process `interp attribute --method ig` (built CLI, 50
// steps, 2 images, --threads 2 unless BENCH_THREADS) on e2e-ig.bench.mjs's ResNet-18, once per
// INTERP_WINOGRAD_TILE setting (BENCH_TILES, comma-separated; `xnnpack` = INTERP_WINOGRAD=0,
// `default` = no setting), interleaved over BENCH_RUNS rounds (default 5). Prints each setting's
// median wall time, its ratio to the first setting's, and max |ours - captum| / max |captum|
// against Captum's stored IG (DIR/captum-ig.npy, written by e2e-ig.bench.mjs or
// `e2e-ig-captum.py captum DIR 2`), with the 1-minute load average. Captum is not run here.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, readNpyF32, writeResults } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'apps', 'cli', 'dist', 'bin.js');
const dir = process.env.E2E_DIR ?? join(tmpdir(), 'interp-e2e-ig');
const TILES = (process.env.BENCH_TILES ?? 'default,xnnpack,F4,F4H').split(',');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const THREADS = process.env.BENCH_THREADS ?? '2';
if (!existsSync(join(dir, 'captum-ig.npy'))) throw new Error(`${dir}/captum-ig.npy is missing`);
const theirs = readNpyF32(join(dir, 'captum-ig.npy'));
let maxAbs = 0;
for (const v of theirs) maxAbs = Math.max(maxAbs, Math.abs(v));

function runOnce(tile) {
  const env = { ...process.env };
  delete env.INTERP_WINOGRAD;
  delete env.INTERP_WINOGRAD_TILE;
  if (tile === 'xnnpack') env.INTERP_WINOGRAD = '0';
  else if (tile !== 'default') env.INTERP_WINOGRAD_TILE = tile;
  const args = [cli, 'attribute', '--model', join(dir, 'resnet18.onnx'), '--input'];
  args.push(join(dir, 'x.npy'), '--method', 'ig', '--n-steps', '50', '--json');
  args.push('--threads', THREADS);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { env, maxBuffer: 1 << 30, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${tile}: interp attribute failed:\n${r.stderr}`);
  const ours = JSON.parse(r.stdout).attributions.flat(4);
  let maxDiff = 0;
  let sq = 0;
  let sqRef = 0;
  for (let i = 0; i < theirs.length; i++) {
    const d = theirs[i] - ours[i];
    maxDiff = Math.max(maxDiff, Math.abs(d));
    sq += d * d;
    sqRef += theirs[i] * theirs[i];
  }
  return { ms, err: maxDiff / maxAbs, l2: Math.sqrt(sq / sqRef) };
}

const samples = new Map(TILES.map((t) => [t, []]));
for (let round = 0; round < RUNS; round++) {
  for (const tile of TILES) {
    const r = runOnce(tile);
    samples.get(tile).push(r);
    console.log(
      `round ${round} ${tile}: ${(r.ms / 1000).toFixed(1)} s, err ${r.err.toExponential(2)} (rel L2 ${r.l2.toExponential(2)}), load ${loadavg()[0].toFixed(2)}`,
    );
  }
}
const base = median(samples.get(TILES[0]).map((r) => r.ms));
const records = TILES.map((tile) => {
  const ms = median(samples.get(tile).map((r) => r.ms));
  const err = Math.max(...samples.get(tile).map((r) => r.err));
  console.log(
    `${tile}: median ${(ms / 1000).toFixed(1)} s (${(ms / base).toFixed(2)}x ${TILES[0]}), max |ours - captum| / max |captum| = ${err.toExponential(2)}`,
  );
  return {
    label: `IG ResNet-18 x 2, 50 steps, ${THREADS} threads, tile ${tile}`,
    oursMs: ms,
    baselineMs: base,
    baselineLabel: TILES[0],
    ratio: ms / base,
    maxRelDiff: err,
    loadAvg1m: loadavg()[0],
  };
});
console.log('results', writeResults('winograd-tile-ig', records));
