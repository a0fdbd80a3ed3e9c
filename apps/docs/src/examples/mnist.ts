import { arrayDataLoader, DataLoaders, Learner } from '@interp/core';
import { InteractiveClassifier, InteractiveSegmentation } from '@interp/widgets';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as Comlink from 'comlink';
import type { Digits, MnistTrainer } from './mnist.worker.js';

// Trains two small models on 1,500 MNIST digits in a Web Worker (mnist.worker.ts, WASM backend
// there too), so this tab stays responsive, then loads them here from what the worker saved and
// opens both widgets on 500 held-out digits.
const out = document.querySelector<HTMLElement>('#out');
if (!out) throw new Error('the page needs an element with id "out"');
const t0 = performance.now();
const status = document.createElement('p');
status.setAttribute('role', 'status');
const progress = document.createElement('progress');
progress.setAttribute('aria-label', 'Training progress');
out.append(status, progress);
const onProgress = (done: number, total: number) => {
  progress.max = total;
  progress.value = done;
};

// The site serves 2,000 MNIST digits in one file: a little-endian uint32 count N, N label bytes,
// then N x 784 pixel bytes (0..255). The digits are interleaved by class: any run is balanced.
const bytes = new Uint8Array(await (await fetch('data/mnist-digits.bin')).arrayBuffer());
const n = new DataView(bytes.buffer).getUint32(0, true);
/** `count` digits from `first`, with their masks: 0 (background) where ink <= 0.5, else 1 + digit. */
function digits(first: number, count: number): Digits {
  const labels = Int32Array.from(bytes.subarray(4 + first, 4 + first + count));
  const images = new Float32Array(count * 784);
  const masks = new Int32Array(count * 784);
  // Plain loops: Float32Array.from(bytes, fn) takes over 200 ms here, one long task on the page.
  for (let p = 0; p < images.length; p++) {
    images[p] = bytes[4 + n + first * 784 + p]! / 255;
    masks[p] = images[p]! > 0.5 ? labels[Math.floor(p / 784)]! + 1 : 0;
  }
  return { images, labels, masks, count };
}
const [train, valid] = [digits(0, 1500), digits(1500, 500)];
const vocab = Array.from({ length: 10 }, (_, i) => String(i));

const worker = new Worker(new URL('./mnist.worker.ts', import.meta.url), { type: 'module' });
const trainer = Comlink.wrap<MnistTrainer>(worker);
try {
  status.textContent = 'Starting the training worker…';
  await trainer.setup(new URL('wasm/', document.baseURI).href);
  status.textContent = 'Training the digit classifier (4 epochs) in a Web Worker…';
  const clf = await trainer.trainClassifier(train, valid, Comlink.proxy(onProgress));
  status.textContent = 'Training the segmenter (3 epochs) in a Web Worker…';
  const seg = await trainer.trainSegmenter(train, valid, Comlink.proxy(onProgress));
  out.dataset.trainedAt = String(performance.now());
  progress.remove();
  status.textContent = 'Trained; computing the predictions for the widgets…';

  // The trained models, as the worker saved them (tfjs's save format, in memory).
  const classifier = await tfl.loadLayersModel(tf.io.fromMemory(clf.artifacts));
  const segmenter = await tfl.loadLayersModel(tf.io.fromMemory(seg.artifacts));
  // Small batches: each prediction batch is one task on this thread.
  const loader = (y: { data: Int32Array; shape: number[] }, batchSize: number) =>
    arrayDataLoader({ data: valid.images, shape: [valid.count, 28, 28, 1] }, y, { batchSize });
  const labels = { data: valid.labels, shape: [valid.count] };
  const learn = Learner.fromLayersModel(classifier, {
    dls: new DataLoaders(loader(labels, 50), loader(labels, 50)),
    vocab,
  });
  const masks = { data: valid.masks, shape: [valid.count, 28, 28] };
  const segLearn = Learner.fromLayersModel(segmenter, {
    dls: new DataLoaders(loader(masks, 25), loader(masks, 25)),
    vocab: ['background', ...vocab],
  });
  await new InteractiveClassifier(learn, { dsIdx: 1, title: 'MNIST classifier' }).show(out);
  await new InteractiveSegmentation(segLearn, { dsIdx: 1, title: 'MNIST segmenter' }).show(out);
  const total = (performance.now() - t0) / 1000;
  status.textContent =
    `Classifier: ${(100 * (clf.accuracy ?? 0)).toFixed(1)}% validation accuracy after 4 epochs. ` +
    `Training took ${(clf.seconds + seg.seconds).toFixed(1)} s in a Web Worker ` +
    `(classifier ${clf.seconds.toFixed(1)} s, segmenter ${seg.seconds.toFixed(1)} s); ` +
    `${total.toFixed(1)} s in all, with the widgets. ` +
    'Click a confusion cell, then an item to see its saliency or Grad-CAM.';
} finally {
  trainer[Comlink.releaseProxy]();
  worker.terminate();
}
