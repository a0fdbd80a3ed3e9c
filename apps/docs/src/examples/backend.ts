import {
  accuracy,
  arrayDataLoader,
  DataLoaders,
  getBackendInfo,
  Interpretation,
  Learner,
} from '@interp/core';
import * as tfl from '@tensorflow/tfjs-layers';

// The page already called setupBackend('wasm', { wasmPaths }); this reports what it got, then
// trains a logistic regression on two Gaussian blobs and reads its top losses.
const out = document.querySelector<HTMLElement>('#out');
if (!out) throw new Error('the page needs an element with id "out"');
const info = getBackendInfo();
const n = 400;
const x = new Float32Array(n * 2);
const y = new Int32Array(n);
let seed = 1;
const rand = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
for (let i = 0; i < n; i++) {
  y[i] = i % 2;
  const center = y[i] ? 1 : -1;
  x[2 * i] = center + (rand() - 0.5) * 2.4;
  x[2 * i + 1] = center + (rand() - 0.5) * 2.4;
}
const split = (a: number, b: number) =>
  arrayDataLoader(
    { data: x.subarray(2 * a, 2 * b), shape: [b - a, 2] },
    { data: y.subarray(a, b), shape: [b - a] },
    { batchSize: 32, shuffle: a === 0, seed: 0, vocab: ['left', 'right'] },
  );
const dls = new DataLoaders(split(0, 300), split(300, n));
const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 2 })] });
const learn = Learner.fromLayersModel(model, { dls, metrics: [accuracy] });
await learn.fit(5, { lr: 0.05 });
const last = learn.recorder.epochs.at(-1)!;
const interp = await Interpretation.fromLearner(learn);
const { losses, indices } = interp.topLosses(3);
const pre = document.createElement('pre');
pre.textContent = [
  `backend: ${info.backend}, SIMD ${info.simd ? 'on' : 'off'}, threads ${info.threads ? 'on' : 'off'}`,
  `after 5 epochs: valid loss ${last.validLoss.toFixed(3)}, accuracy ${(100 * last.metrics.accuracy!).toFixed(1)}%`,
  `top losses: ${Array.from(indices, (i, k) => `item ${i} (${losses[k]!.toFixed(2)})`).join(', ')}`,
].join('\n');
out.append(pre);
model.dispose();
