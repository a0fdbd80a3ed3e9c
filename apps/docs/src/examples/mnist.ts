import { arrayDataLoader, DataLoaders, Learner } from '@interp/core';
import { InteractiveClassifier, InteractiveSegmentation } from '@interp/widgets';
import * as Comlink from 'comlink';
import { loadMnistDigits, type MnistDigits, segmentationMasks } from '../mnist-data.js';
import { setWeightsFrom } from '../model-weights.js';
import { mnistClassifier, mnistSegmenter } from '../models.js';
import type { MnistTrainer } from '../workers/mnist-trainer.js';

// Trains two small models on 1,500 MNIST digits in a Web Worker (WASM backend there too), so this
// tab stays responsive, then rebuilds them here from their weights and opens both widgets on
// 500 held-out digits.
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
const { train, valid } = await loadMnistDigits({ nTrain: 1500, nValid: 500 });
const vocab = Array.from({ length: 10 }, (_, i) => String(i));

const worker = new Worker(new URL('../workers/mnist-trainer.ts', import.meta.url), {
  type: 'module',
});
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

  // The same architectures, with the weights the worker learned.
  const classifier = mnistClassifier();
  setWeightsFrom(classifier, clf.weights);
  const segmenter = mnistSegmenter();
  setWeightsFrom(segmenter, seg.weights);
  const images = (d: MnistDigits) => ({ data: d.images, shape: [d.count, 28, 28, 1] });
  // Small batches: each prediction batch is one task on this thread.
  const loader = (y: { data: Int32Array; shape: number[] }, batchSize: number) =>
    arrayDataLoader(images(valid), y, { batchSize });
  const labels = { data: valid.labels, shape: [valid.count] };
  const learn = Learner.fromLayersModel(classifier, {
    dls: new DataLoaders(loader(labels, 50), loader(labels, 50)),
    vocab,
  });
  const masks = { data: segmentationMasks(valid), shape: [valid.count, 28, 28] };
  const segLearn = Learner.fromLayersModel(segmenter, {
    dls: new DataLoaders(loader(masks, 25), loader(masks, 25)),
    vocab: ['background', ...vocab],
  });
  await new InteractiveClassifier(learn, { dsIdx: 1, title: 'MNIST classifier' }).show(out);
  await new InteractiveSegmentation(segLearn, { dsIdx: 1, title: 'MNIST segmenter' }).show(out);
  const total = (performance.now() - t0) / 1000;
  status.textContent =
    `Classifier: ${(100 * clf.accuracy).toFixed(1)}% validation accuracy after 4 epochs. ` +
    `Training took ${(clf.seconds + seg.seconds).toFixed(1)} s in a Web Worker ` +
    `(classifier ${clf.seconds.toFixed(1)} s, segmenter ${seg.seconds.toFixed(1)} s); ` +
    `${total.toFixed(1)} s in all, with the widgets. ` +
    'Click a confusion cell, then an item to see its saliency or Grad-CAM.';
} finally {
  trainer[Comlink.releaseProxy]();
  worker.terminate();
}
