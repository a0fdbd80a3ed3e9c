import { arrayDataLoader, DataLoaders, Learner } from '@interp/core';
import { InteractiveClassifier } from '@interp/widgets';
import { loadMnistDigits } from '../mnist-data.js';
import { setWeightsFrom } from '../model-weights.js';
import { mnistClassifier } from '../models.js';

// The widget over a model: the landing page's pretrained digit CNN on 200 digits it never saw.
// The widget runs the model over them, and opening an item draws its attribution (pick any
// method of @interp/attribution in the menu).
export default async function run(out: HTMLElement): Promise<void> {
  const [weights, { valid }] = await Promise.all([
    fetch(new URL('../assets/hero-mnist-cnn.bin', import.meta.url)).then((r) => r.arrayBuffer()),
    loadMnistDigits({ nTrain: 1500, nValid: 200 }),
  ]);
  const model = mnistClassifier();
  setWeightsFrom(model, new Float32Array(weights));
  const digits = arrayDataLoader(
    { data: valid.images, shape: [valid.count, 28, 28, 1] },
    { data: valid.labels, shape: [valid.count] },
    { batchSize: 100, vocab: Array.from({ length: 10 }, (_, i) => String(i)) },
  );
  const learn = Learner.fromLayersModel(model, { dls: new DataLoaders(digits, digits) });
  const widget = new InteractiveClassifier(learn, { dsIdx: 1, title: 'A digit CNN (pretrained)' });
  await widget.show(out);
}
