#!/usr/bin/env node
// Opt-in memory check (issue 12.12; not in CI): peak RSS of the built CLI on large inputs.
//   interp segmentation on a 2 GB float32 score .npy   (budget: under 300 MB)
//   interp classification on 10^7 x 10 float32 scores  (budget: under 1.5x the file size)
// Build first (npx turbo run build --filter=@interp/cli...), then from the repository root:
//   node apps/cli/scripts/memory-check.mjs [--keep]
// Needs /usr/bin/time (GNU time, for -v) and ~2.6 GB of free disk in the temp folder (the
// segmentation scores are written sparse where the file system allows).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(here, '../dist/bin.js');
if (!existsSync(bin)) {
  console.error(
    `${bin} is missing; build the CLI first (npx turbo run build --filter=@interp/cli...)`,
  );
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'interp-memory-'));

/** A version-1.0 .npy header for `descr` and `shape`, padded to 64 bytes as numpy writes it. */
function header(descr, shape) {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let text = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  text += `${' '.repeat((64 - ((10 + text.length + 1) % 64)) % 64)}\n`;
  const out = Buffer.alloc(10 + text.length);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(out);
  out.writeUInt16LE(text.length, 8);
  out.write(text, 10, 'latin1');
  return out;
}

/** Writes header + `bytes` bytes whose content repeats `pattern` (whole elements). */
function writeNpy(file, descr, shape, pattern) {
  const fd = openSync(file, 'w');
  const h = header(descr, shape);
  writeSync(fd, h);
  const total = shape.reduce((a, b) => a * b, 1) * pattern.BYTES_PER_ELEMENT;
  const chunkElems = 1 << 22;
  const chunk = new pattern.constructor(chunkElems);
  for (let i = 0; i < chunkElems; i++) chunk[i] = pattern[i % pattern.length];
  const bytes = Buffer.from(chunk.buffer);
  for (let done = 0; done < total; ) {
    const n = Math.min(bytes.length, total - done);
    writeSync(fd, bytes, 0, n);
    done += n;
  }
  closeSync(fd);
  return statSync(file).size;
}

/** N x C float32 rows of positive pseudo-random values that sum to 1, written in chunks. */
function writeRandomProbabilities(file, n, c) {
  const fd = openSync(file, 'w');
  writeSync(fd, header('<f4', [n, c]));
  const rowsPerChunk = 1 << 18;
  const chunk = new Float32Array(rowsPerChunk * c);
  let state = 12345;
  for (let first = 0; first < n; first += rowsPerChunk) {
    const rows = Math.min(rowsPerChunk, n - first);
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let k = 0; k < c; k++) {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        const v = 0.05 + state / 2 ** 32;
        chunk[r * c + k] = v;
        sum += v;
      }
      for (let k = 0; k < c; k++) chunk[r * c + k] /= sum;
    }
    writeSync(fd, Buffer.from(chunk.buffer, 0, rows * c * 4));
  }
  closeSync(fd);
  return statSync(file).size;
}

/** Runs the CLI under GNU time -v; returns peak RSS in MB, seconds and the exit code. */
function measure(args) {
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, bin, ...args], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)/.exec(r.stderr)?.[1];
  if (r.status !== 0) {
    console.error(r.stderr.split('\n').slice(0, 5).join('\n'));
  }
  return { mb: kb / 1024, wall, code: r.status };
}

const mb = (bytes) => bytes / 1024 / 1024;
const results = [];
try {
  // Segmentation: 500 x 500 x 500 pixels x 4 classes of float32 = 2.0 GB of scores.
  const segShape = [500, 500, 500];
  const segScores = writeNpy(
    join(dir, 'seg-preds.npy'),
    '<f4',
    [...segShape, 4],
    Float32Array.of(0.1, 0.2, 0.3, 0.4, 0.4, 0.3, 0.2, 0.1),
  );
  writeNpy(join(dir, 'seg-targs.npy'), '|u1', segShape, Uint8Array.of(3, 0, 1, 2));
  const seg = measure([
    'segmentation',
    '--preds',
    'seg-preds.npy',
    '--targs',
    'seg-targs.npy',
    '--json',
  ]);
  results.push({
    name: 'segmentation',
    file: segScores,
    ...seg,
    budget: 300,
    ok: seg.code === 0 && seg.mb < 300,
  });

  // Classification: 10^7 x 10 float32 probabilities, random rows normalized to sum 1 (rows
  // that all tie would make every item a top-loss candidate, which real scores never do).
  const n = 10_000_000;
  const clsScores = writeRandomProbabilities(join(dir, 'cls-preds.npy'), n, 10);
  writeNpy(join(dir, 'cls-targs.npy'), '<i4', [n], Int32Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
  const cls = measure([
    'classification',
    '--preds',
    'cls-preds.npy',
    '--targs',
    'cls-targs.npy',
    '--json',
  ]);
  const budget = 1.5 * mb(clsScores);
  results.push({
    name: 'classification',
    file: clsScores,
    ...cls,
    budget,
    ok: cls.code === 0 && cls.mb < budget,
  });
} finally {
  if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
}

for (const r of results) {
  console.log(
    `${r.name.padEnd(15)} input ${mb(r.file).toFixed(0).padStart(5)} MB  peak RSS ${r.mb.toFixed(0).padStart(5)} MB` +
      ` (${(r.mb / mb(r.file)).toFixed(2)}x the input; budget ${r.budget.toFixed(0)} MB)  ${r.wall}  exit ${r.code}  ${r.ok ? 'ok' : 'OVER BUDGET OR FAILED'}`,
  );
}
process.exit(results.every((r) => r.ok) ? 0 : 1);
