// Pixel confusion matrix from scores of shape 64 x 256 x 256 x 11 float32 (46 million values).
// (1) in process: pixelConfusionMatrixFromScores vs a plain sum over the same array (one read),
//     same run; goal <= 2x, added memory < 64 MiB.
// (2) end to end: `interp segmentation --json` on .npy files of that size, as a whole process,
//     next to numpy (np.load, per-image argmax then bincount) run on the same files when python3
//     has numpy, and the 0.32 s figure measured for numpy on this machine.
// Run after a build: `npx turbo run build --filter=@interp/cli...` then `node bench/segmentation.bench.mjs`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pixelConfusionMatrixFromScores } from '@interp/segmentation/metrics';
import { report, time, writeResults } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const [N, H, W, C] = [64, 256, 256, 11];
const PIXELS = N * H * W;
const MiB = 1024 * 1024;
const NUMPY_FIGURE_S = 0.32;

// Deterministic scores and labels (xorshift), made before any measurement.
const scores = new Float32Array(PIXELS * C);
let x = 2463534242;
for (let i = 0; i < scores.length; i++) {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  scores[i] = (x >>> 0) / 4294967296;
}
const targs = new Uint8Array(PIXELS);
for (let i = 0; i < PIXELS; i++) targs[i] = i % 97 === 0 ? 255 : (i * 7) % C;

function plainSum(a) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

const records = [];
const extra = {};

// (1) Memory first, on a cold call: the kernel's scratch memory is allocated then and kept.
globalThis.gc?.();
const before = process.memoryUsage();
const maxRssBefore = process.resourceUsage().maxRSS * 1024;
const cm = pixelConfusionMatrixFromScores(scores, C, targs, { ignoreIndex: 255 });
const after = process.memoryUsage();
const maxRssAfter = process.resourceUsage().maxRSS * 1024;
const counted = cm.counts.reduce((a, b) => a + b, 0);
const expectedCounted = PIXELS - Math.ceil(PIXELS / 97);
if (counted !== expectedCounted)
  throw new Error(`counted ${counted} pixels, expected ${expectedCounted}`);
const memory = {
  peakRssAddedMiB: (maxRssAfter - maxRssBefore) / MiB,
  rssAddedMiB: (after.rss - before.rss) / MiB,
  arrayBuffersAddedMiB: (after.arrayBuffers - before.arrayBuffers) / MiB,
  externalAddedMiB: (after.external - before.external) / MiB,
};
console.log(
  `memory added by the first call: peak rss +${memory.peakRssAddedMiB.toFixed(1)} MiB, rss +${memory.rssAddedMiB.toFixed(1)} MiB, arrayBuffers +${memory.arrayBuffersAddedMiB.toFixed(1)} MiB (goal < 64 MiB: ${Math.max(memory.peakRssAddedMiB, memory.arrayBuffersAddedMiB) < 64 ? 'met' : 'NOT met'})`,
);
extra.memory = memory;

const sumTime = await time(() => plainSum(scores), { runs: 7, warmup: 2 });
const oursTime = await time(
  () => pixelConfusionMatrixFromScores(scores, C, targs, { ignoreIndex: 255 }),
  {
    runs: 7,
    warmup: 2,
  },
);
records.push(
  report('pixel confusion matrix 64x256x256x11 f32, in process', oursTime, sumTime, {
    goal: 2,
    baselineLabel: 'plain sum (one read)',
  }),
);

// (2) End to end, as whole processes on .npy files.
const bin = join(here, '..', 'apps', 'cli', 'dist', 'bin.js');
const dir = mkdtempSync(join(tmpdir(), 'interp-seg-bench-'));
try {
  const predsFile = join(dir, 'preds.npy');
  const targsFile = join(dir, 'targs.npy');
  writeFileSync(predsFile, npy(scores, '<f4', [N, H, W, C]));
  writeFileSync(targsFile, npy(targs, '|u1', [N, H, W]));

  const runCli = () => {
    const r = spawnSync(
      process.execPath,
      [
        bin,
        'segmentation',
        '--preds',
        predsFile,
        '--targs',
        targsFile,
        '--ignore-index',
        '255',
        '--json',
      ],
      {
        encoding: 'utf8',
      },
    );
    if (r.status !== 0) throw new Error(`interp segmentation failed (${r.status}): ${r.stderr}`);
    return r.stdout;
  };
  const json = JSON.parse(runCli());
  const cliCounted = json.confusionMatrix.flat().reduce((a, b) => a + b, 0);
  if (cliCounted !== expectedCounted)
    throw new Error(`the CLI counted ${cliCounted} pixels, expected ${expectedCounted}`);
  const cliTime = await time(runCli, { runs: 5, warmup: 1 });

  const numpyScript = `
import sys, numpy as np
p = np.load(sys.argv[1]); t = np.load(sys.argv[2]); C = p.shape[-1]
cm = np.zeros(C * C, dtype=np.int64)
for i in range(p.shape[0]):
    a = p[i].argmax(-1).ravel(); l = t[i].ravel().astype(np.int64); k = l != 255
    cm += np.bincount(l[k] * C + a[k], minlength=C * C)
print(int(cm.sum()))
`;
  const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
  if (hasNumpy) {
    const runNumpy = () => {
      const r = spawnSync('python3', ['-c', numpyScript, predsFile, targsFile], {
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`numpy baseline failed: ${r.stderr}`);
      if (Number(r.stdout) !== expectedCounted) throw new Error(`numpy counted ${r.stdout}`);
    };
    const numpyTime = await time(runNumpy, { runs: 5, warmup: 1 });
    records.push(
      report('interp segmentation --json end to end (whole process)', cliTime, numpyTime, {
        goal: 1,
        baselineLabel: 'numpy argmax+bincount (whole process, same run)',
      }),
    );
  }
  const vsFigure = cliTime.median / 1000 / NUMPY_FIGURE_S;
  console.log(
    `interp segmentation --json: ${(cliTime.median / 1000).toFixed(3)} s vs the ${NUMPY_FIGURE_S} s numpy figure: ratio ${vsFigure.toFixed(2)}x (goal < 1x: ${vsFigure < 1 ? 'met' : 'NOT met'})`,
  );
  extra.endToEnd = {
    cliSeconds: cliTime.median / 1000,
    numpyFigureSeconds: NUMPY_FIGURE_S,
    ratioToFigure: vsFigure,
  };
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`results: ${writeResults('segmentation', records, extra)}`);

/** A version-1 .npy file for a typed array (kept here so the bench needs only built packages). */
function npy(data, descr, shape) {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64);
  header += '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
