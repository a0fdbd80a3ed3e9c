#!/usr/bin/env node
// Opt-in scale cases of issue 19's fuzz suite (not run in CI: they take minutes and gigabytes
// of temporary disk). Runs the BUILT command (apps/cli/dist/bin.js: `pnpm --filter @interp/cli
// build` first) on inputs whose counts or sizes are hostile, and checks that every run ends in
// exit 0 or 2 (never `internal error`, a crash or a hang) within its time limit; prints the
// wall time and peak memory of each.
//
//   node apps/cli/scripts/fuzz-scale.mjs [--keep] [case-name-filter]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(here, '../dist/bin.js');
if (!existsSync(bin)) {
  console.error(
    `fuzz-scale: ${bin} is missing; build the CLI first (pnpm --filter @interp/cli build)`,
  );
  process.exit(2);
}
const keep = process.argv.includes('--keep');
const filter = process.argv.slice(2).find((a) => !a.startsWith('--'));
const dir = mkdtempSync(join(tmpdir(), 'interp-fuzz-scale-'));
const write = (name, content) => {
  mkdirSync(dirname(join(dir, name)), { recursive: true });
  writeFileSync(join(dir, name), content);
  return name;
};

/** A version 1.0 .npy file of float32 ('<f4') or int32 ('<i4') values. */
function npy(data, shape) {
  const descr = data instanceof Float32Array ? '<f4' : '<i4';
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  header += `${' '.repeat(64 - ((10 + header.length + 1) % 64))}\n`;
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/** A model.json + weights.bin of one dense layer (inputs -> units), all weights zero. */
function denseModel(name, inputs, units, declaredShape = [inputs, units]) {
  const topology = {
    class_name: 'Sequential',
    config: {
      name: 'seq',
      layers: [
        {
          class_name: 'Dense',
          config: {
            name: 'd',
            units,
            activation: 'softmax',
            use_bias: false,
            batch_input_shape: [null, inputs],
          },
        },
      ],
    },
  };
  write(
    `${name}/model.json`,
    JSON.stringify({
      format: 'layers-model',
      modelTopology: topology,
      weightsManifest: [
        {
          paths: ['weights.bin'],
          weights: [{ name: 'd/kernel', shape: declaredShape, dtype: 'float32' }],
        },
      ],
    }),
  );
  write(`${name}/weights.bin`, new Uint8Array(inputs * units * 4));
  return `${name}/model.json`;
}

const cases = [];
const add = (name, args, seconds, setup) => cases.push({ name, args, seconds, setup });

add(
  'classification: a label of 10^9 in 4 labels',
  ['classification', '--preds', 'l.npy', '--targs', 'big-label.npy'],
  10,
  () => {
    write('l.npy', npy(Int32Array.of(0, 1, 1, 0), [4]));
    write('big-label.npy', npy(Int32Array.of(0, 1, 1e9, 0), [4]));
  },
);
add(
  'classification: 20,000 score columns',
  ['classification', '--preds', 'wide.npy', '--targs', 'wide-t.npy'],
  20,
  () => {
    write('wide.npy', npy(new Float32Array(10 * 20_000).fill(1 / 20_000), [10, 20_000]));
    write('wide-t.npy', npy(new Int32Array(10), [10]));
  },
);
add(
  'classification: a 10^5-line vocab',
  ['classification', '--preds', 'l.npy', '--targs', 'l.npy', '--vocab', 'big-vocab.txt'],
  10,
  () => {
    write('big-vocab.txt', Array.from({ length: 100_000 }, (_, i) => `c${i}`).join('\n'));
  },
);
add(
  'classification: a 200,000-character class name with --out',
  [
    'classification',
    '--preds',
    'l.npy',
    '--targs',
    'l.npy',
    '--vocab',
    'long-name.json',
    '--out',
    'long-out',
  ],
  30,
  () => {
    write('long-name.json', JSON.stringify(['y'.repeat(200_000), 'b']));
  },
);
add(
  'classification: 10^7 x 10 scores',
  ['classification', '--preds', 'n7.npy', '--targs', 'n7-t.npy', '--act', 'softmax'],
  120,
  () => {
    write('n7.npy', npy(new Float32Array(1e7 * 10), [1e7, 10]));
    write('n7-t.npy', npy(new Int32Array(1e7), [1e7]));
  },
);
add(
  'segmentation: 4,096 classes with --out',
  ['segmentation', '--preds', 'seg.npy', '--targs', 'seg.npy', '--out', 'seg-out'],
  120,
  () => {
    write(
      'seg.npy',
      npy(
        Int32Array.from({ length: 64 * 64 }, (_, i) => i % 4096),
        [1, 64, 64],
      ),
    );
  },
);
add(
  'attribute: --n-steps 10^5 gausslegendre',
  [
    'attribute',
    '--model',
    'm/model.json',
    '--input',
    'x.npy',
    '--method',
    'ig',
    '--n-steps',
    '100000',
  ],
  30,
  () => {
    denseModel('m', 4, 3);
    write('x.npy', npy(Float32Array.of(1, 2, 3, 4), [1, 4]));
  },
);
add(
  'attribute: --n-steps 10^9',
  [
    'attribute',
    '--model',
    'm/model.json',
    '--input',
    'x.npy',
    '--method',
    'ig',
    '--n-steps',
    '1000000000',
  ],
  10,
);
add(
  'importance: --n-repeats 10^9',
  [
    'importance',
    '--model',
    'm/model.json',
    '--data',
    'x.npy',
    '--targs',
    'one.npy',
    '--n-repeats',
    '1000000000',
  ],
  10,
  () => {
    write('one.npy', npy(Int32Array.of(0), [1]));
  },
);
add(
  'summary: --input-size 50000000,4',
  ['summary', '--model', 'm/model.json', '--input-size', '50000000,4'],
  10,
);
add(
  'summary: a manifest declaring 2^40 bytes of weights',
  ['summary', '--model', 'huge/model.json'],
  10,
  () => {
    denseModel('huge', 4, 3, [2 ** 20, 2 ** 18]);
  },
);
add(
  'summary: a 1 GiB weight file behind a 48-byte manifest',
  ['summary', '--model', 'padded/model.json'],
  20,
  () => {
    denseModel('padded', 4, 3);
    write('padded/weights.bin', new Uint8Array(2 ** 30));
  },
);

const hasTime = existsSync('/usr/bin/time');
let failed = 0;
for (const c of cases) {
  if (filter && !c.name.includes(filter)) continue;
  c.setup?.();
  const command = hasTime
    ? ['/usr/bin/time', ['-f', '%M', process.execPath, bin, ...c.args]]
    : [process.execPath, [bin, ...c.args]];
  const t0 = performance.now();
  const r = spawnSync(command[0], command[1], {
    cwd: dir,
    encoding: 'utf8',
    timeout: c.seconds * 1000,
    maxBuffer: 1 << 28,
  });
  const seconds = (performance.now() - t0) / 1000;
  const lines = r.stderr.trim().split('\n');
  const peakKb = hasTime ? Number(lines.pop()) : Number.NaN;
  const message = lines.filter((l) => l.startsWith('interp ')).pop() ?? '';
  const ok =
    (r.status === 0 || r.status === 2) && !/internal error/.test(r.stderr) && r.signal === null;
  if (!ok) failed++;
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${c.name}: exit ${r.status ?? r.signal} in ${seconds.toFixed(1)} s, ` +
      `peak ${Number.isNaN(peakKb) ? '?' : (peakKb / 1024).toFixed(0)} MB${message ? `\n     ${message.slice(0, 200)}` : ''}`,
  );
}
if (!keep) rmSync(dir, { recursive: true, force: true });
else console.log(`inputs kept in ${dir}`);
process.exit(failed === 0 ? 0 : 1);
