import { arrayDataLoader, DataLoaders, Learner } from '@interp/core';
import { InteractiveClassifier } from '@interp/widgets';
import { loadMnistDigits } from '../mnist-data.js';
import { setWeightsFrom } from '../model-weights.js';
import { mnistClassifier } from '../models.js';

// A small CNN trained beforehand (apps/docs/scripts/train-hero.mjs; 57 KB of weights) on MNIST
// digits it never saw here: its 500 predictions in the widget, and the Grad-CAM of the most
// confused pair's worst item, computed in your browser on load.

// The downloads start when this module loads, while the page starts tfjs's WASM backend.
const downloads = Promise.all([
  fetch(new URL('../assets/hero-mnist-cnn.bin', import.meta.url)).then((r) => r.arrayBuffer()),
  loadMnistDigits({ nTrain: 1500, nValid: 500 }),
]);

export default async function run(out: HTMLElement): Promise<void> {
  const [weights, { valid }] = await downloads;
  const model = mnistClassifier();
  setWeightsFrom(model, new Float32Array(weights));
  const digits = arrayDataLoader(
    { data: valid.images, shape: [valid.count, 28, 28, 1] },
    { data: valid.labels, shape: [valid.count] },
    { batchSize: 250, vocab: Array.from({ length: 10 }, (_, i) => String(i)) },
  );
  const learn = Learner.fromLayersModel(model, { dls: new DataLoaders(digits, digits) });
  const widget = new InteractiveClassifier(learn, {
    attribution: 'gradcam',
    title: 'A digit classifier, explained live',
  });
  await widget.show(out);
  // Open the errors users look for first: the most confused pair, largest loss first.
  const [actual, predicted] = widget.interp!.mostConfused(1)[0] ?? [];
  const names = widget.interp!.classNames;
  if (actual !== undefined && predicted !== undefined) {
    widget.selectCell(names.indexOf(actual), names.indexOf(predicted));
    const first = widget.visibleItems()[0];
    if (first !== undefined) await widget.selectItem(first);
  }
  out.dataset.firstResultAt = String(performance.now()); // the site's tests time the hero by it
}
