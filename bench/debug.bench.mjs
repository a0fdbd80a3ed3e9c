// fit with ActivationStats on vs off, same run, same data and same initial weights.
// Default: the demo CNN (conv(16,3x3,relu)-maxpool-conv(32,3x3,relu)-maxpool-flatten-dense(10)) on
// MNIST digits on WASM. `--dense` uses a dense model instead, `--cpu` the cpu backend,
// `--hist` turns on withHist. Goal: ActivationStats costs at most 1.25x.
import { arrayDataLoader, DataLoaders, Learner, setupBackend } from '@interp/core';
import { ActivationStats } from '@interp/debug';
import { mnistSplit } from '@interp/example-data';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { report, writeResults } from './lib.mjs';

const args = new Set(process.argv.slice(2));
const dense = args.has('--dense');
const withHist = args.has('--hist');
const backend = args.has('--cpu') ? 'cpu' : 'wasm';
const info = await setupBackend(backend);

const nTrain = dense ? 2048 : 1024;
const { train, valid } = mnistSplit({ nTrain, nValid: 64 });
const dl = (d) =>
  arrayDataLoader(
    { data: d.images, shape: [d.count, 28, 28, 1] },
    { data: d.labels, shape: [d.count] },
    {
      batchSize: 64,
    },
  );
const dls = new DataLoaders(dl(train), dl(valid));

function makeModel() {
  const m = tfl.sequential();
  if (dense) {
    m.add(tfl.layers.flatten({ inputShape: [28, 28, 1] }));
    m.add(tfl.layers.dense({ units: 128, activation: 'relu' }));
    m.add(tfl.layers.dense({ units: 64, activation: 'relu' }));
  } else {
    m.add(
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 16,
        kernelSize: 3,
        activation: 'relu',
      }),
    );
    m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tfl.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }));
    m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tfl.layers.flatten());
  }
  m.add(tfl.layers.dense({ units: 10 }));
  return m;
}

const model = makeModel();
const initial = model.getWeights().map((w) => tf.clone(w));
const learn = Learner.fromLayersModel(model, { dls });

async function fitOnce(on) {
  model.setWeights(initial);
  const activs = on ? new ActivationStats(learn, { withHist }) : undefined;
  const t0 = performance.now();
  await learn.fit(1, { lr: 1e-3, skipValidation: true });
  const ms = performance.now() - t0;
  if (activs) {
    activs.remove();
    if (activs.length !== Math.ceil(nTrain / 64))
      throw new Error(`recorded ${activs.length} batches`);
  }
  learn.recorder.reset();
  return ms;
}

// Interleave off and on so load from other processes hits both alike.
const runs = 7;
const off = [];
const on = [];
await fitOnce(false);
await fitOnce(true);
for (let r = 0; r < runs; r++) {
  off.push(await fitOnce(false));
  on.push(await fitOnce(true));
}
const stats = (s) => {
  const sorted = [...s].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)],
    min: sorted[0],
    max: sorted.at(-1),
    runs,
  };
};
const label = `fit 1 epoch (${nTrain} digits, batch 64, ${dense ? 'dense' : 'CNN'}, ${info.backend}${info.simd ? ' simd' : ''}) with ActivationStats${withHist ? ' (withHist)' : ''}`;
const rec = report(label, stats(on), stats(off), { goal: 1.25, baselineLabel: 'without' });
writeResults(`debug${dense ? '-dense' : ''}${withHist ? '-hist' : ''}`, [rec], { backend: info });
tf.dispose(initial);
