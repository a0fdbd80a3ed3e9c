// `interp report` end to end on the MNIST example bundle: 1,000 28 x 28 PNG digits (ImageFolder),
// the demo's CNN, 16 top-loss digits attributed with IG (50 steps) and GradCAM; the whole process
// (start, load, decode, predict, metrics, attributions, HTML), goal under 10 s on this 2-core
// machine. Baselines in the same run: `interp classification --out` on the same predictions (the
// report's metrics and figures without images, model or attributions), and `interp report
// --methods ''` (the report without attributions). Run after a build (`npx turbo run build`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report, time, writeResults } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(here, '../apps/cli/dist/bin.js');
const dir = mkdtempSync(join(tmpdir(), 'interp-report-bench-'));
const run = (args) => {
  const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r;
};

try {
  run([resolve(here, '../scripts/build-examples.mjs'), dir]);
  const model = join(dir, 'mnist', 'model.json');
  const digits = join(dir, 'mnist', 'digits');
  const reportArgs = [bin, 'report', '--model', model, '--data', digits, '--out', 'report'];

  // The predictions the baseline reads: the model's outputs (logits) on the same digits, written
  // by the library in-process (the data package's .npy encoder and the data package's loader).
  const { encodeNpy } = await import(resolve(here, '../packages/data/dist/index.js'));
  const { loadModel } = await import(resolve(here, '../apps/cli/dist/io/load-model.js'));
  const { loadImageFolder } = await import(resolve(here, '../packages/data/dist/node.js'));
  const core = await import('@interp/core');
  const tf = await import('@tensorflow/tfjs-core');
  await core.setupBackend('wasm');
  const loaded = await loadModel(model);
  const images = await loadImageFolder(digits);
  const y = tf.tidy(() => loaded.graph.predict(tf.tensor(images.x.data, images.x.shape)));
  writeFileSync(join(dir, 'preds.npy'), encodeNpy(await y.data(), y.shape));
  writeFileSync(join(dir, 'targs.npy'), encodeNpy(images.targets, [images.targets.length]));
  y.dispose();
  loaded.dispose();
  const classificationArgs = [
    bin,
    'classification',
    '--preds',
    'preds.npy',
    '--targs',
    'targs.npy',
    '--act',
    'softmax',
    '--out',
    'cls',
  ];

  const ours = await time(() => run(reportArgs), { runs: 3, warmup: 1 });
  const noAttr = await time(() => run([...reportArgs, '--methods', '']), { runs: 3, warmup: 0 });
  const cls = await time(() => run(classificationArgs), { runs: 3, warmup: 0 });
  const records = [
    report('interp report, 1,000 PNG digits, 16 attributed (whole process)', ours, cls, {
      baselineLabel: 'interp classification --out on the same predictions',
    }),
    report('interp report with vs without attributions', ours, noAttr, {
      baselineLabel: 'interp report --methods ""',
    }),
  ];
  const goalMs = 10_000;
  console.log(
    `goal: interp report under ${goalMs / 1000} s: ${ours.median < goalMs ? 'met' : 'NOT met'} (${(ours.median / 1000).toFixed(2)} s median of 3)`,
  );
  console.log(`results: ${writeResults('report', records, { goalMs })}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
