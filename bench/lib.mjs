// Shared benchmark helpers: time a function, compare with a baseline measured in the same run,
// print the ratio and append a JSON record to bench/results/<name>.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Bundled bench scripts (bundled.mjs) run from bench/node_modules/.cache: results still go to bench/.
const here = process.env.BENCH_BUNDLED ?? dirname(fileURLToPath(import.meta.url));

/** Median, min and max of `samples` (sorted in place), in the format time() returns. */
function summarize(samples, runs) {
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  return { median, min: samples[0], max: samples[samples.length - 1], runs };
}

/** Median wall time in ms of `fn` (awaited) over `runs` runs after `warmup` runs. */
export async function time(fn, { runs = 5, warmup = 1 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return summarize(samples, runs);
}

/**
 * Times `fns` round-robin (f0, f1, ..., f0, f1, ...) so that all see the same machine load, and
 * returns their medians in time()'s format. `beforeEach` (e.g. `gc`) runs untimed before every
 * call, warmup rounds included.
 */
export async function timeInterleaved(fns, { runs = 11, warmup = 2, beforeEach } = {}) {
  const samples = fns.map(() => []);
  for (let r = 0; r < warmup + runs; r++) {
    for (const [k, fn] of fns.entries()) {
      beforeEach?.();
      const t0 = performance.now();
      await fn();
      if (r >= warmup) samples[k].push(performance.now() - t0);
    }
  }
  return samples.map((xs) => summarize(xs, runs));
}

/**
 * Prints `label: ours X ms, baseline Y ms, ratio R (goal <= G)` and returns the record.
 * `goal` is optional; `ok` says whether the ratio met it.
 */
export function report(label, ours, baseline, { goal, baselineLabel = 'baseline' } = {}) {
  const ratio = ours.median / baseline.median;
  const ok = goal === undefined ? undefined : ratio <= goal;
  const goalText = goal === undefined ? '' : ` (goal <= ${goal}x: ${ok ? 'met' : 'NOT met'})`;
  console.log(
    `${label}: ours ${ours.median.toFixed(1)} ms, ${baselineLabel} ${baseline.median.toFixed(1)} ms, ratio ${ratio.toFixed(2)}x${goalText}`,
  );
  return {
    label,
    oursMs: ours.median,
    baselineMs: baseline.median,
    baselineLabel,
    ratio,
    goal,
    ok,
  };
}

/** Writes the records of one benchmark to bench/results/<name>.json. */
export function writeResults(name, records, extra = {}) {
  const dir = join(here, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ name, date: new Date().toISOString(), node: process.version, records, ...extra }, null, 2)}\n`,
  );
  return file;
}

/** The median of `xs` (the upper middle one of an even count); `xs` is not reordered. */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** max |a - ref| / max |ref| (Infinity when the lengths differ). */
export function relMaxDiff(a, ref) {
  if (a.length !== ref.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return diff / scale;
}

/** A float32 C-order .npy as a flat array. */
export function readNpyF32(file) {
  const bytes = readFileSync(file);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  if (!header.includes("'<f4'") || header.includes("'fortran_order': True"))
    throw new Error(`${file}: expected little-endian float32 in C order, got ${header}`);
  const start = 10 + headerLength;
  return new Float32Array(
    bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length),
  );
}

/** Set in a child of {@link runPerThreadCount}: the file its records go to. */
export const CHILD_OUT = process.env.BENCH_CHILD_OUT;

/**
 * Runs `script` once per thread count, each in a fresh process (the backend's thread count is
 * fixed per process) with BENCH_THREADS and BENCH_CHILD_OUT set, gathers the records each child
 * wrote to BENCH_CHILD_OUT as `{ records }`, and writes them as bench/results/<name>.json.
 */
export function runPerThreadCount(script, name, threadCounts) {
  const dir = mkdtempSync(join(tmpdir(), `interp-${name}-bench-`));
  const records = [];
  for (const threads of threadCounts) {
    const out = join(dir, `${threads}.json`);
    const child = spawnSync(process.execPath, [...process.execArgv, script], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_THREADS: String(threads), BENCH_CHILD_OUT: out },
    });
    if (child.status !== 0) throw new Error(`the ${threads}-thread run failed (${child.status})`);
    records.push(...JSON.parse(readFileSync(out, 'utf8')).records);
  }
  return writeResults(name, records);
}
