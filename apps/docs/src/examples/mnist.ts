import { accuracy, arrayDataLoader, DataLoaders, Learner } from '@interp/core';
import { InteractiveClassifier, InteractiveSegmentation } from '@interp/widgets';
import { loadMnistDigits, segmentationMasks } from '../mnist-data.js';
import { mnistCnn, mnistSegmenter } from '../models.js';

// Trains two small models on 1,500 MNIST digits in this tab (WASM backend), then opens both
// widgets on 500 held-out digits.
export default async function run(out: HTMLElement): Promise<void> {
  const nTrain = 1500;
  const nValid = 500;
  const status = document.createElement('p');
  const progress = document.createElement('progress');
  progress.setAttribute('aria-label', 'Training progress');
  out.append(status, progress);
  const { train, valid } = await loadMnistDigits({ nTrain, nValid });
  const images = (d: typeof train) => ({ data: d.images, shape: [d.count, 28, 28, 1] });
  const vocab = Array.from({ length: 10 }, (_, i) => String(i));

  // 1. The digit classifier, one epoch.
  const dls = new DataLoaders(
    arrayDataLoader(
      images(train),
      { data: train.labels, shape: [nTrain] },
      {
        batchSize: 64,
        shuffle: true,
        seed: 0,
      },
    ),
    arrayDataLoader(images(valid), { data: valid.labels, shape: [nValid] }, { batchSize: 250 }),
  );
  const learn = Learner.fromLayersModel(mnistCnn(), { dls, vocab, metrics: [accuracy] });
  status.textContent = 'Training the digit classifier (1 epoch)…';
  const t0 = performance.now();
  await learn.fit(1, {
    lr: 3e-3,
    onProgress: (done, total) => {
      progress.max = total;
      progress.value = done;
    },
  });
  const acc = learn.recorder.epochs.at(-1)!.metrics.accuracy!;
  const seconds = (performance.now() - t0) / 1000;

  // 2. A segmenter for the same digits: per pixel, background or which digit the ink belongs to.
  const segVocab = ['background', ...vocab];
  const segDls = new DataLoaders(
    arrayDataLoader(
      images(train),
      { data: segmentationMasks(train), shape: [nTrain, 28, 28] },
      {
        batchSize: 32,
        shuffle: true,
        seed: 0,
      },
    ),
    arrayDataLoader(
      images(valid),
      { data: segmentationMasks(valid), shape: [nValid, 28, 28] },
      {
        batchSize: 100,
      },
    ),
  );
  const segLearn = Learner.fromLayersModel(mnistSegmenter(), { dls: segDls, vocab: segVocab });
  status.textContent = 'Training the segmenter (3 epochs)…';
  await segLearn.fit(3, {
    lr: 5e-3,
    onProgress: (done, total) => {
      progress.max = total;
      progress.value = done;
    },
  });
  progress.remove();
  status.textContent = `Classifier: ${(100 * acc).toFixed(1)}% validation accuracy after 1 epoch (${seconds.toFixed(1)} s). Click a confusion cell, then an item to see its saliency.`;

  const classifier = new InteractiveClassifier(learn, { dsIdx: 1, title: 'MNIST classifier' });
  await classifier.show(out);
  const segmentation = new InteractiveSegmentation(segLearn, {
    dsIdx: 1,
    title: 'MNIST segmenter',
  });
  await segmentation.show(out);
}
